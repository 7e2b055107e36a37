import Database from 'better-sqlite3';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { dmBody, newXId, signed, tweetBody, type XPerson } from '../factories/aaa-event.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi, type FakeXTweetInput } from '../support/fake-x-api';
import type { FakeXDirectMessageInput } from '../support/fake-x/timeline';
import { mulberry32 } from '../../src/common/seeded-random';

/**
 * `npm run bench -- ingest [--events N] [--rate N] [--only ack-sqlite,processing,ack-postgres]`:
 * signed webhook POSTs of DMs and mentions across 1,000 threads, delivered shuffled and with 10 %
 * of them twice, as X does not promise order nor a single delivery. Every instance is the app as
 * the server runs it (all its jobs started: on SQLite the inbox worker in its own thread), each in
 * a process of its own (bench-instance.ts), so that "two instances" are two event loops.
 *
 * - Acknowledgement p50/p99 at a fixed offered rate, with the worker processing meanwhile, next to
 *   a bare Node http server that only reads the body (same requests, same rate, same run) and, for
 *   SQLITE_SYNCHRONOUS=FULL, next to what one fsync'd SQLite commit takes on this disk now. The
 *   measured run starts with no connection open (the warm-up's are closed); beside each figure:
 *   how many connections the client opened, and the p99 over deliveries sent on kept ones. Node
 *   (libuv) accepts one new connection per turn of the event loop, so deliveries on new connections
 *   wait for as many turns as there are connections before them (docs/THREADING.md, "Figures").
 * - Events processed per second from a stored backlog: SQLite, PostgreSQL with one instance and
 *   with two (when DATABASE_URL is set), next to a floor measured in the same run: plain prepared
 *   statements writing one article and updating one event per message, 100 per transaction.
 *
 * Next to every figure: the check — one ticket per conversation, none split, every distinct message
 * stored once, no event left unprocessed. A fake X answers the parent lookups of replies that
 * arrive before their tweet, and takes the auto-replies. The load average is printed before and
 * after: on a shared machine, the figures move with it, the floors beside them too. So does the
 * CPU each instance (and PostgreSQL) used during a processing run, printed beside it.
 *
 * To see what a figure depends on: BENCH_ENV='{"DELIVERY_WORKER":"off"}' (settings for every
 * instance), BENCH_CPU_PROF=<folder> (CPU profiles of the instances, node --cpu-prof),
 * BENCH_LOG_LEVEL=warn (their logs), BENCH_NODE_FLAGS='--max-semi-space-size=32' (Node's own flags for
 * the instances). Beside each instance's event-loop delay it prints its GC pauses.
 */

const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';
const SECRETS_KEY = 'cd'.repeat(32);
const THREADS = 1_000;
const DM_THREADS = 800;
const WARM_UP = 1_000;
/** Share of the messages X delivers twice. */
const DUPLICATES = 0.1;
/** The SQLite runs must not inherit DATABASE_URL, which is set for the PostgreSQL runs. */
const ON_SQLITE = { DATABASE_URL: '' };
const PARTS = ['ack-sqlite', 'processing', 'ack-postgres'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  events: number;
  rate: number;
  only?: string[];
}

interface Request {
  body: string;
  signature: string;
}

interface Workload {
  /** In delivery order: shuffled, with duplicates. */
  requests: Request[];
  threads: number;
  /** Distinct messages (each must become one article). */
  messages: number;
  /** The tweets, as X knows them (the fake X serves them to parent lookups). */
  tweets: FakeXTweetInput[];
  /** The DMs, as X knows them: the ids X gives the auto-replies must not be theirs. */
  dms: FakeXDirectMessageInput[];
}

/**
 * `events` distinct messages over 1,000 threads: 800 DM conversations, 200 tweet threads (a
 * mention, then replies, each to the thread's previous tweet); delivered in a shuffled order with
 * 10 % duplicates (fixed seed: every run delivers the same sequence).
 */
