import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { appTurn, appWaitsToWrite, isInboxThread, takeWriteTurns, writeTurnsForThread } from './sqlite-write-turns';

/** The app's counter as the inbox thread sees it: [app waits to write or writes, inbox thread holds the lock]. */
const turns = () => new Int32Array(writeTurnsForThread().socialdeskWriteTurns!);

function instrumented() {
  const db = new Database(':memory:');
  takeWriteTurns(db);
  // Read inside a statement: what the counter says while that statement runs.
  db.function('app_turn', () => Atomics.load(turns(), 0));
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, turn INTEGER)');
  return db;
}

describe('write turns (the app thread)', () => {
  it('claims the turn while a write statement runs, not for a read, and gives it back', () => {
    const db = instrumented();
    db.prepare('INSERT INTO t (turn) VALUES (app_turn())').run();
    expect(db.prepare('SELECT turn FROM t').get()).toEqual({ turn: 1 });
    expect(db.prepare('SELECT app_turn() AS turn').get()).toEqual({ turn: 0 });
    expect(Atomics.load(turns(), 0)).toBe(0);
  });

  it('holds the turn from BEGIN to COMMIT, and from BEGIN to ROLLBACK', () => {
    const db = instrumented();
    for (const end of ['COMMIT', 'ROLLBACK']) {
      db.prepare('BEGIN IMMEDIATE TRANSACTION').run();
      expect(Atomics.load(turns(), 0)).toBe(1);
      db.prepare('INSERT INTO t (turn) VALUES (app_turn())').run();
      db.prepare('SAVEPOINT s').run();
      db.prepare('ROLLBACK TO SAVEPOINT s').run();
      expect(Atomics.load(turns(), 0)).toBe(1);
      db.prepare(end).run();
      expect(Atomics.load(turns(), 0)).toBe(0);
    }
    expect(db.prepare('SELECT turn FROM t').all()).toEqual([{ turn: 1 }]);
  });

  it('gives the turn back when a write fails', () => {
    const db = instrumented();
    expect(() => db.prepare('INSERT INTO t (id) VALUES (1), (1)').run()).toThrow();
    expect(Atomics.load(turns(), 0)).toBe(0);
  });

  it('before a transaction, waits for the inbox thread to end its own without holding the event loop', async () => {
    // The inbox thread holds the write lock.
    Atomics.store(turns(), 1, 1);
    let turn: (() => void) | undefined;
    const waiting = appTurn().then((release) => (turn = release));
    await new Promise((resolve) => setImmediate(resolve));
    // This thread's event loop went on; the inbox thread is told to end its batch.
    expect(turn).toBeUndefined();
    expect(Atomics.load(turns(), 0)).toBe(1);
    Atomics.store(turns(), 1, 0);
    Atomics.notify(turns(), 1);
    await waiting;
    expect(Atomics.load(turns(), 0)).toBe(1);
    turn!();
    expect(Atomics.load(turns(), 0)).toBe(0);
  });

  it('is not the inbox thread, and never yields here', () => {
    expect(isInboxThread()).toBe(false);
    Atomics.add(turns(), 0, 1);
    expect(appWaitsToWrite()).toBe(false);
    Atomics.sub(turns(), 0, 1);
  });
});

describe('write turns (the inbox thread)', () => {
  /** Runs `script` in a worker thread that shares this thread's counters, as the inbox thread does. */
  function inThread(script: string): Promise<unknown> {
    const module = join(__dirname, 'sqlite-write-turns.ts');
    const worker = new Worker(`const turns = require(${JSON.stringify(module)}); ${script}`, {
      eval: true,
      workerData: writeTurnsForThread(),
      execArgv: ['--require', 'ts-node/register/transpile-only'],
    });
    return new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  }

  it('ends its batch while the app thread waits to write, and says when it holds the lock', async () => {
    Atomics.store(turns(), 0, 1);
    const seen = await inThread(`
      const Database = require('better-sqlite3');
      const db = new Database(':memory:');
      turns.takeWriteTurns(db);
      const waiting = turns.appWaitsToWrite();
      const shared = new Int32Array(require('node:worker_threads').workerData.socialdeskWriteTurns);
      Atomics.store(shared, 0, 0);
      db.prepare('BEGIN IMMEDIATE TRANSACTION').run();
      const holding = Atomics.load(shared, 1);
      db.prepare('COMMIT').run();
      require('node:worker_threads').parentPort.postMessage({ inThread: turns.isInboxThread(), waiting, holding, after: Atomics.load(shared, 1) });
    `);
    expect(seen).toEqual({ inThread: true, waiting: true, holding: 1, after: 0 });
  });
});
