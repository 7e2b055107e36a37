import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import type { CurrentAgent } from '../auth/current-agent';
import { Clock } from '../common/clock';
import { Article } from './article.entity';
import { decodeReason } from './delivery-outcome';
import { CLOSED_STATES } from './ticket-states';
import { Ticket } from './ticket.entity';
import { TicketsService } from './tickets.service';

/** How many rows each dashboard list shows; the count says how many there are. */
export const DASHBOARD_LIMIT = 10;

interface TicketRow {
  id: number;
  number: string;
  title: string;
  queue: string;
  customerHandle: string;
  /** Epoch ms. */
  at: number;
}

/**
 * The agent's dashboard (docs/AGENT-WORKSPACE.md, "Dashboard"): my locked tickets, reminders
 * reached (mine, or my queues' when the ticket has no owner), new tickets in my queues, replies that
 * failed to send. Only tickets in queues the agent may read; each row links to its ticket.
 */
@Injectable()
export class AgentDashboardService {
  constructor(
    @InjectRepository(Ticket) private readonly tickets: Repository<Ticket>,
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    private readonly reader: TicketsService,
    private readonly clock: Clock,
  ) {}

  async dashboard(agent: CurrentAgent) {
    const queueIds = (await this.reader.queuesFor(agent, 'read')).map((q) => q.id);
    if (queueIds.length === 0) return { lockedByMe: empty(), remindersReached: empty(), newTickets: empty(), failedReplies: { total: 0, rows: [] } };
    const now = this.clock.now();
    const inMyQueues = () => this.tickets.createQueryBuilder('t').innerJoinAndSelect('t.queue', 'q').where('t.queueId IN (:...queueIds)', { queueIds });

    const lockedByMe = inMyQueues()
      .andWhere('t.locked = :locked AND t.ownerId = :me', { locked: true, me: agent.id })
      .andWhere('t.state NOT IN (:...closed)', { closed: CLOSED_STATES })
      .orderBy('t.changedAt', 'DESC');
    const remindersReached = inMyQueues()
      .andWhere("t.state = 'pending reminder' AND t.pendingUntil <= :now", { now })
      .andWhere(new Brackets((w) => w.where('t.ownerId = :me', { me: agent.id }).orWhere('t.ownerId IS NULL')))
      .orderBy('t.pendingUntil', 'ASC');
    const newTickets = inMyQueues().andWhere("t.state = 'new'").orderBy('t.createdAt', 'DESC');

    const [locked, reminders, fresh] = await Promise.all([lockedByMe, remindersReached, newTickets].map((query) => query.addOrderBy('t.id', 'DESC').limit(DASHBOARD_LIMIT).getManyAndCount()));
    return {
      lockedByMe: { total: locked[1], rows: locked[0].map((t) => row(t, t.changedAt)) },
      remindersReached: { total: reminders[1], rows: reminders[0].map((t) => row(t, t.pendingUntil!)) },
      newTickets: { total: fresh[1], rows: fresh[0].map((t) => row(t, t.createdAt)) },
      failedReplies: await this.failedReplies(queueIds),
    };
  }

  /** Outgoing articles that failed and were not sent again, newest first. */
  private async failedReplies(queueIds: number[]) {
    const [articles, total] = await this.articles
      .createQueryBuilder('a')
      .innerJoinAndSelect('a.ticket', 't')
      .where('t.queueId IN (:...queueIds)', { queueIds })
      .andWhere("a.deliveryStatus = 'failed' AND a.sender <> 'customer' AND a.channel <> 'note'")
      .orderBy('a.id', 'DESC')
      .limit(DASHBOARD_LIMIT)
      .getManyAndCount();
    return {
      total,
      rows: articles.map((a) => ({
        ticketId: a.ticketId,
        articleId: a.id,
        number: a.ticket.number ?? String(a.ticketId),
        title: a.ticket.title,
        reason: decodeReason(a.deliveryError),
        at: a.createdAt,
      })),
    };
  }
}

function empty(): { total: number; rows: TicketRow[] } {
  return { total: 0, rows: [] };
}

function row(t: Ticket, at: number): TicketRow {
  return { id: t.id, number: t.number ?? String(t.id), title: t.title, queue: t.queue?.name ?? '', customerHandle: t.customerHandle, at };
}
