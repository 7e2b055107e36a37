import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { dmBody, newXId, signed, tweetBody, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi, type FakeXTweetInput } from '../support/fake-x-api';
import { freePort } from '../utils/browser';
import { createTestApp, type TestApp } from '../utils/create-test-app';

/**
 * `npm run bench -- ingest`: signed webhook POSTs of DMs and mentions across 1,000 threads,
 * delivered shuffled and with 10 % of them twice, as X does not promise order nor a single delivery.
 * Prints acknowledgement p50/p99 at a fixed offered rate next to a bare Node http server that only
 * reads the body (the floor, measured in the same run), and events processed per second: SQLite,
 * PostgreSQL with one instance and with two (when DATABASE_URL is set). Next to every figure: the
 * correctness check — one ticket per conversation, every distinct message stored once, no event
 * left unprocessed. A fake X answers the parent lookups of replies that arrive before their tweet.
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

interface Options {
  events: number;
  rate: number;
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
  for (let n = 0; n < events; n++) {
    const thread = n % THREADS;
    const customer = customers[thread];
    if (thread < DM_THREADS) {
      bodies.push(dmBody({ forUserId: accountId, from: customer, to: account, text: `DM ${n}: where is my order?` }).body);
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
  return { requests: delivered.map((body) => signed(body, SECRET)), threads: Math.min(THREADS, events), messages: events, tweets };
}

/** A small seeded PRNG, so that every run shuffles alike. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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

let fakeX: FakeXApi;

async function instance(env: Record<string, string>, keepSchema = false): Promise<{ t: TestApp; url: (profileId: number) => string }> {
  const port = await freePort();
  const t = await createTestApp({ keepSchema, env: { SECRETS_KEY, LOG_LEVEL: 'silent', X_API_BASE_URL: fakeX.baseUrl, ...env } });
  await t.app.listen(port, '127.0.0.1');
  return { t, url: (profileId) => `http://127.0.0.1:${port}/webhooks/x/${profileId}` };
}

async function readyProfile(t: TestApp) {
  const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
  return createReadyProfile(t, { targetQueueId: raw.id, consumerSecret: SECRET, autoReplyText: 'Thanks, we answer within a day.' });
}

/** One ticket per conversation, every distinct message stored once, nothing left in the inbox. */
async function check(t: TestApp, load: Pick<Workload, 'threads' | 'messages'>): Promise<string> {
  const one = async (sql: string) => Number(Object.values((await t.dataSource.query(sql))[0])[0]);
  const tickets = await one('SELECT COUNT(*) AS n FROM tickets');
  const split = await one('SELECT COUNT(*) AS n FROM (SELECT thread_key FROM ticket_threads GROUP BY profile_id, thread_key HAVING COUNT(*) > 1) s');
  const articles = await one(`SELECT COUNT(*) AS n FROM articles WHERE sender = 'customer'`);
  const left = await one(`SELECT COUNT(*) AS n FROM inbox_events WHERE status <> 'processed' AND NOT (status = 'ignored' AND error LIKE 'Already stored%')`);
  const ok = tickets === load.threads && split === 0 && articles === load.messages && left === 0;
  return `${ok ? 'OK' : 'MISMATCH'}: ${tickets} tickets for ${load.threads} conversations (${split} split), ${articles} of ${load.messages} messages stored, ${left} events left`;
}

/** Stores everything first (worker off), then times the processing alone. */
async function processingRate(apps: { t: TestApp; url: (id: number) => string }[], options: Options): Promise<{ perSecond: number; check: string }> {
  const profile = await readyProfile(apps[0].t);
  const load = workload(profile.accountId!, options.events);
  onX(load);
  const shares = apps.map((app, i) =>
    fire(
      app.url(profile.id),
      load.requests.filter((_, n) => n % apps.length === i),
      0,
    ),
  );
  const acks = (await Promise.all(shares)).flatMap((r) => r.statuses);
  if (acks.some((s) => s !== 200)) throw new Error(`ingest failed: ${acks.filter((s) => s !== 200).length} non-200 answers`);
  const started = process.hrtime.bigint();
  await Promise.all(apps.map((app) => app.t.app.get(InboxWorker).drain()));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: options.events / seconds, check: await check(apps[0].t, load) };
}

/** Warms the app's code paths (JIT, statement cache) before measuring, then measures. */
async function acknowledgement(url: string, requests: Request[], rate: number, warmUp: Request[] = []) {
  if (warmUp.length > 0) await fire(url, warmUp, rate / 2);
  const { latencies, statuses, seconds } = await fire(url, requests, rate);
  const failures = statuses.filter((s) => s !== 200).length;
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), offered: requests.length / seconds, failures };
}

const fmt = (n: number) => n.toFixed(2).padStart(8);

/** X knows the workload's tweets: parent lookups of replies that arrive before their tweet find them. */
function onX(load: Workload): void {
  for (const tweet of load.tweets) fakeX.postPublicTweet(tweet);
}

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
  const ackEvents = Math.min(options.events, options.rate * 8);
  console.log(
    `ingest benchmark: ${options.events} messages over ${THREADS} conversations (${DM_THREADS} DM, ${THREADS - DM_THREADS} tweet threads), ` +
      `delivered shuffled with ${DUPLICATES * 100} % duplicates; acknowledgement at ${options.rate}/s offered, ${ackEvents} messages\n`,
  );

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
    onX(load);
    const warm = Math.round(WARM_UP * (1 + DUPLICATES));
    const measured = await acknowledgement(sqliteAck.url(profile.id), load.requests.slice(warm), options.rate, load.requests.slice(0, warm));
    await sqliteAck.t.app.get(InboxWorker).drain();
    const verdict = await check(sqliteAck.t, load);
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
    onX(pgLoad);
    const warmCount = Math.round(WARM_UP * (1 + DUPLICATES));
    const warm = pgLoad.requests.slice(0, warmCount);
    const measured = pgLoad.requests.slice(warmCount);
    const share = (list: Request[], i: number) => list.filter((_, n) => n % 2 === i);
    const [ackA, ackB] = await Promise.all([
      acknowledgement(pgA.url(pgProfile.id), share(measured, 0), options.rate / 2, share(warm, 0)),
      acknowledgement(pgB.url(pgProfile.id), share(measured, 1), options.rate / 2, share(warm, 1)),
    ]);
    await Promise.all([pgA.t.app.get(InboxWorker).drain(), pgB.t.app.get(InboxWorker).drain()]);
    const pgCheck = await check(pgA.t, pgLoad);
    await pgB.t.close();
    await pgA.t.close();
    console.log(`\nacknowledgement, PostgreSQL, two instances at ${options.rate}/s in all:`);
    console.log(`  instance A p50 ${fmt(ackA.p50)} p99 ${fmt(ackA.p99)} failures ${ackA.failures}`);
    console.log(`  instance B p50 ${fmt(ackB.p50)} p99 ${fmt(ackB.p99)} failures ${ackB.failures}   (${pgCheck})`);
  } else {
    console.log('PostgreSQL: skipped (set DATABASE_URL to a database the benchmark may drop and migrate)');
  }
}