export function workload(accountId: string, events: number, seed = 8): Workload {
  const account: XPerson = { id: accountId, handle: 'acme_support', name: 'ACME' };
  const customers = Array.from({ length: THREADS }, (_, i): XPerson => ({ id: newXId(), handle: `c${i}`, name: `Customer ${i}` }));
  const lastTweet = new Map<number, string>();
  const bodies: string[] = [];
  const tweets: FakeXTweetInput[] = [];
  const dms: FakeXDirectMessageInput[] = [];
  for (let n = 0; n < events; n++) {
    const thread = n % THREADS;
    const customer = customers[thread];
    if (thread < DM_THREADS) {
      const text = `DM ${n}: where is my order?`;
      const built = dmBody({ forUserId: accountId, from: customer, to: account, text });
      dms.push({ id: built.id, from: { id: customer.id, username: customer.handle, name: customer.name }, toUserId: accountId, text });
      bodies.push(built.body);
    } else {
      const parent = lastTweet.get(thread);
      const text = `@acme_support tweet ${n}`;
      const built = tweetBody({ forUserId: accountId, author: customer, text, mentions: [account], inReplyTo: parent ? { tweetId: parent, userId: customer.id } : undefined });
      tweets.push({ id: built.id, author: { id: customer.id, username: customer.handle, name: customer.name }, text, inReplyToTweetId: parent });
      lastTweet.set(thread, built.id);
      bodies.push(built.body);
    }
  }
  const random = mulberry32(seed);
  const delivered = [...bodies, ...bodies.filter(() => random() < DUPLICATES)];
  for (let i = delivered.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [delivered[i], delivered[j]] = [delivered[j], delivered[i]];
  }
  return { requests: delivered.map((body) => signed(body, SECRET)), threads: Math.min(THREADS, events), messages: events, tweets, dms };
}

