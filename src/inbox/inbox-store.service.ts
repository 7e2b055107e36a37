import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { describeBadId, isXId } from '../channels/x/x-id';
import { Clock } from '../common/clock';
import { rawQuery } from '../database/raw-query';
import { Transactions, type SqliteHandle } from '../database/transactions';
import type { InboxFormat, InboxSource, InboxStatus } from './inbox-event.entity';
import type { InboxIntake } from './inbox-intake';
import { inboxNote } from './inbox-notes';

export interface NewInboxItem {
  format: InboxFormat;
  dedupeKey: string;
  payload: unknown;
  /** Tweets: X's conversation_id when the item tells it (v2 items carry it in the payload). */
  conversationId?: string;
}

/** The dedupe_key column's length. */
const DEDUPE_KEY_LENGTH = 60;

/** Rows per INSERT: far below both databases' limits on parameters (10 per row). */
const ROWS_PER_INSERT = 500;

type InboxRow = ReturnType<typeof row>;

interface PendingStore {
  rows: InboxRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes received messages into the inbox; a second delivery of the same message is a no-op.
 * An item whose id is no X id is kept too, as `rejected` with the reason, under a key that fits
 * the column: one bad item never costs the rest of its delivery (a 500 would make X resend it all).
 *
 * Each call resolves once its rows are committed, never before: the webhook answers X only then.
 * On SQLite (docs/THREADING.md "Speed"), the stores of one turn of the event loop are committed
 * together, in one synchronous write that nothing else can interleave with; with
 * SQLITE_SYNCHRONOUS=FULL that commit is followed by an fsync of the WAL off the event loop
 * (Transactions.durable), shared by every commit made meanwhile, before any of them resolves. So
 * a stored event survives a power loss as with FULL, and neither the event loop nor the write lock
 * waits for the disk.
 */
@Injectable()
export class InboxStore {
  private pending: PendingStore[] = [];
  private flushScheduled = false;
  private readonly statements = new Map<string, { run(...values: unknown[]): unknown }>();
  private intake?: InboxIntake;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  /** Stores what is new (the unique key drops what is already there). */
  store(profileId: number, source: InboxSource, items: NewInboxItem[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const now = this.clock.now();
    const rows = items.map((item) => row(profileId, source, item, now));
    if (this.dataSource.options.type === 'postgres') return this.insert(this.dataSource.manager, rows);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  /** Commits every store waiting now in one transaction; should that fail, each on its own, so one bad delivery fails alone. */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const group = this.pending;
    this.pending = [];
    try {
      await this.commit(group.flatMap((p) => p.rows));
      for (const p of group) p.resolve();
    } catch (error) {
      if (group.length === 1) return group[0].reject(error);
      for (const p of group) await this.commit(p.rows).then(p.resolve, p.reject);
    }
  }

  private async commit(rows: InboxRow[]): Promise<void> {
    const intake = this.intake;
    if (intake) {
      // The inbox thread empties what it moved now and then: this store tries again a moment later, the event loop free meanwhile.
      while (!intake.commit(rows)) await new Promise((resolve) => setTimeout(resolve, 1));
      return intake.durable();
    }
    await this.transactions.exclusive(() => this.transactions.withoutWaitingForDisk(() => Promise.resolve(this.commitNow(rows))));
    await this.transactions.durable();
  }

  /**
   * SQLite with the inbox worker in its own thread (InboxWorker): stores go to the intake, a file
   * of their own that only this thread writes, and the inbox thread moves them into the inbox
   * (docs/THREADING.md, "Speed"). Undefined: into inbox_events directly again.
   */
  useIntake(intake: InboxIntake | undefined): void {
    this.intake = intake;
  }

  /** SQLite: one transaction on the connection's own handle, without an await from BEGIN to COMMIT, so no other statement of the app's thread can fall inside it. */
  private commitNow(rows: InboxRow[]): void {
    const db = this.transactions.sqliteHandle();
    this.statement(db, 'BEGIN IMMEDIATE TRANSACTION').run();
    try {
      for (let from = 0; from < rows.length; from += ROWS_PER_INSERT) {
        const chunk = rows.slice(from, from + ROWS_PER_INSERT);
        this.statement(db, insertSql(chunk.length)).run(...chunk.flatMap(values));
      }
      this.statement(db, 'COMMIT').run();
    } catch (error) {
      if (db.inTransaction) this.statement(db, 'ROLLBACK').run();
      throw error;
    }
  }

  private statement(db: SqliteHandle, source: string) {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  private async insert(m: EntityManager, rows: InboxRow[]): Promise<void> {
    for (let from = 0; from < rows.length; from += ROWS_PER_INSERT) {
      const chunk = rows.slice(from, from + ROWS_PER_INSERT);
      await rawQuery(m, insertSql(chunk.length), chunk.flatMap(values));
    }
  }
}

function insertSql(rows: number): string {
  return `INSERT INTO inbox_events (profile_id, source, format, dedupe_key, payload, status, next_attempt_at, conversation_id, error, processed_at, received_at)
         VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT DO NOTHING`;
}

function values(r: InboxRow): unknown[] {
  return [r.profileId, r.source, r.format, r.dedupeKey, r.payload, r.status, r.nextAttemptAt, r.conversationId, r.error, r.processedAt, r.receivedAt];
}

function row(profileId: number, source: InboxSource, item: NewInboxItem, now: number) {
  // JSON text escapes NUL and lone surrogates, so the payload is kept exactly on both databases.
  const common = { profileId, source, format: item.format, payload: JSON.stringify(item.payload), nextAttemptAt: 0, receivedAt: now };
  const id = /^(?:tweet|dm):(.*)$/s.exec(item.dedupeKey)?.[1];
  if (id === undefined || !isXId(id)) {
    const problem = id === undefined ? inboxNote('notAMessageKey', { key: describeBadId(item.dedupeKey) }) : inboxNote('idNotAnXId', { id: describeBadId(id) });
    return {
      ...common,
      dedupeKey: fittingKey(item.dedupeKey),
      status: 'rejected' as InboxStatus,
      conversationId: null,
      error: problem as string | null,
      processedAt: now as number | null,
    };
  }
  const conversationId = item.conversationId ?? payloadConversation(item);
  return { ...common, dedupeKey: item.dedupeKey, status: 'received' as InboxStatus, conversationId: isXId(conversationId) ? conversationId : null, error: null, processedAt: null };
}

/** The same over-long key always gives the same short one, so a redelivery is still stored once. */
function fittingKey(dedupeKey: string): string {
  if (dedupeKey.length <= DEDUPE_KEY_LENGTH && !dedupeKey.includes('\u0000')) return dedupeKey;
  return `refused:${createHash('sha256').update(dedupeKey).digest('base64url')}`;
}

function payloadConversation(item: NewInboxItem): string | undefined {
  if (item.format !== 'v2-tweet' || typeof item.payload !== 'object' || item.payload === null) return undefined;
  const { conversationId } = item.payload as { conversationId?: unknown };
  return typeof conversationId === 'string' ? conversationId : undefined;
}
