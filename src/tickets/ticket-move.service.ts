import { Injectable } from '@nestjs/common';
import type { CurrentAgent } from '../auth/current-agent';
import { DomainException, ForbiddenActionException } from '../common/domain.exception';
import { Transactions } from '../database/transactions';
import type { Queue } from '../queues/queue.entity';
import { ConversationTickets } from './conversation-tickets.service';
import type { TicketAccess } from './ticket-access';
import { TicketAclService } from './ticket-acl.service';
import { agentActor } from './ticket-history.service';
import type { Ticket } from './ticket.entity';
import { TicketsService } from './tickets.service';

/**
 * Moving a ticket to another queue, as OTRS's AgentTicketMove (docs/AGENT-WORKSPACE.md, "Moving a ticket"):
 * into the valid queues whose group the agent has rw in, then what the ACLs leave of them
 * (Ticket.Queue / Ticket.QueueID), if the ACLs allow the action at all. The same check runs when
 * the form is rendered and when it comes back. A move unlocks the ticket (ForceUnlockOnMove).
 */
@Injectable()
export class TicketMoveService {
  constructor(
    private readonly reader: TicketsService,
    private readonly acl: TicketAclService,
    private readonly conversations: ConversationTickets,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Where this ticket may go now (the move form's options): empty when the ACLs forbid moving it or
   * no other queue is left; `emptiedByAcls` when there were queues and the ACLs removed them all.
   */
  async targets(agent: CurrentAgent, ticket: Ticket, access: TicketAccess): Promise<{ targets: Queue[]; emptiedByAcls: boolean }> {
    if (!access.offers('move')) return { targets: [], emptiedByAcls: false };
    const candidates = await this.candidates(agent, ticket);
    const targets = access.moveTargets(candidates);
    return { targets, emptiedByAcls: candidates.length > 0 && targets.length === 0 };
  }

  /** Moves the ticket into `queueId`; a queue that is not one of `targets` is refused with 403, nothing changed. */
  async move(agent: CurrentAgent, ticketId: number, queueId: unknown): Promise<Queue> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    const access = await this.acl.forTicket(agent, ticket);
    access.require({ action: 'move' });
    const id = typeof queueId === 'string' && /^\d{1,9}$/.test(queueId) ? Number(queueId) : NaN;
    if (!Number.isSafeInteger(id)) throw new DomainException('validation.choose', 'queueId');
    if (id === ticket.queueId) throw new DomainException('ticketMove.error.sameQueue', 'queueId');
    const target = (await this.candidates(agent, ticket)).find((queue) => queue.id === id);
    if (!target) throw new ForbiddenActionException('ticketMove.error.queueNotAllowed');
    access.require({ action: 'move', queue: target });
    await this.transactions.run((m) => this.conversations.change(m, ticket.id, { queueId: target.id }, agentActor(agent)));
    return target;
  }

  /** Before the ACLs: valid queues the agent has rw in, but the ticket's own. */
  private async candidates(agent: CurrentAgent, ticket: Ticket): Promise<Queue[]> {
    return (await this.reader.queuesFor(agent, 'act', true)).filter((queue) => queue.id !== ticket.queueId);
  }
}
