import Database from 'better-sqlite3';
import { prepareSqliteFiles } from '../common/private-files';
import { sqliteDatetimeToEpochMs } from '../database/sqlite-datetime-to-epoch-ms';
import { WalSync } from '../database/wal-sync';

/**
 * The intake of a SQLite inbox whose worker runs in its own thread (docs/THREADING.md, "Speed"):
 * a second SQLite file beside the database, written only by the app's thread (webhooks, polls),
 * read and emptied by the inbox thread, which moves its rows into `inbox_events`.
 *
 * Why a file of its own: SQLite has one writer per file. Stored in the database itself, an
 * acknowledgement waited for the inbox thread to hand over the write lock, and on a busy machine
 * that thread may sit preempted, lock in hand, for tens of milliseconds. Here the app's thread
 * writes alone; the inbox thread only reads, and deletes what it moved in a short statement now
 * and then (a store that meets it tries again a moment later, without holding the event loop).
 */

/** The intake file of a SQLite database. */
export function intakePath(sqlitePath: string): string {
  return `${sqlitePath}-intake`;
}

/** The intake's table: an inbox_events row as the webhook writes it, in the order it arrived. */
export const INTAKE_TABLE = 'intake_events';

/** What a store writes into the intake (InboxStore's row). */
export interface IntakeRow {
  profileId: number;
  source: string;
  format: string;
  dedupeKey: string;
  payload: string;
  status: string;
  nextAttemptAt: number;
  conversationId: string | null;
  error: string | null;
  processedAt: number | null;
  /** Epoch ms from Clock, when the store took it. */
  receivedAt: number;
}

const COLUMNS = 'profile_id, source, format, dedupe_key, payload, status, next_attempt_at, conversation_id, error, processed_at, received_at';
const ROWS_PER_INSERT = 500;

/** The app thread's writer of the intake. */
export class InboxIntake {
  private readonly db: Database.Database;
  private readonly walSync?: WalSync;
  private readonly statements = new Map<string, Database.Statement>();

