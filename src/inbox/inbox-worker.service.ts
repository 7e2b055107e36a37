import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { Clock } from '../common/clock';
import { storableLine } from '../common/storable-text';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { isUniqueViolation } from '../database/unique-violation';
import { OutgoingWorkSignal } from '../common/work-signal';
import { Scheduler } from '../scheduling/scheduler';
import { ConversationHeldError } from '../tickets/conversation-tickets.service';
import { InboxEvent } from './inbox-event.entity';
import { InboxProcessor, type ProcessOutcome } from './inbox-processor';
import { ProfileDirectory } from './profile-directory.service';
import { TweetParents } from './tweet-parents.service';

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
/**
 * A reply waiting for the tweet it answers is woken when that tweet is done (wakeReplies); it looks
 * again after this long all the same, should a wake-up statement have failed.
 */
const PARENT_POLL_MS = 5_000;
/** drain() waits for what becomes due within this long (busy conversations); not for echoes or held replies. */
const DRAIN_HORIZON_MS = 4 * BUSY_RETRY_MS;
/** The longest note kept on an event (error messages may quote whole statements). */
const NOTE_LENGTH = 2_000;

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
  /** A batch marked replies whose parent must come from X: ask X before the next batch. */
  private parentsWanted = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly processor: InboxProcessor,
    private readonly profiles: ProfileDirectory,
    private readonly clock: Clock,
    private readonly outgoing: OutgoingWorkSignal,
    private readonly transactions: Transactions,
    private readonly parents: TweetParents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
   * Processes until nothing is left that is due at once, parents to fetch from X included (a
   * conversation another worker held comes round again within BUSY_RETRY_MS). Not waited for: an
   * echo waiting for its send, a reply held while X cannot be reached, a failed event's backoff.
   * For tests and benchmarks that must wait for the effect; an error of a batch (a worker killed
   * mid-batch, in tests) is thrown after its transaction was rolled back.
   */
  async drain(): Promise<void> {
    await this.running;
    for (;;) {
      for (;;) {
        const round = await this.round();
        if (round.claimed === 0 && !round.more) break;
        await yieldToEventLoop();
      }
      const horizon = this.clock.now() + DRAIN_HORIZON_MS;
      const soon = (await this.dueBy(horizon)) + (await this.parents.dueBy(horizon));
      if (soon === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async runPasses(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopped && (await this.round()).more) await yieldToEventLoop();
      } while (this.again && !this.stopped);
    } catch (err) {
      this.logger.error(`inbox pass failed: ${(err as Error).stack ?? String(err)}`);
    }
  }

  /**
   * Parents wanted from X first (outside any transaction), then one batch. `more`: work is known to
   * be waiting right now (a full or cut-short batch, replies whose parents were just settled or are
   * to be fetched); events deferred for a moment come with the next tick instead.
   */
  private async round(): Promise<{ claimed: number; more: boolean }> {
    this.parentsWanted = false;
    const settled = await this.parents.fetchDue();
    const { claimed, complete } = await this.pass();
    return { claimed, more: !complete || settled > 0 || this.parentsWanted };
  }

  /** Events the processor would take by `until` (epoch ms). */
  private dueBy(until: number): Promise<number> {
    return this.dataSource
      .getRepository(InboxEvent)
      .createQueryBuilder('e')
      .where('e.status = :status', { status: 'received' })
      .andWhere('(e.parent_lookup IS NULL OR e.parent_lookup <> :wanted)', { wanted: 'wanted' })
      .andWhere('e.next_attempt_at <= :until', { until })
      .getCount();
  }

  /**
   * One batch: how many events it claimed, and whether nothing is known to wait right behind it (a
   * SQLite batch may stop at its time budget; replies it woke are due at once).
   */
  private pass(): Promise<{ claimed: number; complete: boolean }> {
    return this.transactions.exclusive(() => this.passNow());
  }

  private async passNow(): Promise<{ claimed: number; complete: boolean }> {
    const runner = this.dataSource.createQueryRunner();
    const wakes: Wakes = { done: [], waiting: [] };
    let claimed: number;
    let worked = 0;
    let autoReplies = false;
    let now: number;
    try {
      await runner.startTransaction();
      now = this.clock.now();
      const events = oldestMessageFirst(await this.claim(runner, now));
      claimed = events.length;
      const started = performance.now();
      const budget = this.batchBudgetMs(started);
      for (const event of events) {
        // Events left unprocessed stay `received` and come in the next batch.
        if (performance.now() - started > budget) break;
        const outcome = await this.processOne(runner, event, new Date(now), wakes);
        autoReplies ||= outcome?.status === 'processed' && !!outcome.autoReply;
        worked++;
      }
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
    if (autoReplies) this.outgoing.notify();
    const woken = await this.wakeReplies(wakes, now);
    return { claimed, complete: claimed < BATCH_SIZE && worked === claimed && woken === 0 };
  }

  private batchBudgetMs(now: number): number {
    if (this.dataSource.options.type === 'postgres') return Infinity;
    return now - this.lastArrivalAt < WEBHOOKS_RECENT_MS ? BUSY_BUDGET_MS : IDLE_BUDGET_MS;
  }

  private async claim(runner: QueryRunner, now: number): Promise<InboxEvent[]> {
    const query = runner.manager
      .createQueryBuilder(InboxEvent, 'e')
      .where('e.status = :status', { status: 'received' })
      // A reply whose parent is to be fetched from X is TweetParents' until then.
      .andWhere('(e.parent_lookup IS NULL OR e.parent_lookup <> :wanted)', { wanted: 'wanted' })
      .andWhere('e.next_attempt_at <= :now', { now })
      .orderBy('e.id', 'ASC')
      .limit(BATCH_SIZE);
    if (this.dataSource.options.type === 'postgres') query.setLock('pessimistic_write').setOnLocked('skip_locked');
    return query.getMany();
  }

  private async processOne(runner: QueryRunner, event: InboxEvent, now: Date, wakes: Wakes): Promise<ProcessOutcome | undefined> {
    const m = runner.manager;
    await runner.startTransaction(); // a savepoint inside the batch
    try {
      const outcome = await this.processor.process(m, event, await this.profiles.active(event.profileId), now, (key) => this.lockConversation(runner, key));
      await this.update(m, event, this.changesFor(event, outcome, now.getTime()));
      await runner.commitTransaction();
      if (outcome.status === 'deferred' && outcome.reason === 'parent') wakes.waiting.push(event.id);
      else if (outcome.status !== 'deferred' && outcome.status !== 'wants-parent') wakes.done.push(event);
      return outcome;
    } catch (err) {
      await runner.rollbackTransaction();
      // Replies waiting for a tweet that failed for good go on without it.
      if (await this.recordFailure(m, event, err, now)) wakes.done.push(event);
      return undefined;
    }
  }

  /** What an outcome writes on its event. */
  private changesFor(event: InboxEvent, outcome: ProcessOutcome, now: number): Partial<InboxEvent> {
    const conversation = 'conversationId' in outcome && outcome.conversationId ? { conversationId: outcome.conversationId } : {};
    // A reply waits for its parent (in the inbox, or from X) at most this long, from the first wait on.
    const holdUntil = Number(event.holdUntil ?? now + this.config.replyParentWaitMs);
    switch (outcome.status) {
      case 'wants-parent':
        this.parentsWanted = true;
        return { parentLookup: 'wanted', holdUntil: String(holdUntil), nextAttemptAt: String(now), error: outcome.note };
      case 'deferred':
        if (outcome.reason === 'echo') return { ...conversation, attempts: event.attempts + 1, nextAttemptAt: String(now + ECHO_WAIT_MS), error: outcome.note };
        if (outcome.reason === 'busy') return { ...conversation, nextAttemptAt: String(now + BUSY_RETRY_MS) };
        // The parent goes first: woken when it is done (wakeReplies), never later than the hold allows.
        return {
          ...conversation,
          holdUntil: String(holdUntil),
          waitsFor: outcome.parentId ?? null,
          nextAttemptAt: String(Math.min(holdUntil, Math.max(outcome.until ?? 0, now + PARENT_POLL_MS))),
          error: outcome.note,
        };
      default: {
        // Placed without its parent (X had none, or could not be reached): the event says why.
        const withoutParent = event.parentLookup === 'missing' || event.parentLookup === 'gave-up' ? event.error : null;
        return { ...conversation, status: outcome.status, ticketId: outcome.ticketId ?? null, waitsFor: null, error: outcome.note ?? withoutParent, processedAt: String(now) };
      }
    }
  }

  /**
   * After a batch committed: replies waiting for a tweet the batch finished (processed, ignored,
   * rejected, failed) are due now, and so are replies the batch deferred whose tweet another
   * worker finished meanwhile. Doing both after the commit, on every instance, leaves no gap:
   * whichever of the two batches commits last sees the other's work. Returns how many it woke.
   */
  private async wakeReplies(wakes: Wakes, now: number): Promise<number> {
    let woken = 0;
    const byProfile = new Map<number, string[]>();
    for (const event of wakes.done) {
      const tweetId = /^tweet:(\d{1,19})$/.exec(event.dedupeKey)?.[1];
      if (tweetId !== undefined) byProfile.set(event.profileId, [...(byProfile.get(event.profileId) ?? []), tweetId]);
    }
    for (const [profileId, tweetIds] of byProfile) {
      woken += await this.affected(`UPDATE inbox_events SET next_attempt_at = :now WHERE profile_id = :profileId AND waits_for IN (:...tweetIds) AND status = 'received' AND next_attempt_at > :now`, {
        now,
        profileId,
        tweetIds,
      });
    }
    if (wakes.waiting.length > 0) {
      woken += await this.affected(
        `UPDATE inbox_events SET next_attempt_at = :now WHERE id IN (:...ids) AND status = 'received' AND next_attempt_at > :now
           AND EXISTS (SELECT 1 FROM inbox_events p WHERE p.profile_id = inbox_events.profile_id AND p.dedupe_key = 'tweet:' || inbox_events.waits_for AND p.status <> 'received')`,
        { now, ids: wakes.waiting },
      );
    }
    return woken;
  }

  /** Runs an UPDATE outside any transaction of ours (it may wait for another batch's rows) and counts the rows it changed. */
  private async affected(sql: string, params: Record<string, unknown>): Promise<number> {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(text, values, true);
      return Number(result.affected ?? 0);
    } finally {
      await runner.release();
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

  /**
   * Every failure counts as an attempt, also a unique violation or a conversation another ticket
   * took meanwhile (both succeed on the next attempt as a rule, so it comes at once): after
   * MAX_ATTEMPTS the event is `failed` with its reason, and no event can keep a worker busy.
   */
  /** Returns whether the event failed for good. */
  private async recordFailure(m: EntityManager, event: InboxEvent, err: unknown, now: Date): Promise<boolean> {
    const message = err instanceof Error ? err.message : String(err);
    const attempts = event.attempts + 1;
    const failed = attempts >= MAX_ATTEMPTS;
    if (failed) this.logger.error(`inbox event ${event.id} failed for good: ${message}`);
    const raced = isUniqueViolation(err) || err instanceof ConversationHeldError;
    await this.update(m, event, {
      attempts,
      error: message,
      status: failed ? 'failed' : 'received',
      nextAttemptAt: String(now.getTime() + (raced ? BUSY_RETRY_MS : backoffMs(attempts))),
    });
    return failed;
  }

  private async update(m: EntityManager, event: InboxEvent, changes: Partial<InboxEvent>): Promise<void> {
    // Notes quote X's text and drivers' messages: stored as every database takes them.
    const error = typeof changes.error === 'string' ? storableLine(changes.error, NOTE_LENGTH) : changes.error;
    await m.update(InboxEvent, { id: event.id }, { ...changes, ...(error !== undefined ? { error } : {}) });
  }
}

/** What a batch leaves for wakeReplies: tweets it finished, and replies it deferred for their parent. */
interface Wakes {
  done: InboxEvent[];
  waiting: number[];
}

/**
 * X's ids grow with time, so the batch is worked in the order the messages were written, whatever
 * order they arrived in: a reply after the tweet it answers, a customer's DMs in sequence.
 */
function oldestMessageFirst(events: InboxEvent[]): InboxEvent[] {
  const idOf = (event: InboxEvent) => {
    const id = /^(?:tweet|dm):(\d{1,19})$/.exec(event.dedupeKey)?.[1];
    return id === undefined ? undefined : BigInt(id);
  };
  const keyed = events.map((event, position) => ({ event, id: idOf(event), position }));
  // Keys that are no X message id (none is ever received today) keep their place after the others.
  keyed.sort((a, b) => {
    if (a.id === undefined || b.id === undefined) return a.id === b.id ? a.position - b.position : a.id === undefined ? 1 : -1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : a.position - b.position;
  });
  return keyed.map((k) => k.event);
}

/** Lets waiting requests in between two batches. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
