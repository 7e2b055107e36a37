import type { FollowUpOption } from '../queues/queue.entity';
import { stateTypeOf, type TicketState } from './ticket-states';

export type FollowUpDecision =
  /** No ticket for this conversation yet, or the closed one's queue wants a new ticket. */
  | { action: 'new-ticket' }
  /** Append; `newState` is the state after the message (a `new` ticket stays new). */
  | { action: 'append'; newState: TicketState; lock: boolean }
  | { action: 'reject' };

/**
 * What a message does to its conversation's ticket, as OTRS's PostMaster decides a follow-up
 * (docs/THREADING.md, "Follow-up options"), on the state type: a ticket that is not closed takes
 * the message; a closed one follows its queue's option: `possible` reopens it (locked to its owner
 * when the queue says so), `new-ticket` opens a new ticket, `reject` leaves it untouched.
 */
export function decideFollowUp(
  ticket: { state: TicketState; ownerId: number | null; locked: boolean } | undefined,
  queue: { followUp: FollowUpOption; followUpLock: boolean } | undefined,
): FollowUpDecision {
  if (!ticket) return { action: 'new-ticket' };
  const type = stateTypeOf(ticket.state);
  if (type !== 'closed') return { action: 'append', newState: type === 'new' ? 'new' : 'open', lock: ticket.locked };
  switch (queue?.followUp ?? 'possible') {
    case 'new-ticket':
      return { action: 'new-ticket' };
    case 'reject':
      return { action: 'reject' };
    case 'possible':
      // Lock only when there is an owner to lock it to (docs/THREADING.md).
      return { action: 'append', newState: 'open', lock: ticket.locked || (!!queue?.followUpLock && ticket.ownerId !== null) };
  }
}
