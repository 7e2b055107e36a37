import { isMainThread, workerData } from 'node:worker_threads';

/**
 * SQLite has one writer at a time. With the inbox worker in a thread of its own (docs/THREADING.md,
 * "Speed"), the app's thread (webhooks, agents) and the inbox thread take turns at the write lock.
 * SQLite's own waiting is a sleep loop (1, 2, 5, 10 … ms) that an eager writer starves: the inbox
 * thread, committing batch after batch, took the lock back before the app's thread woke up, and a
 * webhook waited tens to hundreds of milliseconds, its whole event loop with it.
 *
 * So the app's thread goes first, through two counters shared with the inbox thread:
 * - `appWaiting`: the app's thread waits for or holds the write lock. The inbox thread ends its
 *   batch at the next event (appWaitsToWrite) and begins its next transaction only once the app's
 *   thread is done (for MAX_YIELD_MS at most, so that it is never starved either).
 * - `threadWrites`: the inbox thread holds the write lock (from BEGIN to COMMIT or ROLLBACK). The
 *   app's thread waits for it to drop (Atomics.wait, woken the moment the batch commits) rather
 *   than in SQLite's sleep loop.
 * The app's thread never waits for the inbox thread's batch, only for the event under way.
 */

const APP_WAITING = 0;
const THREAD_WRITES = 1;

/** The inbox thread waits at most this long for the app's thread, so that it is never starved itself. */
const MAX_YIELD_MS = 100;
/** The app's thread waits this long at most for the inbox thread's lock before it leaves the rest to SQLite's busy timeout. */
const MAX_WAIT_MS = 5_000;

interface ThreadData {
  socialdeskWriteTurns?: SharedArrayBuffer;
}

const fromApp = isMainThread ? undefined : (workerData as ThreadData | null)?.socialdeskWriteTurns;
/** This process's counters: the app's, or in the inbox thread the app's shared with it. */
const turns = new Int32Array(fromApp ?? new SharedArrayBuffer(8));
/** In the inbox thread, this module yields; in the app's thread, it claims. */
const inInboxThread = fromApp !== undefined;

/** For the inbox thread's workerData (InboxThread). */
export function writeTurnsForThread(): ThreadData {
  return { socialdeskWriteTurns: turns.buffer };
}

/** In the inbox thread: the app's thread waits for the write lock (or holds it). End the batch. */
export function appWaitsToWrite(): boolean {
  return inInboxThread && Atomics.load(turns, APP_WAITING) > 0;
}

/** Whether this is the inbox worker's thread (its batches give way to the app's thread, instead of being kept short). */
export function isInboxThread(): boolean {
  return inInboxThread;
}

/**
 * The app's thread, before a transaction (Transactions): claims its turn and waits without holding
 * the event loop (Atomics.waitAsync) for the inbox thread to end its transaction; BEGIN then finds
 * the lock free. Returns the release, for when the transaction has ended.
 */
export async function appTurn(): Promise<() => void> {
  if (inInboxThread) return () => undefined;
  Atomics.add(turns, APP_WAITING, 1);
  const until = performance.now() + MAX_WAIT_MS;
  while (Atomics.load(turns, THREAD_WRITES) === 1) {
    const left = until - performance.now();
    if (left <= 0) break;
    const waited = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(turns, THREAD_WRITES, 1, left);
    if (waited.async) await waited.value;
  }
  return release;
}

/** Node has Atomics.waitAsync (ES2024); the compiler's lib here does not know it yet. */
interface AtomicsWithWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeout: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

interface Statement {
  readonly: boolean;
  run(...parameters: unknown[]): unknown;
  all(...parameters: unknown[]): unknown;
}

interface Connection {
  prepare(source: string): unknown;
}

const BEGINS = /^BEGIN\b/i;
const ENDS = /^(COMMIT|END|ROLLBACK)\b(?!\s+TO\b)/i;

/**
 * Instruments a better-sqlite3 connection (data-source-options.ts, prepareDatabase). In the app's
 * thread, a statement that writes claims its turn while it waits and runs (a transaction from BEGIN
 * to its COMMIT or ROLLBACK). In the inbox thread, BEGIN first lets the app's thread go, and the
 * transaction says it holds the lock until it ends.
 */
export function takeWriteTurns(db: Connection): void {
  const prepare = db.prepare.bind(db);
  let inTransaction = false;
  db.prepare = (source: string) => {
    const statement = prepare(source) as Statement;
    const begins = BEGINS.test(source);
    const ends = ENDS.test(source);
    if (inInboxThread) {
      if (begins) {
        wrap(statement, (run) => {
          yieldToApp();
          const result = run();
          Atomics.store(turns, THREAD_WRITES, 1);
          return result;
        });
      }
      if (ends) {
        wrap(statement, (run) => {
          try {
            return run();
          } finally {
            Atomics.store(turns, THREAD_WRITES, 0);
            Atomics.notify(turns, THREAD_WRITES);
          }
        });
      }
      return statement;
    }
    if (!begins && !ends && statement.readonly) return statement;
    wrap(statement, (run) => {
      if (ends) {
        try {
          return run();
        } finally {
          if (inTransaction) release();
          inTransaction = false;
        }
      }
      if (inTransaction) return run();
      claim();
      try {
        const result = run();
        if (begins) inTransaction = true;
        return result;
      } finally {
        if (!inTransaction) release();
      }
    });
    return statement;
  };
}

function wrap(statement: Statement, around: (run: () => unknown) => unknown): void {
  const run = statement.run.bind(statement);
  const all = statement.all.bind(statement);
  statement.run = (...parameters: unknown[]) => around(() => run(...parameters));
  statement.all = (...parameters: unknown[]) => around(() => all(...parameters));
}

/** The app's thread: its turn is next; waits (blocking, precisely) while the inbox thread finishes the event under way. */
function claim(): void {
  Atomics.add(turns, APP_WAITING, 1);
  const until = performance.now() + MAX_WAIT_MS;
  while (Atomics.load(turns, THREAD_WRITES) === 1) {
    const left = until - performance.now();
    if (left <= 0) return;
    Atomics.wait(turns, THREAD_WRITES, 1, left);
  }
}

function release(): void {
  Atomics.sub(turns, APP_WAITING, 1);
  Atomics.notify(turns, APP_WAITING);
}

/** Blocks the inbox thread (never the app's) until the app's thread has written, for MAX_YIELD_MS at most. */
function yieldToApp(): void {
  const until = performance.now() + MAX_YIELD_MS;
  for (;;) {
    const waiting = Atomics.load(turns, APP_WAITING);
    const left = until - performance.now();
    if (waiting === 0 || left <= 0) return;
    Atomics.wait(turns, APP_WAITING, waiting, left);
  }
}
