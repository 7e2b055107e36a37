import { Logger } from '@nestjs/common';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JOB_SETTINGS, type AppConfig, type JobName } from '../config/app-config';
import { writeTurnsForThread } from '../database/sqlite-write-turns';

/** Messages from the app's thread to the inbox thread. */
export type ToInboxThread = { type: 'kick' } | { type: 'drain'; id: number } | { type: 'stop' };
/** Messages from the inbox thread to the app's thread. */
export type FromInboxThread = { type: 'ready' } | { type: 'outgoing' } | { type: 'drained'; id: number; error?: string } | { type: 'failed'; error: string };

/** A thread that died unexpectedly is started again after this long. */
const RESTART_MS = 1_000;
/** How long stop() waits for the thread to finish its batch before it is terminated. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * What the inbox thread does differently from the app that starts it: it runs the inbox worker and
 * nothing else, leaves the schema alone (the app migrated it), and commits without waiting for the
 * disk (synchronous NORMAL: everything it commits survives any crash of the process and can be
 * done again from the inbox after a power loss; docs/THREADING.md, "Speed").
 */
export function inboxThreadConfig(config: AppConfig): AppConfig {
  const jobs = Object.fromEntries(Object.keys(JOB_SETTINGS).map((job) => [job, job === 'inbox-worker'])) as Record<JobName, boolean>;
  return {
    ...config,
    database: { ...config.database, migrationsRun: false, dropSchema: false, sqliteSynchronous: 'NORMAL' },
    jobs,
    inboxWorkerThread: false,
  };
}

/**
 * The app's side of the inbox worker thread (SQLite, docs/THREADING.md "Speed"). better-sqlite3
 * runs every statement on the thread that calls it: a batch in the app's own thread holds every
 * webhook waiting for its 200 for the batch's whole length. In a thread of its own, with its own
 * connection, the worker only ever makes a webhook wait for SQLite's write lock, which its short
 * transactions hand over within milliseconds.
 *
 * The thread boots the same app (without HTTP) from the settings given here, works the inbox on
 * its own timer and on kicks, and reports stored auto-replies back (`outgoing`), for the delivery
 * worker that runs here.
 */
export class InboxThread {
  private readonly logger = new Logger('InboxThread');
  private worker?: Worker;
  private ready?: Promise<void>;
  private readonly drains = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextDrain = 1;
  private stopping = false;
  private kickPending = false;

  constructor(
    private readonly config: AppConfig,
    private readonly onOutgoing: () => void,
  ) {}

  /** Starts the thread; resolves when it works the inbox. */
  start(): Promise<void> {
    const file = join(__dirname, `inbox-thread.main${extname(__filename)}`);
    // From the TypeScript sources (tests, benchmarks), the thread compiles them as they load.
    const execArgv = extname(__filename) === '.ts' ? ['--require', 'ts-node/register/transpile-only'] : [];
    const worker = new Worker(file, { workerData: { socialdeskConfig: this.config, ...writeTurnsForThread() }, execArgv });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromInboxThread) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'failed') reject(new Error(`the inbox thread could not start: ${message.error}`));
        else this.received(message);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the inbox thread ended with code ${code} before it started`)));
    });
    worker.on('error', (error) => this.logger.error(`inbox thread: ${error.stack ?? error.message}`));
    worker.once('exit', (code) => this.exited(worker, code));
    return this.ready;
  }

  /** One message per turn of the event loop, however many webhooks arrived in it. */
  kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.post({ type: 'kick' });
    });
  }

  /** The thread's InboxWorker.drain(): until nothing is due at once (tests and benchmarks). */
  async drain(): Promise<void> {
    await this.ready;
    const id = this.nextDrain++;
    const drained = new Promise<void>((resolve, reject) => this.drains.set(id, { resolve, reject }));
    this.post({ type: 'drain', id });
    return drained;
  }

  /** Lets the thread finish its batch and close its connection; terminates it if it does not within STOP_TIMEOUT_MS. */
  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ToInboxThread);
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private post(message: ToInboxThread): void {
    // Messages wait in the port until the thread listens.
    this.worker?.postMessage(message);
  }

  private received(message: FromInboxThread): void {
    if (message.type === 'outgoing') return this.onOutgoing();
    if (message.type !== 'drained') return;
    const drain = this.drains.get(message.id);
    this.drains.delete(message.id);
    if (message.error === undefined) drain?.resolve();
    else drain?.reject(new Error(message.error));
  }

  /** A thread that ended without being asked is started again: the inbox must not stand still. */
  private exited(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    for (const drain of this.drains.values()) drain.reject(new Error(`the inbox thread ended (code ${code})`));
    this.drains.clear();
    this.worker = undefined;
    if (this.stopping) return;
    this.logger.error(`the inbox thread ended unexpectedly (code ${code}); starting it again in ${RESTART_MS} ms`);
    setTimeout(() => {
      if (!this.stopping) this.start().catch((error: Error) => this.logger.error(error.message));
    }, RESTART_MS).unref();
  }
}