  /** `synchronous` FULL: a commit is acknowledged once the intake's WAL is synced (off the event loop, WalSync). */
  constructor(sqlitePath: string, synchronous: 'FULL' | 'NORMAL') {
    const path = intakePath(sqlitePath);
    // Private like the database it is part of (docs/SECURITY.md): 0600 before SQLite opens it, so its -wal and -shm are born so too.
    prepareSqliteFiles(path);
    // No waiting for the lock inside a statement: a store that meets the inbox thread's delete tries again (commit() says so).
    this.db = new Database(path, { timeout: 0 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // The inbox thread checkpoints the intake after emptying it: no store's commit runs a checkpoint.
    this.db.pragma('wal_autocheckpoint = 0');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${INTAKE_TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, profile_id INTEGER NOT NULL, source TEXT NOT NULL, format TEXT NOT NULL,
         dedupe_key TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, next_attempt_at TEXT NOT NULL, conversation_id TEXT, error TEXT, processed_at TEXT,
         received_at INTEGER NOT NULL, UNIQUE (profile_id, dedupe_key))`,
    );
    if (synchronous === 'FULL') this.walSync = new WalSync(`${path}-wal`);
  }

  /** Commits the rows (a repeated delivery is dropped by the unique key); false when the inbox thread holds the intake for a moment. */
  commit(rows: IntakeRow[]): boolean {
    try {
      this.statement('BEGIN IMMEDIATE').run();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw error;
    }
    try {
      for (let from = 0; from < rows.length; from += ROWS_PER_INSERT) {
        const chunk = rows.slice(from, from + ROWS_PER_INSERT);
        this.statement(`INSERT INTO ${INTAKE_TABLE} (${COLUMNS}) VALUES ${Array(chunk.length).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT DO NOTHING`).run(
          ...chunk.flatMap((r) => [r.profileId, r.source, r.format, r.dedupeKey, r.payload, r.status, r.nextAttemptAt, r.conversationId, r.error, r.processedAt, r.receivedAt]),
        );
      }
      this.statement('COMMIT').run();
      return true;
    } catch (error) {
      if (this.db.inTransaction) this.statement('ROLLBACK').run();
      throw error;
    }
  }

  /** Resolves once every commit so far is on disk (FULL), at once otherwise. */
  async durable(): Promise<void> {
    await this.walSync?.sync();
  }

  close(): void {
    this.db.close();
  }

  private statement(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }
}

/**
 * An intake file made before the app stored received_at as epoch ms keeps its table (CREATE TABLE
 * IF NOT EXISTS): a TEXT column whose rows may still hold `datetime('now')` text, converted here
 * as the migration converted inbox_events (1764600000000-EpochMsTimes); epoch ms, stored as digits
 * in that column or as an integer in a new one, never holds a '-'.
 */
const RECEIVED_AT = `CASE WHEN received_at LIKE '%-%' THEN ${sqliteDatetimeToEpochMs('received_at')} ELSE CAST(received_at AS INTEGER) END`;

/** An intake row as the inbox thread reads it (IntakeReader), to be inserted into inbox_events as it is. */
export type IntakeRecord = Record<string, unknown>;

/** Rows per INSERT when moving: 11 values each, far below SQLite's limit on parameters. */
const MOVED_ROWS_PER_INSERT = 500;

/** The INSERTs that put moved rows into inbox_events; a repeated delivery is dropped there by the inbox's unique key. */
export function movedRowsInserts(rows: IntakeRecord[]): { sql: string; values: unknown[] }[] {
  const columns = COLUMNS.split(', ');
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const inserts: { sql: string; values: unknown[] }[] = [];
  for (let from = 0; from < rows.length; from += MOVED_ROWS_PER_INSERT) {
    const chunk = rows.slice(from, from + MOVED_ROWS_PER_INSERT);
    inserts.push({
      sql: `INSERT INTO inbox_events (${COLUMNS}) VALUES ${Array(chunk.length).fill(tuple).join(', ')} ON CONFLICT DO NOTHING`,
      values: chunk.flatMap((row) => columns.map((column) => row[column])),
    });
  }
  return inserts;
}

/**
 * The inbox thread's side of the intake: a connection of its own to the intake file, never
 * attached to the database's connection. Attached, every transaction of the inbox thread would
 * hold the intake's write lock too (SQLite's BEGIN IMMEDIATE takes it on every attached database),
 * and each webhook's store would wait for the inbox thread's batch to end. Reading takes no lock in
 * WAL mode; the delete of what was moved is one short statement.
 */
export class IntakeReader {
  private readonly db: Database.Database;

  constructor(sqlitePath: string) {
    // A short wait for a store's commit (the app's thread never holds the intake for long).
    this.db = new Database(intakePath(sqlitePath), { fileMustExist: true, timeout: 100 });
  }

  lastId(): number | null {
    return (this.db.prepare(`SELECT MAX(id) AS last FROM ${INTAKE_TABLE}`).get() as { last: number | null }).last;
  }

  /** Rows after `from` up to `upTo`, in arrival order, received_at in epoch ms. */
  rows(from: number, upTo: number): IntakeRecord[] {
    const columns = COLUMNS.replace('received_at', `${RECEIVED_AT} AS received_at`);
    return this.db.prepare(`SELECT ${columns} FROM ${INTAKE_TABLE} WHERE id > ? AND id <= ? ORDER BY id`).all(from, upTo) as IntakeRecord[];
  }

  /** Forgets what was moved, and checkpoints the intake (the app's thread never does: InboxIntake). */
  deleteUpTo(upTo: number): void {
    this.db.prepare(`DELETE FROM ${INTAKE_TABLE} WHERE id <= ?`).run(upTo);
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  close(): void {
    this.db.close();
  }
}
