import { stateTypeOf, TICKET_STATES, type TicketState } from '../tickets/ticket-states';
import type { AclContext } from './engine';

// A ticket (stored, or being created/changed in a form) as the objects an ACL can name: Ticket.*,
// Queue.*, State.*, Owner.* (docs/ACL.md, "What an ACL can look at"). Plain values in, so the
// screens pass what they have and this module needs no ticket entity.

export interface AclTicketValues {
  readonly id?: number;
  readonly number?: string | null;
  readonly title?: string;
  readonly queue?: { readonly id: number; readonly name: string } | null;
  readonly state?: string;
  readonly locked?: boolean;
  readonly owner?: { readonly id: number; readonly login: string; readonly name?: string } | null;
  readonly profileId?: number | null;
}

/** OTRS's default ids of the states socialdesk has, so an ACL that lists StateID works as there. */
export const OTRS_STATE_IDS: Readonly<Record<TicketState, string>> = {
  new: '1',
  'closed successful': '2',
  'closed unsuccessful': '3',
  open: '4',
  'pending reminder': '6',
  'pending auto close+': '7',
  'pending auto close-': '8',
};

/** OTRS's lock ids: 1 unlock, 2 lock. */
const LOCK_IDS = { unlock: '1', lock: '2' } as const;

const isTicketState = (state: string): state is TicketState => (TICKET_STATES as readonly string[]).includes(state);

/** The context objects for these values; what is not given stays absent (an ACL on it does not match). */
export function ticketAclObjects(values: AclTicketValues): AclContext {
  const ticket: Record<string, string | null> = {};
  if (values.id !== undefined) ticket.TicketID = String(values.id);
  if (values.number !== undefined && values.number !== null) ticket.TicketNumber = values.number;
  if (values.title !== undefined) ticket.Title = values.title;
  if (values.profileId !== undefined && values.profileId !== null) ticket.TwitterProfileID = String(values.profileId);
  if (values.locked !== undefined) {
    const lock = values.locked ? 'lock' : 'unlock';
    ticket.Lock = lock;
    ticket.LockID = LOCK_IDS[lock];
  }
  const objects: Record<string, Record<string, string | null>> = { Ticket: ticket };
  if (values.queue) {
    ticket.Queue = values.queue.name;
    ticket.QueueID = String(values.queue.id);
    objects.Queue = { Name: values.queue.name, QueueID: String(values.queue.id) };
  }
  if (values.state !== undefined) {
    ticket.State = values.state;
    const state: Record<string, string> = { Name: values.state };
    if (isTicketState(values.state)) {
      ticket.StateID = OTRS_STATE_IDS[values.state];
      ticket.StateType = stateTypeOf(values.state);
      state.ID = OTRS_STATE_IDS[values.state];
      state.TypeName = stateTypeOf(values.state);
    }
    objects.State = state;
  }
  if (values.owner !== undefined) {
    ticket.Owner = values.owner?.login ?? null;
    ticket.OwnerID = values.owner ? String(values.owner.id) : null;
    if (values.owner) objects.Owner = { UserID: String(values.owner.id), UserLogin: values.owner.login, UserFullname: values.owner.name ?? values.owner.login };
  }
  return objects;
}

/**
 * Both views for a screen: the stored ticket (PropertiesDatabase) and the same overlaid with what
 * the agent has chosen in the form (Properties). Without a stored ticket (new ticket) the stored
 * view has no ticket objects, as in OTRS.
 */
export function ticketAclViews(stored: AclTicketValues | undefined, selection: AclTicketValues = {}): { current: AclContext; stored: AclContext } {
  const storedObjects = stored ? ticketAclObjects(stored) : {};
  const currentObjects = ticketAclObjects({ ...stored, ...selection });
  return { current: currentObjects, stored: storedObjects };
}
