/**
 * Ticket states and their types, as OTRS has them. Every follow-up rule looks at the type
 * (docs/QUEUES.md, "State types"), never at the name.
 */
export const TICKET_STATES = ['new', 'open', 'pending reminder', 'pending auto close+', 'pending auto close-', 'closed successful', 'closed unsuccessful'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export type StateType = 'new' | 'open' | 'pending' | 'closed';

const TYPE_OF: Record<TicketState, StateType> = {
  new: 'new',
  open: 'open',
  'pending reminder': 'pending',
  'pending auto close+': 'pending',
  'pending auto close-': 'pending',
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

/** The pending states ask for a time (docs/AGENT-WORKSPACE.md, "Pending time"). */
export const PENDING_STATES = statesOfType('pending');

/**
 * What a pending state becomes when its time is reached, as OTRS's Ticket::StateAfterPending:
 * the auto-close states close; a reminder only shows as reached and stays pending.
 */
export const STATE_AFTER_PENDING: Partial<Record<TicketState, TicketState>> = {
  'pending auto close+': 'closed successful',
  'pending auto close-': 'closed unsuccessful',
};

export const AUTO_CLOSE_STATES = Object.keys(STATE_AFTER_PENDING) as TicketState[];

export function isPendingState(state: unknown): state is TicketState {
  return (PENDING_STATES as readonly unknown[]).includes(state);
}
