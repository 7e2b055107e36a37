import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { Scheduler } from '../scheduling/scheduler';
import { ConversationTickets } from './conversation-tickets.service';
import { SYSTEM_ACTOR } from './ticket-history.service';
import { AUTO_CLOSE_STATES, STATE_AFTER_PENDING, type TicketState } from './ticket-states';
import { Ticket } from './ticket.entity';

const BATCH_SIZE = 100;

/**
 * OTRS's PendingCheck (docs/AGENT-WORKSPACE.md, "Pending time"): a ticket in pending auto close+
 * or - whose time has come is closed (successful / unsuccessful) by the system, through
 * ConversationTickets.change, so its conversations are freed, it is unlocked, and the history says
 * so. Reminders need no job: they show as reached from their time on.
 *
 * Safe on several instances: each ticket is closed in its own transaction that first locks its row
 * with `FOR UPDATE SKIP LOCKED` and checks again that it is still due; a ticket another instance
 * is closing is skipped, one it has closed no longer matches.
 */
@Injectable()
export class PendingCheckService {
  private readonly logger = new Logger(PendingCheckService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly conversations: ConversationTickets,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    scheduler: Scheduler,
  ) {
    scheduler.every('pending-check', config.pendingCheckIntervalMs, () => this.closeDue());
  }

  /** Closes every auto-close ticket due now; returns how many this call closed. */
  async closeDue(): Promise<number> {
    const now = this.clock.now();
    let closed = 0;
    // Keyset order through the due tickets: each is tried once per run, whatever the others do.
    let after: { pendingUntil: number; id: number } | undefined;
    for (;;) {
      const query = this.dataSource
        .getRepository(Ticket)
        .createQueryBuilder('t')
        .select(['t.id', 't.pendingUntil'])
        .where('t.state IN (:...states)', { states: AUTO_CLOSE_STATES })
        .andWhere('t.pendingUntil <= :now', { now })
        .orderBy('t.pendingUntil', 'ASC')
        .addOrderBy('t.id', 'ASC')
        .limit(BATCH_SIZE);
      if (after) query.andWhere('(t.pendingUntil > :afterTime OR (t.pendingUntil = :afterTime AND t.id > :afterId))', { afterTime: after.pendingUntil, afterId: after.id });
      const due = await query.getMany();
      for (const ticket of due) {
        try {
          if (await this.closeOne(ticket.id, now)) closed += 1;
        } catch (error) {
          // One ticket that cannot be closed must not keep the others open; it is tried again next run.
          this.logger.error(`ticket ${ticket.id}: auto close failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
      }
      if (due.length < BATCH_SIZE) return closed;
      const last = due[due.length - 1];
      after = { pendingUntil: last.pendingUntil!, id: last.id };
    }
  }

  /** Closes one ticket if it is still due and no other instance is closing it; whether it did. */
  private closeOne(ticketId: number, now: number): Promise<boolean> {
    return this.transactions.run(async (m) => {
      const query = m
        .createQueryBuilder(Ticket, 't')
        .select(['t.id', 't.state'])
        .where('t.id = :ticketId', { ticketId })
        .andWhere('t.state IN (:...states)', { states: AUTO_CLOSE_STATES })
        .andWhere('t.pendingUntil <= :now', { now });
      if (this.dataSource.options.type === 'postgres') query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const ticket = await query.getOne();
      if (!ticket) return false;
      const closedState = STATE_AFTER_PENDING[ticket.state] as TicketState;
      await this.conversations.change(m, ticket.id, { state: closedState }, SYSTEM_ACTOR);
      return true;
    });
  }
}