function fire(url: string, requests: Request[], ratePerSecond: number): Promise<{ latencies: number[]; opened: boolean[]; statuses: number[]; errors: string[]; seconds: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'load-generator.js'), { workerData: { url, requests, ratePerSecond } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function bareServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => res.end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

// ---- instances, each in a process of its own ------------------------------------------------------

interface Counts {
  tickets: number;
  split: number;
  articles: number;
  left: number;
  leftAs: unknown[];
  /** The instance's clock when it counted (the events left carry their next attempt). */
  now: number;
  /** Events that failed at least once on their way (each retry counts, docs/THREADING.md). */
  retried: number;
}

/** How long an instance's event loop (the app's thread) was held up since its jobs started, and its GC pauses (bench-instance.ts). */
interface Held {
  p50: number;
  p99: number;
  max: number;
  gc: { pauses: number; max: number };
}

class Instance {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const call = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error !== undefined) call?.reject(new Error(message.error));
      else call?.resolve(message.result);
    });
  }

  static start(env: Record<string, string>, keepSchema = false): Promise<Instance> {
    const child = fork(
      join(__dirname, 'bench-instance.ts'),
      [JSON.stringify({ SECRETS_KEY, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent', X_API_BASE_URL: fakeX.baseUrl, ...env, ...benchEnv() }), keepSchema ? 'keep' : ''],
      {
        // BENCH_CPU_PROF=<folder>: each instance writes CPU profiles (node --cpu-prof) of its threads there.
        execArgv: [
          '--require',
          'ts-node/register/transpile-only',
          ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
          // BENCH_NODE_FLAGS: Node's own flags for the instances, e.g. the GC's (--max-semi-space-size=32).
          ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
        ],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    return new Promise((resolve, reject) => {
      child.once('message', (message: { result: { port: number } }) => resolve(new Instance(child, message.result.port)));
      child.once('exit', (code) => reject(new Error(`instance exited with code ${code} before it listened`)));
    });
  }

  url(profileId: number): string {
    return `http://127.0.0.1:${this.port}/webhooks/x/${profileId}`;
  }

  call<T>(command: string, args: unknown = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, command, args });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call('close');
    await exited;
  }
}

/** BENCH_ENV='{"DELIVERY_WORKER":"off"}': settings for every instance, to see what a figure depends on. */
function benchEnv(): Record<string, string> {
  return JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>;
}

function verdict(counts: Counts, load: Pick<Workload, 'threads' | 'messages'>): string {
  const ok = counts.tickets === load.threads && counts.split === 0 && counts.articles === load.messages && counts.left === 0;
  const left = counts.left > 0 || counts.leftAs.length > 0 ? ` ${JSON.stringify(counts.leftAs)} (now ${counts.now})` : '';
  const retried = counts.retried > 0 ? `, ${counts.retried} retried on the way` : '';
  return `${ok ? 'OK' : 'MISMATCH'}: ${counts.tickets} tickets for ${load.threads} conversations (${counts.split} split), ${counts.articles} of ${load.messages} messages stored, ${counts.left} events left${left}${retried}`;
}

// ---- the floors ---------------------------------------------------------------------------------

/** What one committed single-row insert takes with synchronous FULL (WAL), here and now: the disk's fsync. */
function fsyncFloor(commits = 300): { p50: number; p99: number } {
  const dir = mkdtempSync(join(tmpdir(), 'socialdesk-bench-'));
  try {
    const db = new Database(join(dir, 'floor.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)');
    const insert = db.prepare('INSERT INTO t (payload) VALUES (?)');
    const times: number[] = [];
    for (let i = 0; i < commits; i++) {
      const started = performance.now();
      insert.run('x'.repeat(700));
      times.push(performance.now() - started);
    }
    db.close();
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The connection of the PostgreSQL driver the app uses (TypeORM's `pg`), as much of it as the floor needs. */
interface PgConnection {
  query(query: string | { name: string; text: string; values: unknown[] }, values?: unknown[]): Promise<unknown>;
}

const FLOOR_SCHEMA = 'CREATE TABLE e (id INTEGER PRIMARY KEY, status VARCHAR(10) NOT NULL); CREATE TABLE a (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, body TEXT NOT NULL)';

/** Plain statements, per message one article inserted and one event updated, 100 per transaction (SQLite, synchronous NORMAL as the inbox thread commits). */
function sqliteProcessingFloor(events: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'socialdesk-bench-'));
  try {
    const db = new Database(join(dir, 'floor.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(FLOOR_SCHEMA);
    db.prepare(`WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n WHERE id < ?) INSERT INTO e (id, status) SELECT id, 'received' FROM n`).run(events);
    const article = db.prepare('INSERT INTO a (event_id, body) VALUES (?, ?)');
    const done = db.prepare(`UPDATE e SET status = 'processed' WHERE id = ?`);
    const batch = db.transaction((from: number) => {
      for (let id = from; id < Math.min(from + 100, events + 1); id++) {
        article.run(id, 'DM: where is my order?');
        done.run(id);
      }
    });
    const started = performance.now();
    for (let from = 1; from <= events; from += 100) batch(from);
    const perSecond = events / ((performance.now() - started) / 1000);
    db.close();
    return perSecond;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same on PostgreSQL over one connection: round trips, as one worker makes them. */
async function postgresProcessingFloor(url: string, events: number): Promise<number> {
  const dataSource = await new DataSource({ type: 'postgres', url }).initialize();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const client = (runner as unknown as { databaseConnection: PgConnection }).databaseConnection;
  try {
    await client.query(
      'CREATE TEMPORARY TABLE e (id integer PRIMARY KEY, status varchar(10) NOT NULL); CREATE TEMPORARY TABLE a (id serial PRIMARY KEY, event_id integer NOT NULL, body text NOT NULL)',
    );
    await client.query(`INSERT INTO e (id, status) SELECT g, 'received' FROM generate_series(1, $1::integer) g`, [events]);
    const started = performance.now();
    for (let from = 1; from <= events; from += 100) {
      await client.query('BEGIN');
      for (let id = from; id < Math.min(from + 100, events + 1); id++) {
        await client.query({ name: 'floor-article', text: 'INSERT INTO a (event_id, body) VALUES ($1, $2)', values: [id, 'DM: where is my order?'] });
        await client.query({ name: 'floor-done', text: `UPDATE e SET status = 'processed' WHERE id = $1`, values: [id] });
      }
      await client.query('COMMIT');
    }
    return events / ((performance.now() - started) / 1000);
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}

// ---- the measurements ---------------------------------------------------------------------------

/** Warms the app's code paths (JIT, statement cache) before measuring, then measures. */
async function acknowledgement(url: string, requests: Request[], rate: number, warmUp: Request[] = []) {
  // A delivery that failed in the warm-up is not stored either: it counts (the check would miss it).
  const warm = warmUp.length > 0 ? await fire(url, warmUp, rate / 2) : { statuses: [], errors: [] };
  const { latencies, opened, statuses, errors, seconds } = await fire(url, requests, rate);
  const kept = latencies.filter((_, i) => !opened[i]);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    connections: `${opened.filter(Boolean).length} connections opened; p99 over kept ones ${kept.length > 0 ? fmt(percentile(kept, 99)).trim() : '-'} ms`,
    offered: requests.length / seconds,
    failures: describeFailures([...warm.statuses, ...statuses], [...warm.errors, ...errors]),
  };
}

/** "0", or how many deliveries were not acknowledged and why ("2 (HTTP 503 ×1, ECONNRESET ×1)"): a failure is either the app's answer or the connection's. */
function describeFailures(statuses: number[], connectionErrors: string[]): string {
  const kinds = new Map<string, number>();
  for (const status of statuses) if (status !== 200 && status !== 0) kinds.set(`HTTP ${status}`, (kinds.get(`HTTP ${status}`) ?? 0) + 1);
  for (const error of connectionErrors) kinds.set(error, (kinds.get(error) ?? 0) + 1);
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  return total === 0 ? '0' : `${total} (${[...kinds].map(([kind, n]) => `${kind} ×${n}`).join(', ')})`;
}

/** A backlog stored first, then the server's jobs started on every instance: how fast the inbox is worked off. */
async function processingRate(instances: Instance[], options: Options, onPostgres = false): Promise<{ perSecond: number; check: string; cpu: string }> {
  const profile = await instances[0].call<{ id: number; accountId: string }>('profile', { consumerSecret: SECRET });
  const load = workload(profile.accountId, options.events);
  onX(load);
  await instances[0].call('store', { profileId: profile.id, bodies: load.requests.map((r) => r.body) });
  await Promise.all(instances.map((instance) => instance.call('start')));
  const serverBefore = onPostgres ? postgresServerCpuSeconds() : undefined;
  const started = performance.now();
  const drained = await Promise.all(instances.map((instance) => instance.call<{ cpuMs: number; pastDrainMs: number }>('drain')));
  const seconds = (performance.now() - started) / 1000;
  const server = serverBefore === undefined ? undefined : (postgresServerCpuSeconds()! - serverBefore) / seconds;
  // How busy each instance's process was: CPU seconds per second of the run (1.00 = one core all along).
  const cpu = drained.map((d) => (d.cpuMs / 1000 / seconds).toFixed(2)).join(' + ');
  const database = server !== undefined ? `, PostgreSQL's processes ${server.toFixed(2)}` : '';
  // Events drain() did not wait for (a retry's backoff, what waited behind it): the run went on until they were done too.
  const past = Math.max(...drained.map((d) => d.pastDrainMs));
  const after = past > 0 ? `; the last events ${past} ms after drain() returned` : '';
  return { perSecond: options.events / seconds, check: verdict(await instances[0].call<Counts>('check'), load) + after, cpu: `CPU (cores): instance ${cpu}${database}` };
}

/**
 * The CPU time of every `postgres` process on this machine (Linux /proc), when the server runs
 * here: what the database itself spent (other users of the same server included).
 */
function postgresServerCpuSeconds(): number | undefined {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / 100;
  } catch {
    return undefined;
  }
}

const fmt = (n: number) => n.toFixed(2).padStart(8);
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

/**
 * X knows the workload's messages: parent lookups of replies that arrive before their tweet find
 * them, and the ids it gives the auto-replies are not those of the customers' DMs (an auto-reply
 * with a customer DM's id made that DM look "already stored").
 */
function onX(load: Workload): void {
  // Each measurement starts with X's rate-limit windows fresh, as if 15 minutes after the last: the
  // parent lookups and auto-replies of earlier parts used them up (replies then waited for X's
  // reset, past the end of a run: "30 events left").
  fakeX.reset();
  registerXAccount(fakeX);
  for (const tweet of load.tweets) fakeX.postPublicTweet(tweet);
  for (const dm of load.dms) fakeX.postDirectMessage(dm);
}

let fakeX: FakeXApi;

export async function ingestBenchmark(options: Options): Promise<void> {
  fakeX = await startFakeXApi();
  registerXAccount(fakeX);
  try {
    await measure(options);
  } finally {
    await fakeX.close();
  }
}

async function measure(options: Options): Promise<void> {
  const parts = new Set<Part>((options.only as Part[] | undefined) ?? PARTS);
  const ackEvents = Math.min(options.events, options.rate * 8);
  console.log(
    `ingest benchmark: ${options.events} messages over ${THREADS} conversations (${DM_THREADS} DM, ${THREADS - DM_THREADS} tweet threads), ` +
      `delivered shuffled with ${DUPLICATES * 100} % duplicates; acknowledgement at ${options.rate}/s offered, ${ackEvents} messages`,
  );
  console.log(`load average (1, 5, 15 min) at the start: ${load()}\n`);
  const warmCount = Math.round(WARM_UP * (1 + DUPLICATES));

  if (parts.has('ack-sqlite')) {
    // Acknowledgement: the floor and the app, same requests, same rate.
    const floor = await bareServer();
    const probe = workload('1790000000000000042', ackEvents);
    const bare = await acknowledgement(floor.url, probe.requests, options.rate, probe.requests.slice(0, WARM_UP));
    floor.server.close();
    const disk = fsyncFloor();

    const lines: string[] = [];
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const instance = await Instance.start({ ...ON_SQLITE, SQLITE_SYNCHRONOUS: synchronous });
      const profile = await instance.call<{ id: number; accountId: string }>('profile', { consumerSecret: SECRET });
      await instance.call('start');
      const ackLoad = workload(profile.accountId, ackEvents + WARM_UP);
      onX(ackLoad);
      const measured = await acknowledgement(instance.url(profile.id), ackLoad.requests.slice(warmCount), options.rate, ackLoad.requests.slice(0, warmCount));
      const held = await instance.call<Held>('delay');
      await instance.call('drain');
      const check = verdict(await instance.call<Counts>('check'), ackLoad);
      await instance.close();
      lines.push(
        `socialdesk, SQLite ${synchronous.padEnd(6)}    ${fmt(measured.p50)}  ${fmt(measured.p99)}  ${fmt(measured.offered)}  ${measured.failures}   (${check}); ${measured.connections}; app thread's event loop held up p99 ${held.p99} ms, max ${held.max} ms; its GC paused it ${held.gc.pauses}×, at most ${held.gc.max} ms`,
      );
    }
    console.log(`acknowledgement (ms), after ${WARM_UP} warm-up POSTs; the inbox worker (its own thread) processes meanwhile`);
    console.log('                                  p50       p99   offered/s  failures');
    console.log(`bare node http (floor)        ${fmt(bare.p50)}  ${fmt(bare.p99)}  ${fmt(bare.offered)}  ${bare.failures}   (${bare.connections})`);
    console.log(`one fsync'd SQLite commit     ${fmt(disk.p50)}  ${fmt(disk.p99)}     (the floor of FULL: each acknowledged delivery waits for one)`);
    for (const line of lines) console.log(line);
    console.log('  (SQLITE_SYNCHRONOUS=FULL, the default: every stored event survives a power loss; NORMAL: survives any crash of the app, not a power loss)');
  }

  if (parts.has('processing')) {
    console.log(`\nprocessing (events/s) of a stored backlog of ${options.events} messages`);
    const sqliteFloor = sqliteProcessingFloor(options.events);
    const sqlite = await Instance.start(ON_SQLITE);
    const sqliteRate = await processingRate([sqlite], options);
    await sqlite.close();
    console.log(`SQLite, plain statements (floor) ${fmt(sqliteFloor)}`);
    console.log(`SQLite, one instance          ${fmt(sqliteRate.perSecond)}   ${sqliteRate.check}; ${sqliteRate.cpu}`);

    const url = process.env.DATABASE_URL;
    if (url) {
      const postgresFloor = await postgresProcessingFloor(url, options.events);
      const one = await Instance.start({});
      const oneRate = await processingRate([one], options, true);
      await one.close();
      const first = await Instance.start({});
      const second = await Instance.start({}, true);
      const twoRate = await processingRate([first, second], options, true);
      await second.close();
      await first.close();
      console.log(`PostgreSQL, plain statements (floor) ${fmt(postgresFloor)}   (one connection)`);
      console.log(`PostgreSQL, one instance      ${fmt(oneRate.perSecond)}   ${oneRate.check}; ${oneRate.cpu}`);
      console.log(`PostgreSQL, two instances     ${fmt(twoRate.perSecond)}   ${twoRate.check}  (${(twoRate.perSecond / oneRate.perSecond).toFixed(2)}× one); ${twoRate.cpu}`);
    } else {
      console.log('PostgreSQL: skipped (set DATABASE_URL to a database the benchmark may drop and migrate)');
    }
  }

  if (parts.has('ack-postgres') && process.env.DATABASE_URL) {
    const floor = await bareServer();
    const probe = workload('1790000000000000042', ackEvents);
    const bare = await acknowledgement(floor.url, probe.requests, options.rate, probe.requests.slice(0, WARM_UP));
    floor.server.close();
    const a = await Instance.start({});
    const b = await Instance.start({}, true);
    const profile = await a.call<{ id: number; accountId: string }>('profile', { consumerSecret: SECRET });
    await Promise.all([a.call('start'), b.call('start')]);
    const pgLoad = workload(profile.accountId, ackEvents + WARM_UP);
    onX(pgLoad);
    const warm = pgLoad.requests.slice(0, warmCount);
    const measured = pgLoad.requests.slice(warmCount);
    const share = (list: Request[], i: number) => list.filter((_, n) => n % 2 === i);
    const [ackA, ackB] = await Promise.all([
      acknowledgement(a.url(profile.id), share(measured, 0), options.rate / 2, share(warm, 0)),
      acknowledgement(b.url(profile.id), share(measured, 1), options.rate / 2, share(warm, 1)),
    ]);
    const [heldA, heldB] = await Promise.all([a.call<Held>('delay'), b.call<Held>('delay')]);
    await Promise.all([a.call('drain'), b.call('drain')]);
    const check = verdict(await a.call<Counts>('check'), pgLoad);
    await b.close();
    await a.close();
    console.log(`\nacknowledgement (ms), PostgreSQL, two instances at ${options.rate}/s in all, their inbox workers processing meanwhile:`);
    console.log(`  bare node http (floor)  p50 ${fmt(bare.p50)} p99 ${fmt(bare.p99)} at ${options.rate}/s`);
    console.log(
      `  instance A              p50 ${fmt(ackA.p50)} p99 ${fmt(ackA.p99)} failures ${ackA.failures}   (${ackA.connections}; event loop held up p99 ${heldA.p99} ms, max ${heldA.max} ms; GC ${heldA.gc.pauses}×, at most ${heldA.gc.max} ms)`,
    );
    console.log(
      `  instance B              p50 ${fmt(ackB.p50)} p99 ${fmt(ackB.p99)} failures ${ackB.failures}   (${ackB.connections}; event loop held up p99 ${heldB.p99} ms, max ${heldB.max} ms; GC ${heldB.gc.pauses}×, at most ${heldB.gc.max} ms)`,
    );
    console.log(`  ${check}`);
  }
  console.log(`\nload average (1, 5, 15 min) at the end: ${load()}`);
}
