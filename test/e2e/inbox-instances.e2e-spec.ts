import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { dmBody, newXId, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { waitFor } from '../utils/wait-for';
import { postSignedWebhook } from '../utils/post-webhook';

const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';
const postgresUrl = process.env.DATABASE_URL;
const withApplicationName = (name: string) => `${postgresUrl}${postgresUrl?.includes('?') ? '&' : '?'}application_name=${name}`;
// Instances behind one load balancer share the key that encrypts the profiles' secrets.
const SECRETS_KEY = 'ab'.repeat(32);
// Nothing listens on port 9: auto-replies fail fast instead of reaching out to the real X.
const instance = (name: string) => ({ SECRETS_KEY, DATABASE_URL: withApplicationName(name), X_API_BASE_URL: 'http://127.0.0.1:9' });

// Several app instances on one database only exist with PostgreSQL (SQLite runs one instance).
(postgresUrl ? describe : describe.skip)('several app instances on one PostgreSQL database', () => {
  let a: TestApp;
  let b: TestApp;
  let profileId: number;
  let account: XPerson;

  beforeAll(async () => {
    a = await createTestApp({ env: instance('socialdesk_a') });
    b = await createTestApp({ keepSchema: true, env: instance('socialdesk_b') });
    const raw = await a.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(a, { targetQueueId: raw.id, autoReplyText: 'Thanks!' });
    profileId = profile.id;
    account = { id: profile.accountId!, handle: 'acme_support', name: 'ACME' };
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** `threads` customers each sending `perThread` DMs, posted alternately to both instances. */
  async function burst(threads: number, perThread: number, apps: TestApp[]) {
    const customers = Array.from({ length: threads }, (_, i): XPerson => ({ id: newXId(), handle: `c${i}`, name: `C ${i}` }));
    let n = 0;
    for (let round = 0; round < perThread; round++) {
      await Promise.all(
        customers.map((from) => {
          const { body } = dmBody({ forUserId: account.id, from, to: account, text: `message ${round}` });
          const app = apps[n++ % apps.length];
          return postSignedWebhook(app.app.getHttpServer(), profileId, body, SECRET).expect(200);
        }),
      );
    }
    return customers;
  }

  async function countsFor(customers: XPerson[]) {
    const ids = customers.map((c) => `'${c.id}'`).join(',');
    const [tickets] = await a.dataSource.query(`SELECT COUNT(*) AS n, COUNT(DISTINCT customer_x_id) AS threads FROM tickets WHERE customer_x_id IN (${ids})`);
    const [articles] = await a.dataSource.query(
      `SELECT COUNT(*) FILTER (WHERE a.sender = 'customer') AS customer, COUNT(*) FILTER (WHERE a.sender = 'system') AS auto FROM articles a JOIN tickets t ON t.id = a.ticket_id WHERE t.customer_x_id IN (${ids})`,
    );
    const [events] = await a.dataSource.query(`SELECT COUNT(*) FILTER (WHERE status <> 'processed') AS open FROM inbox_events`);
    return { tickets: Number(tickets.n), threads: Number(tickets.threads), customerArticles: Number(articles.customer), autoReplies: Number(articles.auto), unprocessed: Number(events.open) };
  }

  it('process one burst together: one ticket per thread, every message once, one auto-reply each', async () => {
    const customers = await burst(25, 8, [a, b]);
    await Promise.all([a.app.get(InboxWorker).drain(), b.app.get(InboxWorker).drain()]);
    await Promise.all([a.app.get(InboxWorker).drain(), b.app.get(InboxWorker).drain()]);
    expect(await countsFor(customers)).toEqual({ tickets: 25, threads: 25, customerArticles: 200, autoReplies: 25, unprocessed: 0 });
  });

  it('lose nothing when a worker is killed mid-burst: the other instance finishes the work', async () => {
    const victim = await createTestApp({ keepSchema: true, env: instance('socialdesk_victim') });
    const processed = async () => Number((await a.dataSource.query(`SELECT COUNT(*) AS n FROM inbox_events WHERE status = 'processed'`))[0].n);
    const before = await processed();
    const customers = await burst(20, 10, [victim]);
    const draining = victim.app
      .get(InboxWorker)
      .drain()
      .catch(() => undefined);
    await waitFor('the victim to process 20 events', async () => (await processed()) - before >= 20);
    // Kill the victim's database sessions while it works: PostgreSQL rolls its open batch back.
    await a.dataSource.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'socialdesk_victim'`);
    expect((await processed()) - before).toBeLessThan(200);
    await draining;
    await victim.close().catch(() => undefined);

    await a.app.get(InboxWorker).drain();
    expect(await countsFor(customers)).toEqual({ tickets: 20, threads: 20, customerArticles: 200, autoReplies: 20, unprocessed: 0 });
  });
});
