import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { Clock } from '../common/clock';
import { storableLine } from '../common/storable-text';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { namedQuery, rawQuery } from '../database/raw-query';
import { appWaitsToWrite, isInboxThread } from '../database/sqlite-write-turns';
import { Transactions } from '../database/transactions';
import { isUniqueViolation } from '../database/unique-violation';
import { OutgoingWorkSignal } from '../common/work-signal';
import { Scheduler } from '../scheduling/scheduler';
import { ConversationHeldError } from '../tickets/conversation-tickets.service';
import { InboxEvent } from './inbox-event.entity';
import { dmConversation } from '../tickets/conversation-key';
import { inboxMessage } from './inbox-message';
import { InboxProcessor, StoredMessages, type ProcessOutcome } from './inbox-processor';
import { InboxThread, inboxThreadConfig } from './inbox-thread';
import { InboxIntake, IntakeReader, intakePath, movedRowsInserts } from './inbox-intake';
import { InboxStore } from './inbox-store.service';
import { existsSync } from 'node:fs';
import { WalSync } from '../database/wal-sync';
import { ProfileDirectory } from './profile-directory.service';
import { TweetParents } from './tweet-parents.service';

export const MAX_ATTEMPTS = 5;
const BATCH_SIZE = 100;
/**
 * SQLite's driver is synchronous: in the app's thread (tests, the CLI, INBOX_WORKER_THREAD=off) a
 * batch holds the event loop, and every webhook waiting for its 200, for its whole length. While
 * webhooks are arriving, batches stop after a few milliseconds; with the inbox to itself, a batch
 * runs longer, so fewer commits carry more events. In the inbox thread a batch gives way the
 * moment the app's thread waits to write (appWaitsToWrite), and runs the long budget otherwise.
 * PostgreSQL yields at every query and needs no budget.
 */
