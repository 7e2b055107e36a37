import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { dmBody, newXId, signed, tweetBody, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { freePort } from '../utils/browser';
import { createTestApp, type TestApp } from '../utils/create-test-app';

/**
 * `npm run bench -- ingest`: signed webhook POSTs of DMs and mentions across 1,000 threads.
 * Prints acknowledgement p50/p99 at a fixed offered rate next to a bare Node http server that only
 * reads the body (the floor, measured in the same run), and events processed per second: SQLite,
 * PostgreSQL with one instance and with two (when DATABASE_URL is set), checking that every thread
 * has exactly one ticket and no event is lost.
 */

const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';
const SECRETS_KEY = 'cd'.repeat(32);
const THREADS = 1_000;
const DM_THREADS = 800;
const WARM_UP = 1_000;
/** The SQLite runs must not inherit DATABASE_URL, which is set for the PostgreSQL runs. */
const ON_SQLITE = { DATABASE_URL: '' };

interface Options {
  events: number;
  rate: number;
}

interface Request {
  body: string;
  signature: string;
}

/** `events` messages over 1,000 threads: 800 DM conversations, 200 tweet threads (a mention, then replies). */
export function workload(accountId: string, events: number): { requests: Request[]; threads: number } {
  const account: XPerson = { id: accountId, handle: 'acme_support', name: 'ACME' };
  const customers = Array.from({ length: THREADS }, (_, i): XPerson => ({ id: newXId(), handle: `c${i}`, name: `Customer ${i}` }));
  const lastTweet = new Map<number, string>();
  const requests: Request[] = [];
  for (let n = 0; n < events; n++) {
    const thread = n % THREADS;
    const customer = customers[thread];
    let body: string;
    if (thread < DM_THREADS) {
      body = dmBody({ forUserId: accountId, from: customer, to: account, text: `DM ${n}: where is my order?` }).body;
    } else {
      const parent = lastTweet.get(thread);
      const built = tweetBody({ forUserId: accountId, author: customer, text: `@acme_support tweet ${n}`, mentions: [account], inReplyTo: parent ? { tweetId: parent, userId: customer.id } : undefined });
      lastTweet.set(thread, built.id);
      body = built.body;
    }
    requests.push(signed(body, SECRET));
  }
  return { requests, threads: Math.min(THREADS, events) };
}

function fire(url: string, requests: Request[], ratePerSecond: number): Promise<{ latencies: number[]; statuses: number[]; seconds: number }> {
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

async function instance(env: Record<string, string>, keepSchema = false): Promise<{ t: TestApp; url: (profileId: number) => string }> {
  const port = await freePort();
  const t = await createTestApp({ keepSchema, env: { SECRETS_KEY, LOG_LEVEL: 'silent', ...env } });
  await t.app.listen(port, '127.0.0.1');
  return { t, url: (profileId) => `http://127.0.0.1:${port}/webhooks/x/${profileId}` };
}

async function readyProfile(t: TestApp) {
  const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
  return createReadyProfile(t, { targetQueueId: raw.id, consumerSecret: SECRET, autoReplyText: 'Thanks, we answer within a day.' });
}

async function check(t: TestApp, threads: number, events: number): Promise<string> {
  const [{ tickets }] = await t.dataSource.query<{ tickets: number | string }[]>('SELECT COUNT(*) AS tickets FROM tickets');
  const [{ articles }] = await t.dataSource.query<{ articles: number | string }[]>(`SELECT COUNT(*) AS articles FROM articles WHERE sender = 'customer'`);
  const [{ open }] = await t.dataSource.query<{ open: number | string }[]>(`SELECT COUNT(*) AS open FROM inbox_events WHERE status <> 'processed'`);
  const ok = Number(tickets) === threads && Number(articles) === events && Number(open) === 0;
  return `${ok ? 'OK' : 'MISMATCH'}: ${tickets} tickets for ${threads} threads, ${articles} of ${events} messages stored, ${open} events not processed`;
}

/** Stores everything first (worker off), then times the processing alone. */
async function processingRate(apps: { t: TestApp; url: (id: number) => string }[], options: Options): Promise<{ perSecond: number; check: string }> {
  const profile = await readyProfile(apps[0].t);
  const { requests, threads } = workload(profile.accountId!, options.events);
  const shares = apps.map((app, i) => fire(app.url(profile.id), requests.filter((_, n) => n % apps.length === i), 0));
  const acks = (await Promise.all(shares)).flatMap((r) => r.statuses);
  if (acks.some((s) => s !== 200)) throw new Error(`ingest failed: ${acks.filter((s) => s !== 200).length} non-200 answers`);
  const started = process.hrtime.bigint();
  await Promise.all(apps.map((app) => app.t.app.get(InboxWorker).drain()));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: options.events / seconds, check: await check(apps[0].t, threads, options.events) };
}

/** Warms the app's code paths (JIT, statement cache) before measuring, then measures. */
async function acknowledgement(url: string, requests: Request[], rate: number, warmUp: Request[] = []) {
  if (warmUp.length > 0) await fire(url, warmUp, rate / 2);
  const { latencies, statuses, seconds } = await fire(url, requests, rate);
  const failures = statuses.filter((s) => s !== 200).length;
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), offered: requests.length / seconds, failures };
}

