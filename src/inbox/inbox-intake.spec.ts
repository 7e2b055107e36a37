import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InboxIntake, IntakeReader, INTAKE_TABLE, intakePath, movedRowsInserts, type IntakeRow } from './inbox-intake';

/** The intake as the app created it while received_at was the database's datetime('now') text. */
const OLD_INTAKE_TABLE = `CREATE TABLE ${INTAKE_TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, profile_id INTEGER NOT NULL, source TEXT NOT NULL, format TEXT NOT NULL,
  dedupe_key TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, next_attempt_at TEXT NOT NULL, conversation_id TEXT, error TEXT, processed_at TEXT,
  received_at TEXT NOT NULL DEFAULT (datetime('now')), UNIQUE (profile_id, dedupe_key))`;

const row = (dedupeKey: string, receivedAt: number): IntakeRow => ({
  profileId: 1,
  source: 'webhook',
  format: 'aaa-dm',
  dedupeKey,
  payload: '{}',
  status: 'received',
  nextAttemptAt: 0,
  conversationId: null,
  error: null,
  processedAt: null,
  receivedAt,
});

describe('moving the intake into inbox_events', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'intake-'));
    db = new Database(join(dir, 'app.sqlite'));
    // The columns the move writes, received_at as the migrated inbox has it.
    db.exec(`CREATE TABLE inbox_events (id INTEGER PRIMARY KEY AUTOINCREMENT, profile_id integer NOT NULL, source varchar(10) NOT NULL, format varchar(10) NOT NULL,
      dedupe_key varchar(60) NOT NULL, payload text NOT NULL, status varchar(10) NOT NULL, next_attempt_at bigint NOT NULL, conversation_id varchar(30), error text,
      processed_at bigint, received_at bigint NOT NULL, UNIQUE (profile_id, dedupe_key))`);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const moved = () => {
    const reader = new IntakeReader(join(dir, 'app.sqlite'));
    for (const insert of movedRowsInserts(reader.rows(0, 100))) db.prepare(insert.sql).run(...insert.values);
    reader.close();
    return db.prepare('SELECT dedupe_key, received_at, typeof(received_at) AS type FROM inbox_events ORDER BY id').all();
  };

  it('keeps the epoch ms a store wrote, from Clock', () => {
    const intake = new InboxIntake(join(dir, 'app.sqlite'), 'NORMAL');
    expect(intake.commit([row('dm:1', 1_706_933_106_789)])).toBe(true);
    intake.close();
    expect(moved()).toEqual([{ dedupe_key: 'dm:1', received_at: 1_706_933_106_789, type: 'integer' }]);
  });

  it('converts the datetime text of an intake made before, and takes the epoch ms new stores write into its TEXT column', () => {
    const old = new Database(intakePath(join(dir, 'app.sqlite')));
    old.exec(OLD_INTAKE_TABLE);
    old
      .prepare(
        `INSERT INTO ${INTAKE_TABLE} (profile_id, source, format, dedupe_key, payload, status, next_attempt_at, received_at) VALUES (1, 'webhook', 'aaa-dm', 'dm:1', '{}', 'received', '0', '2024-02-03 04:05:06')`,
      )
      .run();
    old.close();
    const intake = new InboxIntake(join(dir, 'app.sqlite'), 'NORMAL');
    expect(intake.commit([row('dm:2', 1_706_933_106_789)])).toBe(true);
    intake.close();
    expect(moved()).toEqual([
      { dedupe_key: 'dm:1', received_at: Date.UTC(2024, 1, 3, 4, 5, 6), type: 'integer' },
      { dedupe_key: 'dm:2', received_at: 1_706_933_106_789, type: 'integer' },
    ]);
  });
});
