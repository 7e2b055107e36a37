import { ForbiddenActionException } from '../common/domain.exception';

/** Another agent holds the ticket's lock: read-only for this agent (docs/AGENT-WORKSPACE.md, "Locks"). */
export class TicketLockedException extends ForbiddenActionException {
  constructor(ticket: { number: string | null; id: number }, holder: { name: string; login: string }) {
    super('ticketLock.error.lockedByOther', undefined, { number: ticket.number ?? String(ticket.id), name: holder.name, login: holder.login });
  }
}
