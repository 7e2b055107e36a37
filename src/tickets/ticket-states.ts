/**
 * Ticket states and their types, as OTRS has them. Every follow-up rule looks at the type
 * (FOLLOWUP.md §1), never at the name.
 */
export const TICKET_STATES = ['new', 'open', 'pending reminder', 'closed successful', 'closed unsuccessful'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export type StateType = 'new' | 'open' | 'pending' | 'closed';

const TYPE_OF: Record<TicketState, StateType> = {
  new: 'new',
  open: 'open',
  'pending reminder': 'pending',
  'closed successful': 'closed',
  'closed unsuccessful': 'closed',
};

export function stateTypeOf(state: TicketState): StateType {
  return TYPE_OF[state];
}

export function statesOfType(type: StateType): TicketState[] {
  return TICKET_STATES.filter((state) => TYPE_OF[state] === type);
}

export const CLOSED_STATES = statesOfType('closed');
