import { Injectable } from '@nestjs/common';
import { agentTimeZone, type CurrentAgent } from '../auth/current-agent';
import { Clock } from '../common/clock';
import { DomainException } from '../common/domain.exception';
import { Transactions } from '../database/transactions';
import { ConversationTickets } from './conversation-tickets.service';
import { requestedPendingTime } from './pending-time';
import { TicketAclService } from './ticket-acl.service';
import { agentActor } from './ticket-history.service';
import { AGENT_STATES, type AgentState } from './ticket-rules';
import { isPendingState } from './ticket-states';
import { TicketsService } from './tickets.service';

export interface StateChangeRequest {
  state?: unknown;
  /** `datetime-local` in the agent's zone. */
  pendingUntil?: unknown;
  /** A quick choice button (in-1-hour, tomorrow-0900, in-1-week), pressed without JavaScript. */
  quick?: unknown;
}

/**
 * An agent sets a ticket's state. A pending state needs a time in the future, typed or from a quick
 * choice, read in the agent's zone (docs/AGENT-WORKSPACE.md, "Pending time"); any other state
 * clears it. Closing frees the ticket's conversations; reopening takes back those no other open
 * ticket holds (docs/THREADING.md).
 */
@Injectable()
export class TicketStateService {
  constructor(
    private readonly reader: TicketsService,
    private readonly acl: TicketAclService,
    private readonly conversations: ConversationTickets,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  async setState(agent: CurrentAgent, ticketId: number, request: StateChangeRequest): Promise<AgentState> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    if (!(AGENT_STATES as readonly unknown[]).includes(request.state)) throw new DomainException('validation.choose', 'state');
    const state = request.state as AgentState;
    // The state as the state form offered it: by its fields and by the action of its type (else 403).
    (await this.acl.forTicket(agent, ticket)).require({ action: 'state', state });
    let pendingUntil: number | undefined;
    if (isPendingState(state)) {
      const requested = requestedPendingTime({ quick: request.quick, at: request.pendingUntil }, this.clock.now(), agentTimeZone(agent));
      if ('problem' in requested) throw new DomainException(requested.problem, 'pendingUntil');
      pendingUntil = requested.time;
    }
    await this.transactions.run((m) => this.conversations.change(m, ticket.id, { state, ...(pendingUntil !== undefined ? { pendingUntil } : {}) }, agentActor(agent)));
    return state;
  }
}
