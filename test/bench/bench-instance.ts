import 'reflect-metadata';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { splitAaaDelivery } from '../../src/channels/x/aaa-webhook-body';
import { InboxStore } from '../../src/inbox/inbox-store.service';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { Scheduler } from '../../src/scheduling/scheduler';
import { createReadyProfile } from '../factories/profile.factory';
import { freePort } from '../utils/browser';
import { createTestApp, type TestApp } from '../utils/create-test-app';

/**
 * One socialdesk instance in a process of its own, for the ingest benchmark (ingest.bench.ts):
 * "two instances" are two processes, each with its own event loop, as two servers would be. Driven
 * over IPC: `{ id, command, args }` in, `{ id, result }` or `{ id, error }` out.
 *
 * argv[2]: the settings (JSON) on top of the environment; argv[3] `keep`: a second instance on the
 * same PostgreSQL database, which must not drop what the first made.
 */

process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = 'silent';

type Command = 'profile' | 'store' | 'start' | 'drain' | 'check' | 'delay' | 'close';

let t: TestApp;
const delay = monitorEventLoopDelay({ resolution: 1 });
/** The app thread's garbage-collection pauses since the jobs started (ms): one thing that holds its event loop up. */
let gcPauses: number[] = [];
new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((entry) => entry.duration))).observe({ entryTypes: ['gc'] });

const commands: Record<Command, (args: never) => Promise<unknown>> = {
  /** A profile ready to receive, with an auto-reply (the workload's DMs each get one). */
  profile: async (args: { consumerSecret: string }) => {
    const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(t, { targetQueueId: raw.id, consumerSecret: args.consumerSecret, autoReplyText: 'Thanks, we answer within a day.' });
    return { id: profile.id, accountId: profile.accountId };
  },
  /** Stores webhook bodies as the webhook does, without kicking any worker: the backlog a processing run starts from. */
  store: async (args: { profileId: number; bodies: string[] }) => {
    const store = t.app.get(InboxStore);
    await Promise.all(args.bodies.map((body) => store.store(args.profileId, 'webhook', splitAaaDelivery(body).items)));
    return null;
  },
  /** The server's jobs, as main.ts starts them (on SQLite the inbox worker's thread among them); resolves once the inbox worker works. */
  start: async () => {
    const jobs = t.app.get(Scheduler).start();
    await t.app.get(InboxWorker).started();
    delay.reset();
    delay.enable();
    gcPauses = [];
    return jobs;
  },
  /** Until nothing is due; returns the CPU time this process (all its threads) used meanwhile. */
  drain: async () => {
    const before = process.cpuUsage();
    const worker = t.app.get(InboxWorker);
    await worker.drain();
    const drained = performance.now();
    // drain() does not wait for a failed event's backoff (nor for what waits behind it); the check
    // wants every message, so the run goes on until none is left, 30 s at most. The time counts.
    const received = async () => Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM inbox_events WHERE status = 'received'`))[0].n);
    let waited = false;
    for (let look = 0; look < 300 && (await received()) > 0; look++) {
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, 100));
      await worker.drain();
    }
    const used = process.cpuUsage(before);
    return { cpuMs: (used.user + used.system) / 1000, pastDrainMs: waited ? Math.round(performance.now() - drained) : 0 };
  },
  /** How long this process's event loop (the app's thread) was held up since the jobs started: what a webhook waited for besides its own work. */
  delay: () => {
    delay.disable();
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const gcMax = Math.round(Math.max(0, ...gcPauses) * 100) / 100;
    return Promise.resolve({ p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), gc: { pauses: gcPauses.length, max: gcMax } });
  },
  /** The numbers behind the benchmark's check (ingest.bench.ts). */
  check: async () => {
    const one = async (sql: string) => Number(Object.values((await t.dataSource.query(sql))[0])[0]);
    // What the events left are is asked first: should one be finished between the two questions, the count says so, not an empty list.
    const leftAs = await t.dataSource.query(
      `SELECT status, attempts, SUBSTR(error, 1, 160) AS error, next_attempt_at, COUNT(*) AS n FROM inbox_events WHERE status <> 'processed' AND NOT (status = 'ignored' AND error LIKE 'Already stored%')
       GROUP BY status, attempts, SUBSTR(error, 1, 160), next_attempt_at ORDER BY COUNT(*) DESC LIMIT 10`,
    );
    return {
      leftAs,
      now: Date.now(),
      retried: await one('SELECT COUNT(*) AS n FROM inbox_events WHERE attempts > 0'),
      tickets: await one('SELECT COUNT(*) AS n FROM tickets'),
      split: await one('SELECT COUNT(*) AS n FROM (SELECT thread_key FROM ticket_threads GROUP BY profile_id, thread_key HAVING COUNT(*) > 1) s'),
      articles: await one(`SELECT COUNT(*) AS n FROM articles WHERE sender = 'customer'`),
      left: await one(`SELECT COUNT(*) AS n FROM inbox_events WHERE status <> 'processed' AND NOT (status = 'ignored' AND error LIKE 'Already stored%')`),
    };
  },
  close: async () => {
    await t.close();
    setImmediate(() => process.exit(0));
    return null;
  },
};

async function main(): Promise<void> {
  const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
  t = await createTestApp({ keepSchema: process.argv[3] === 'keep', env });
  const port = await freePort();
  await t.app.listen(port, '127.0.0.1');
  process.on('message', (message: { id: number; command: Command; args: never }) => {
    commands[message.command](message.args).then(
      (result) => process.send!({ id: message.id, result }),
      (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.send!({ id: 0, result: { port } });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
