import { Injectable } from '@nestjs/common';
import type { CurrentAgent } from '../auth/current-agent';
import { Transactions } from '../database/transactions';
import { ConversationTickets } from './conversation-tickets.service';
import { TicketAclService } from './ticket-acl.service';
import { agentActor } from './ticket-history.service';
import { TicketsService } from './tickets.service';

/**
 * Locking and unlocking as in OTRS (docs/AGENT-WORKSPACE.md, "Locks"): locking makes the agent the
 * owner and the ticket read-only for everyone else; only the owner or an administrator unlocks.
 * Both are the ACL action AgentTicketLock (docs/ACL.md).
 */
@Injectable()
export class TicketLockService {
  constructor(
    private readonly reader: TicketsService,
    private readonly acl: TicketAclService,
    private readonly conversations: ConversationTickets,
    private readonly transactions: Transactions,
  ) {}

  async lock(agent: CurrentAgent, ticketId: number): Promise<void> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    (await this.acl.forTicket(agent, ticket)).require({ action: 'lock' });
    await this.transactions.run((m) => this.conversations.change(m, ticket.id, { locked: true, ownerId: agent.id }, agentActor(agent)));
  }

  /** The owner stays; an administrator may unlock another agent's ticket. */
  async unlock(agent: CurrentAgent, ticketId: number): Promise<void> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'unlock');
    (await this.acl.forTicket(agent, ticket)).require({ action: 'unlock' });
    await this.transactions.run((m) => this.conversations.change(m, ticket.id, { locked: false }, agentActor(agent), { overrideLock: agent.isAdmin }));
  }
}