const fmt = (n: number) => n.toFixed(2).padStart(8);

export async function ingestBenchmark(options: Options): Promise<void> {
  const ackEvents = Math.min(options.events, options.rate * 8);
  console.log(`ingest benchmark: ${options.events} events over ${THREADS} threads (${DM_THREADS} DM, ${THREADS - DM_THREADS} tweet); acknowledgement at ${options.rate}/s offered, ${ackEvents} POSTs\n`);

  // Acknowledgement: the floor and the app, same requests, same rate.
  const floor = await bareServer();
  const probe = workload('1790000000000000042', ackEvents);
  const bare = await acknowledgement(floor.url, probe.requests, options.rate, probe.requests.slice(0, WARM_UP));
  floor.server.close();

  const sqliteAcks: string[] = [];
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    const sqliteAck = await instance({ ...ON_SQLITE, SQLITE_SYNCHRONOUS: synchronous });
    const profile = await readyProfile(sqliteAck.t);
    const load = workload(profile.accountId!, ackEvents + WARM_UP);
    const measured = await acknowledgement(sqliteAck.url(profile.id), load.requests.slice(WARM_UP), options.rate, load.requests.slice(0, WARM_UP));
    await sqliteAck.t.app.get(InboxWorker).drain();
    const verdict = await check(sqliteAck.t, load.threads, ackEvents + WARM_UP);
    await sqliteAck.t.close();
    sqliteAcks.push(`socialdesk, SQLite ${synchronous.padEnd(6)}    ${fmt(measured.p50)}  ${fmt(measured.p99)}  ${fmt(measured.offered)}  ${measured.failures}   (${verdict})`);
  }

  console.log(`acknowledgement (ms), after ${WARM_UP} warm-up POSTs; the worker processes meanwhile`);
  console.log('                                  p50       p99   offered/s  failures');
  console.log(`bare node http (floor)        ${fmt(bare.p50)}  ${fmt(bare.p99)}  ${fmt(bare.offered)}  ${bare.failures}`);
  for (const line of sqliteAcks) console.log(line);
  console.log('  (SQLITE_SYNCHRONOUS=FULL, the default: every stored event survives a power loss; NORMAL: survives any app crash)');

  // Processing throughput.
  const sqlite = await instance({ ...ON_SQLITE, INBOX_WORKER: 'off' });
  const sqliteRate = await processingRate([sqlite], options);
  await sqlite.t.close();
  console.log(`\nprocessing (events/s)`);
  console.log(`SQLite, one instance          ${fmt(sqliteRate.perSecond)}   ${sqliteRate.check}`);

  if (process.env.DATABASE_URL) {
    const one = await instance({ INBOX_WORKER: 'off' });
    const oneRate = await processingRate([one], options);
    await one.t.close();
    const first = await instance({ INBOX_WORKER: 'off' });
    const second = await instance({ INBOX_WORKER: 'off' }, true);
    const twoRate = await processingRate([first, second], options);
    await second.t.close();
    await first.t.close();
    console.log(`PostgreSQL, one instance      ${fmt(oneRate.perSecond)}   ${oneRate.check}`);
    console.log(`PostgreSQL, two instances     ${fmt(twoRate.perSecond)}   ${twoRate.check}  (${(twoRate.perSecond / oneRate.perSecond).toFixed(2)}× one)`);

    const pgA = await instance({});
    const pgB = await instance({}, true);
    const pgProfile = await readyProfile(pgA.t);
    const pgLoad = workload(pgProfile.accountId!, ackEvents + WARM_UP);
    const warm = pgLoad.requests.slice(0, WARM_UP);
    const measured = pgLoad.requests.slice(WARM_UP);
    const share = (list: Request[], i: number) => list.filter((_, n) => n % 2 === i);
    const [ackA, ackB] = await Promise.all([
      acknowledgement(pgA.url(pgProfile.id), share(measured, 0), options.rate / 2, share(warm, 0)),
      acknowledgement(pgB.url(pgProfile.id), share(measured, 1), options.rate / 2, share(warm, 1)),
    ]);
    await Promise.all([pgA.t.app.get(InboxWorker).drain(), pgB.t.app.get(InboxWorker).drain()]);
    const pgCheck = await check(pgA.t, pgLoad.threads, ackEvents + WARM_UP);
    await pgB.t.close();
    await pgA.t.close();
    console.log(`\nacknowledgement, PostgreSQL, two instances at ${options.rate}/s in all:`);
    console.log(`  instance A p50 ${fmt(ackA.p50)} p99 ${fmt(ackA.p99)} failures ${ackA.failures}`);
    console.log(`  instance B p50 ${fmt(ackB.p50)} p99 ${fmt(ackB.p99)} failures ${ackB.failures}   (${pgCheck})`);
  } else {
    console.log('PostgreSQL: skipped (set DATABASE_URL to a database the benchmark may drop and migrate)');
  }
}