const BUSY_BUDGET_MS = 3;
const IDLE_BUDGET_MS = 100;
const WEBHOOKS_RECENT_MS = 100;
const TICK_MS = 1_000;
/** What was moved from the intake is deleted from it at most this often (each time after an fsync of the database's WAL). */
const INTAKE_EMPTY_MS = 1_000;
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
  /** SQLite, once started: the inbox is worked in a thread of its own, and this side only passes kicks on. */
  private thread?: InboxThread;
  private threadStarted?: Promise<void>;
  private intake?: InboxIntake;
  private intakeReader?: IntakeReader;
  /** The intake's rows up to this id are in the inbox; up to the other, deleted from the intake too. */
  private intakeMovedUpTo = 0;
  private intakeEmptiedUpTo = 0;
  private intakeEmptiedAt = -Infinity;
  private databaseWal?: WalSync;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly processor: InboxProcessor,
    private readonly profiles: ProfileDirectory,
    private readonly clock: Clock,
    private readonly outgoing: OutgoingWorkSignal,
    private readonly transactions: Transactions,
    private readonly parents: TweetParents,
    private readonly store: InboxStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    scheduler: Scheduler,
  ) {
    this.stopped = !scheduler.isEnabled('inbox-worker');
    // Events whose retry time has come are picked up by this tick; new ones are kicked at once.
    scheduler.every(
      'inbox-worker',
      TICK_MS,
      () => (this.thread ? undefined : this.startSoon()),
      () => this.startThread(),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.thread?.stop();
    // What arrives from now on goes into the inbox directly; what the intake holds is moved at the next start.
    this.store.useIntake(undefined);
    this.intake?.close();
    await this.running;
    this.intakeReader?.close();
  }

  /** New events arrived (webhook, poll, retry): work soon, and keep batches short while they keep coming. */
  kick(): void {
    if (this.thread) return this.thread.kick();
    this.lastArrivalAt = performance.now();
    this.startSoon();
  }

  /**
   * When the server starts its jobs on SQLite: the inbox worker moves to a thread of its own
   * (INBOX_WORKER_THREAD, docs/THREADING.md "Speed"). The thread checkpoints the WAL from then on,
   * so that no commit of a webhook ever does (SQLite runs a checkpoint inside the commit that
   * crosses the WAL's size limit). Until the thread is up, kicks wait in its port.
   */
  private startThread(): void {
    const { database } = this.config;
    if (!this.config.inboxWorkerThread || database.kind !== 'sqlite' || database.sqlitePath === ':memory:') return;
    this.thread = new InboxThread(inboxThreadConfig(this.config), () => this.outgoing.notify());
    this.intake = new InboxIntake(database.sqlitePath, database.sqliteSynchronous);
    this.store.useIntake(this.intake);
    this.threadStarted = this.dataSource
      .query('PRAGMA wal_autocheckpoint = 0')
      .then(() => this.thread?.start())
      .catch((error: Error) => this.logger.error(error.message));
  }

  /** Resolves when the inbox thread (if any) has started. For tests and benchmarks. */
  async started(): Promise<void> {
    await this.threadStarted;
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
    if (this.thread) return this.thread.drain();
    await this.running;
    for (;;) {
      for (;;) {
        const round = await this.round();
        if (round.claimed === 0 && !round.more) break;
        await yieldToEventLoop();
      }
      const horizon = this.clock.now() + DRAIN_HORIZON_MS;
      const soon = (await this.dueBy(horizon)) + (await this.parents.dueBy(horizon));
      if (soon === 0 && (await this.wakeStranded(this.clock.now())) === 0) return;
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
    const moved = await this.moveIntake();
    const settled = await this.parents.fetchDue();
    const { claimed, complete } = await this.pass();
    return { claimed, more: !complete || settled > 0 || moved > 0 || this.parentsWanted };
  }

  /**
   * SQLite: what the app's thread stored in the intake (InboxIntake, while this worker runs in its
   * own thread) goes into the inbox, in the order it arrived; a repeated delivery is dropped by the
   * inbox's unique key, as when stored directly. Every round moves what is new since the last move;
   * at most once a second (INTAKE_EMPTY_MS) what was moved is deleted from the intake, in a
   * statement of its own, after the database's WAL was synced (the moves commit without waiting for
   * the disk: no power loss may take a row from both files). Should the delete not happen (a crash
   * in between), the next move finds those rows in the inbox already. Returns how many rows it moved.
   */
  private async moveIntake(): Promise<number> {
    const { database } = this.config;
    if (database.kind !== 'sqlite' || database.sqlitePath === ':memory:') return 0;
    if (!this.intakeReader) {
      if (!existsSync(intakePath(database.sqlitePath))) return 0;
      this.intakeReader = new IntakeReader(database.sqlitePath);
    }
    const last = this.intakeReader.lastId();
    let moved = 0;
    if (last !== null && last > this.intakeMovedUpTo) {
      const rows = this.intakeReader.rows(this.intakeMovedUpTo, last);
      await this.transactions.run(async (m) => {
        for (const insert of movedRowsInserts(rows)) await rawQuery(m, insert.sql, insert.values);
      });
      moved = rows.length;
      this.intakeMovedUpTo = last;
    }
    if (this.intakeMovedUpTo > this.intakeEmptiedUpTo && performance.now() - this.intakeEmptiedAt >= INTAKE_EMPTY_MS) await this.emptyIntake();
    return moved;
  }

  private async emptyIntake(): Promise<void> {
    const upTo = this.intakeMovedUpTo;
    this.intakeEmptiedAt = performance.now();
    this.databaseWal ??= new WalSync(`${this.config.database.sqlitePath}-wal`);
    await this.databaseWal.sync();
    try {
      this.intakeReader!.deleteUpTo(upTo);
      this.intakeEmptiedUpTo = upTo;
    } catch (error) {
      this.logger.warn(`the intake could not be emptied now (${(error as Error).message}); it is tried again in a moment`);
    }
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
    return this.transactions.exclusive(async () => {
      if (this.dataSource.options.type !== 'postgres') return this.passNow('savepoints');
      try {
        return await this.passNow('optimistic');
      } catch (error) {
        // Nothing of the optimistic try was committed: the same events again, each in its savepoint.
        if (error instanceof OptimisticBatchFailed) return this.passNow('savepoints');
        throw error;
      }
    });
  }

  private async passNow(mode: BatchMode): Promise<{ claimed: number; complete: boolean }> {
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
      const batch: BatchContext = {
        savepoints: mode === 'optimistic' ? new DeferredOutcomes(runner) : new EventSavepoints(runner),
        stored: await this.storedAtStart(runner.manager, events),
        locks: await this.lockDmConversations(runner, events),
      };
      let started = performance.now();
      const budget = this.batchBudgetMs(started);
      let fresh = true;
      for (const event of events) {
        // Events left unprocessed stay `received` and come in the next batch.
        if (performance.now() - started > budget) break;
        if (!fresh && appWaitsToWrite()) {
          // The inbox thread: the app's thread goes first (a webhook waits to store), and the rest of
          // this batch follows in a transaction of its own. Nothing else works a SQLite inbox, so the
          // events claimed are still this batch's.
          await runner.commitTransaction();
          await runner.startTransaction();
          started = performance.now();
        }
        const outcome = await this.processOne(runner, event, new Date(now), wakes, batch);
        autoReplies ||= outcome?.status === 'processed' && !!outcome.autoReply;
        worked++;
        fresh = false;
      }
      await batch.savepoints.flush();
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

  /** Which of the batch's messages are stored already: one query per profile instead of one per event. */
  private async storedAtStart(m: EntityManager, events: InboxEvent[]): Promise<StoredMessages> {
    const byProfile = new Map<number, string[]>();
    for (const event of events) {
      const id = /^(?:tweet|dm):(\d{1,19})$/.exec(event.dedupeKey)?.[1];
      if (id !== undefined) byProfile.set(event.profileId, [...(byProfile.get(event.profileId) ?? []), id]);
    }
    const stored = new StoredMessages();
    for (const [profileId, ids] of byProfile) stored.add(profileId, ids, await this.processor.storedMessages(m, profileId, ids));
    return stored;
  }

  private batchBudgetMs(now: number): number {
    if (this.dataSource.options.type === 'postgres') return Infinity;
    // In its own thread, a batch ends early whenever the app's thread wants to write (appWaitsToWrite).
    if (isInboxThread()) return IDLE_BUDGET_MS;
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

  private async processOne(runner: QueryRunner, event: InboxEvent, now: Date, wakes: Wakes, batch: BatchContext): Promise<ProcessOutcome | undefined> {
    const m = runner.manager;
    await batch.savepoints.begin();
    try {
      const outcome = await this.processor.process(m, event, await this.profiles.active(event.profileId), now, (key) => this.lockConversation(runner, key, batch.locks), batch.stored);
      await batch.savepoints.done(event.id, this.noted(this.changesFor(event, outcome, now.getTime())));
      if (outcome.status === 'deferred' && outcome.reason === 'parent') wakes.waiting.push(event.id);
      else if (outcome.status !== 'deferred' && outcome.status !== 'wants-parent') wakes.done.push(event);
      return outcome;
    } catch (err) {
      if (batch.savepoints instanceof DeferredOutcomes) throw new OptimisticBatchFailed(err);
      await batch.savepoints.failed();
      // Replies waiting for a tweet that failed for good go on without it.
      if (await this.recordFailure(m, event, err, now)) wakes.done.push(event);
      return undefined;
    }
  }

  /** Notes quote X's text and drivers' messages: stored as every database takes them. */
  private noted(changes: Partial<InboxEvent>): Partial<InboxEvent> {
    const error = typeof changes.error === 'string' ? storableLine(changes.error, NOTE_LENGTH) : changes.error;
    return { ...changes, ...(error !== undefined ? { error } : {}) };
  }

  /** What an outcome writes on its event. */
  private changesFor(event: InboxEvent, outcome: ProcessOutcome, now: number): Partial<InboxEvent> {
    const conversation = 'conversationId' in outcome && outcome.conversationId ? { conversationId: outcome.conversationId } : {};
    // A reply waits for its parent (in the inbox, or from X) at most this long, from the first wait on.
    const holdUntil = Number(event.holdUntil ?? now + this.config.replyParentWaitMs);
    switch (outcome.status) {
      case 'wants-parent':
        this.parentsWanted = true;
        return { parentLookup: 'wanted', holdUntil, nextAttemptAt: now, error: outcome.note };
      case 'deferred':
        if (outcome.reason === 'echo') return { ...conversation, attempts: event.attempts + 1, nextAttemptAt: now + ECHO_WAIT_MS, error: outcome.note };
        if (outcome.reason === 'busy') return { ...conversation, nextAttemptAt: now + BUSY_RETRY_MS };
        // The parent goes first: woken when it is done (wakeReplies), never later than the hold allows.
        return {
          ...conversation,
          holdUntil,
          waitsFor: outcome.parentId ?? null,
          nextAttemptAt: Math.min(holdUntil, Math.max(outcome.until ?? 0, now + PARENT_POLL_MS)),
          error: outcome.note,
        };
      default: {
        // Placed without its parent (X had none, or could not be reached): the event says why.
        const withoutParent = event.parentLookup === 'missing' || event.parentLookup === 'gave-up' ? event.error : null;
        return { ...conversation, status: outcome.status, ticketId: outcome.ticketId ?? null, waitsFor: null, error: outcome.note ?? withoutParent, processedAt: now };
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

  /**
   * Replies still waiting for a tweet that is done: due now. Their wake-up is another batch's, run
   * after that batch committed; drain() must not return in between (another pass, or another
   * instance, may be right there), nor when that statement failed (they would wait PARENT_POLL_MS).
   */
  private wakeStranded(now: number): Promise<number> {
    return this.affected(
      `UPDATE inbox_events SET next_attempt_at = :now WHERE status = 'received' AND waits_for IS NOT NULL AND next_attempt_at > :now
         AND EXISTS (SELECT 1 FROM inbox_events p WHERE p.profile_id = inbox_events.profile_id AND p.dedupe_key = 'tweet:' || inbox_events.waits_for AND p.status <> 'received')`,
      { now },
    );
  }

  /** Runs an UPDATE outside any transaction of ours (it may wait for another batch's rows) and counts the rows it changed. */
  private async affected(sql: string, params: Record<string, unknown>): Promise<number> {
    return (await namedQuery(this.dataSource.manager, `${sql} RETURNING id`, params)).length;
  }

  /**
   * PostgreSQL: a transaction-scoped advisory lock, held until the batch commits; taken or refused
   * at once, never waited for (waiting is how two workers deadlock). SQLite has one worker.
   */
  private async lockConversation(runner: QueryRunner, key: string, taken: Map<string, boolean>): Promise<boolean> {
    if (this.dataSource.options.type !== 'postgres') return true;
    const already = taken.get(key);
    if (already !== undefined) return already;
    const [row] = await rawQuery<{ taken: boolean }>(runner.manager, 'SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0)) AS taken', [key]);
    return row.taken === true;
  }

  /**
   * PostgreSQL: the conversation locks of the batch's DMs (most of the inbox) in one round trip,
   * before anything of theirs is read; the same locks place() takes (`<profile>:<key>`), kept
   * until the batch commits. Tweets learn their conversation while they are processed and lock it then.
   */
  private async lockDmConversations(runner: QueryRunner, events: InboxEvent[]): Promise<Map<string, boolean>> {
    const taken = new Map<string, boolean>();
    if (this.dataSource.options.type !== 'postgres') return taken;
    const keys = new Set<string>();
    for (const event of events) {
      const profile = await this.profiles.active(event.profileId);
      const message = profile ? readableMessage(event) : undefined;
      if (!profile || message?.kind !== 'dm') continue;
      const customer = message.sender.id === profile.accountId ? message.recipientId : message.sender.id;
      try {
        keys.add(`${profile.id}:${dmConversation(customer)}`);
      } catch {
        // Not an id a conversation can have: the processor rejects the event.
      }
    }
    if (keys.size === 0) return taken;
    const rows = await rawQuery<{ key: string; taken: boolean }>(runner.manager, 'SELECT key, pg_try_advisory_xact_lock(hashtextextended(key, 0)) AS taken FROM unnest(?::text[]) AS key', [[...keys]]);
    for (const row of rows) taken.set(row.key, row.taken === true);
    return taken;
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
      nextAttemptAt: now.getTime() + (raced ? BUSY_RETRY_MS : backoffMs(attempts)),
    });
    return failed;
  }

  private async update(m: EntityManager, event: InboxEvent, changes: Partial<InboxEvent>): Promise<void> {
    const [columns, values] = eventSets(this.noted(changes));
    if (columns.length > 0) await rawQuery(m, `UPDATE inbox_events SET ${columns.join(', ')} WHERE id = ?`, [...values, event.id]);
  }
}

/** The columns an outcome may write on its event. */
const EVENT_COLUMNS: ReadonlyArray<[keyof InboxEvent, string]> = [
  ['status', 'status'],
  ['attempts', 'attempts'],
  ['error', 'error'],
  ['nextAttemptAt', 'next_attempt_at'],
  ['conversationId', 'conversation_id'],
  ['parentLookup', 'parent_lookup'],
  ['holdUntil', 'hold_until'],
  ['waitsFor', 'waits_for'],
  ['ticketId', 'ticket_id'],
  ['processedAt', 'processed_at'],
];

/** What every event of a batch shares. */
interface BatchContext {
  savepoints: EventSavepoints | DeferredOutcomes;
  stored: StoredMessages;
  /** PostgreSQL: conversation locks taken for the batch (lockDmConversations), by lock key. */
  locks: Map<string, boolean>;
}

/**
 * How a batch isolates its events. `savepoints`: one savepoint per event (EventSavepoints), so that
 * one bad event never takes its neighbours down. `optimistic` (PostgreSQL): no savepoints, and the
 * events' outcomes written together before the commit (DeferredOutcomes), a round trip less per
 * event; should anything fail, the whole batch is rolled back and worked again with savepoints
 * (docs/THREADING.md, "PostgreSQL: round trips"). Failures are rare, so nearly every batch commits
 * the first time.
 */
type BatchMode = 'savepoints' | 'optimistic';

/** An optimistic batch met an error: roll it back, and work it again event by event. */
class OptimisticBatchFailed extends Error {
  constructor(readonly reason: unknown) {
    super(`optimistic batch failed: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

/**
 * One savepoint per event, so that one bad event never takes its neighbours down; the event's
 * outcome is written inside it. On PostgreSQL each statement is a round trip: the outcome's UPDATE,
 * the release of the savepoint and the next event's SAVEPOINT go together in one (simple-protocol
 * statements, the values written as PostgreSQL-escaped literals), and a COMMIT releases the last.
 * Should that UPDATE fail, the event's own savepoint is still there to roll back to.
 */
class EventSavepoints {
  private readonly postgres: boolean;
  /** PostgreSQL: a savepoint for the next event is open already. */
  private open = false;

  constructor(private readonly runner: QueryRunner) {
    this.postgres = runner.connection.options.type === 'postgres';
  }

  async begin(): Promise<void> {
    if (!this.postgres) return this.runner.startTransaction();
    if (!this.open) await this.runner.query('SAVEPOINT inbox_event');
    this.open = true;
  }

  async done(eventId: number, changes: Partial<InboxEvent>): Promise<void> {
    if (!this.postgres) {
      const [columns, values] = eventSets(changes);
      if (columns.length > 0) await rawQuery(this.runner.manager, `UPDATE inbox_events SET ${columns.join(', ')} WHERE id = ?`, [...values, eventId]);
      return this.runner.commitTransaction();
    }
    const update = outcomeUpdate(this.runner, eventId, changes);
    await this.runner.query(`${update ? `${update}; ` : ''}RELEASE SAVEPOINT inbox_event; SAVEPOINT inbox_event`);
  }

  async failed(): Promise<void> {
    if (!this.postgres) return this.runner.rollbackTransaction();
    this.open = false;
    await this.runner.query('ROLLBACK TO SAVEPOINT inbox_event; RELEASE SAVEPOINT inbox_event');
  }

  /** Every outcome is written already. */
  async flush(): Promise<void> {}
}

/**
 * PostgreSQL, an optimistic batch (BatchMode): the events' outcomes are kept and written in one
 * round trip before the commit. Until then an event processed earlier in the batch still reads as
 * `received` in the inbox; what a later event looks up there (the tweet it answers, to wait for it)
 * is therefore only ever a reason to wait, and the wait ends with this batch (wakeReplies).
 */
class DeferredOutcomes {
  private readonly updates: string[] = [];

  constructor(private readonly runner: QueryRunner) {}

  async begin(): Promise<void> {}

  done(eventId: number, changes: Partial<InboxEvent>): Promise<void> {
    const update = outcomeUpdate(this.runner, eventId, changes);
    if (update) this.updates.push(update);
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    if (this.updates.length === 0) return;
    try {
      await this.runner.query(this.updates.join('; '));
    } catch (error) {
      throw new OptimisticBatchFailed(error);
    }
  }
}

/** PostgreSQL: an event's outcome as one simple-protocol UPDATE, the values written as escaped literals; undefined when nothing changes. */
function outcomeUpdate(runner: QueryRunner, eventId: number, changes: Partial<InboxEvent>): string | undefined {
  const [columns, values] = eventSets(changes);
  if (columns.length === 0) return undefined;
  const connection = (runner as unknown as { databaseConnection: { escapeLiteral(text: string): string } }).databaseConnection;
  const literal = (text: string) => connection.escapeLiteral(text);
  const assignments = columns.map((column, i) => column.replace('?', sqlLiteral(values[i], literal)));
  return `UPDATE inbox_events SET ${assignments.join(', ')} WHERE id = ${sqlLiteral(eventId, literal)}`;
}

/** `column = ?` for each change, and the values (a fixed column order: the few statement texts this makes are prepared once). */
function eventSets(changes: Partial<InboxEvent>): [string[], unknown[]] {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const [field, column] of EVENT_COLUMNS) {
    if (changes[field] === undefined) continue;
    columns.push(`${column} = ?`);
    values.push(changes[field]);
  }
  return [columns, values];
}

/** A value as a PostgreSQL literal: whole numbers as digits, text through the driver's escapeLiteral, null as NULL. */
function sqlLiteral(value: unknown, escape: (text: string) => string): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not a whole number: ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return escape(value);
  throw new Error(`no literal for ${typeof value}`);
}

function readableMessage(event: InboxEvent) {
  try {
    return inboxMessage(event);
  } catch {
    return undefined;
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
