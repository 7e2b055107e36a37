import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { isUniqueViolation } from '../database/unique-violation';
import { OutgoingWorkSignal } from '../common/work-signal';
import { Scheduler } from '../scheduling/scheduler';
import { InboxEvent } from './inbox-event.entity';
import { InboxProcessor, type ProcessOutcome } from './inbox-processor';
import { ProfileDirectory } from './profile-directory.service';

export const MAX_ATTEMPTS = 5;
const BATCH_SIZE = 100;
/**
 * SQLite's driver is synchronous: a batch holds the event loop, and every webhook waiting for its
 * 200, for its whole length. While webhooks are arriving, batches stop after a few milliseconds;
 * with the inbox to itself, a batch runs longer, so fewer commits (each an fsync) carry more events.
 * PostgreSQL yields at every query and needs no budget.
 */
const BUSY_BUDGET_MS = 3;
const IDLE_BUDGET_MS = 100;
const WEBHOOKS_RECENT_MS = 100;
const TICK_MS = 1_000;
const ECHO_WAIT_MS = 500;
const BUSY_RETRY_MS = 50;

/** 1 s, 2 s, 4 s … capped at 5 minutes: a failing event waits longer each time. */
export function backoffMs(attempts: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
}

/**
 * Processes the inbox. Each pass claims due events in one transaction and handles each inside its
 * own savepoint, so one bad event never takes its neighbours down, and a crash rolls the whole
 * batch back to `received`, to be done again (the unique external ids make the redo harmless).
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` lets several app instances work side by side.
 * SQLite: one instance, one shared connection; passes take their turn with every other transaction
 * (see Transactions). Never await network I/O (X calls) between BEGIN and COMMIT.
 */
@Injectable()
export class InboxWorker implements OnModuleDestroy {
  private readonly logger = new Logger(InboxWorker.name);
  private running?: Promise<void>;
  private again = false;
  /** INBOX_WORKER=off: this instance only receives; webhooks' kicks do nothing here. */
  private stopped: boolean;
  private lastArrivalAt = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly processor: InboxProcessor,
    private readonly profiles: ProfileDirectory,
    private readonly clock: Clock,
    private readonly outgoing: OutgoingWorkSignal,
    private readonly transactions: Transactions,
    scheduler: Scheduler,
  ) {
    this.stopped = !scheduler.isEnabled('inbox-worker');
    // Events whose retry time has come are picked up by this tick; new ones are kicked at once.
    scheduler.every('inbox-worker', TICK_MS, () => this.startSoon());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** New events arrived (webhook, poll, retry): work soon, and keep batches short while they keep coming. */
  kick(): void {
    this.lastArrivalAt = performance.now();
    this.startSoon();
  }

  /**
   * A pass already running goes round once more. Passes start in a later turn of the event loop,
   * never inside the caller's promise chain: on SQLite (one shared connection) the caller's writes
   * would otherwise land inside the worker's transaction.
   */
  private startSoon(): void {
    if (this.stopped) return;
    setImmediate(() => {
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = this.runPasses().finally(() => (this.running = undefined));
    });
  }

  /**
   * Processes until nothing is left that is due at once (a conversation another worker held comes
   * round again within BUSY_RETRY_MS; an echo waiting for its send is not waited for); for tests and
   * benchmarks that must wait for the effect.
   */
  async drain(): Promise<void> {
    await this.running;
    for (;;) {
      while ((await this.pass()) > 0) await yieldToEventLoop();
      const soon = await this.dataSource
        .getRepository(InboxEvent)
        .createQueryBuilder('e')
        .where('e.status = :status', { status: 'received' })
        .andWhere('e.next_attempt_at <= :soon', { soon: this.clock.now() + 4 * BUSY_RETRY_MS })
        .getCount();
      if (soon === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async runPasses(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopped && (await this.pass()) === BATCH_SIZE) await yieldToEventLoop();
      } while (this.again && !this.stopped);
    } catch (err) {
      this.logger.error(`inbox pass failed: ${(err as Error).stack ?? String(err)}`);
    }
  }

  /** One batch; returns how many events it claimed. */
  private pass(): Promise<number> {
    return this.transactions.exclusive(() => this.passNow());
  }

  private async passNow(): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    let claimed: number;
    let autoReplies = false;
    try {
      await runner.startTransaction();
      const now = this.clock.now();
      const events = await this.claim(runner, now);
      claimed = events.length;
      const started = performance.now();
      const budget = this.batchBudgetMs(started);
      for (const event of events) {
        // Events left unprocessed stay `received` and come in the next batch.
        if (performance.now() - started > budget) break;
        const outcome = await this.processOne(runner, event, new Date(now));
        autoReplies ||= outcome?.status === 'processed' && !!outcome.autoReply;
      }
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
    if (autoReplies) this.outgoing.notify();
    return claimed;
  }

  private batchBudgetMs(now: number): number {
    if (this.dataSource.options.type === 'postgres') return Infinity;
    return now - this.lastArrivalAt < WEBHOOKS_RECENT_MS ? BUSY_BUDGET_MS : IDLE_BUDGET_MS;
  }

  private async claim(runner: QueryRunner, now: number): Promise<InboxEvent[]> {
    const query = runner.manager
      .createQueryBuilder(InboxEvent, 'e')
      .where('e.status = :status', { status: 'received' })
      .andWhere('e.next_attempt_at <= :now', { now })
      .orderBy('e.id', 'ASC')
      .limit(BATCH_SIZE);
    if (this.dataSource.options.type === 'postgres') query.setLock('pessimistic_write').setOnLocked('skip_locked');
    return query.getMany();
  }

  private async processOne(runner: QueryRunner, event: InboxEvent, now: Date): Promise<ProcessOutcome | undefined> {
    const m = runner.manager;
    await runner.startTransaction(); // a savepoint inside the batch
    try {
      const outcome = await this.processor.process(m, event, await this.profiles.active(event.profileId), now, (key) => this.lockConversation(runner, key));
      if (outcome.status === 'deferred') {
        const attempts = event.attempts + (outcome.waitingForEcho ? 1 : 0);
        await this.update(m, event, { attempts, nextAttemptAt: String(now.getTime() + (outcome.waitingForEcho ? ECHO_WAIT_MS : BUSY_RETRY_MS)) });
      } else {
        await this.update(m, event, { status: outcome.status, ticketId: outcome.ticketId ?? null, error: outcome.note ?? null, processedAt: String(now.getTime()) });
      }
      await runner.commitTransaction();
      return outcome;
    } catch (err) {
      await runner.rollbackTransaction();
      await this.recordFailure(m, event, err, now);
      return undefined;
    }
  }

  /**
   * PostgreSQL: a transaction-scoped advisory lock, held until the batch commits; taken or refused
   * at once, never waited for (waiting is how two workers deadlock). SQLite has one worker.
   */
  private async lockConversation(runner: QueryRunner, key: string): Promise<boolean> {
    if (this.dataSource.options.type !== 'postgres') return true;
    const [row] = (await runner.query('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS taken', [key])) as { taken: boolean }[];
    return row.taken === true;
  }

  private async recordFailure(m: EntityManager, event: InboxEvent, err: unknown, now: Date): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    if (isUniqueViolation(err)) {
      // Another worker created the thread's ticket a moment ago: try again at once, it will append.
      await this.update(m, event, { nextAttemptAt: String(now.getTime()), error: message });
      return;
    }
    const attempts = event.attempts + 1;
    const failed = attempts >= MAX_ATTEMPTS;
    if (failed) this.logger.error(`inbox event ${event.id} failed for good: ${message}`);
    await this.update(m, event, {
      attempts,
      error: message,
      status: failed ? 'failed' : 'received',
      nextAttemptAt: String(now.getTime() + backoffMs(attempts)),
    });
  }

  private async update(m: EntityManager, event: InboxEvent, changes: Partial<InboxEvent>): Promise<void> {
    await m.update(InboxEvent, { id: event.id }, changes);
  }
}

/** Lets waiting requests in between two batches. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
