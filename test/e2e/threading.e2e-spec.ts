import type TestAgent from 'supertest/lib/agent';
import { TicketThreads1764100000000 } from '../../src/database/migrations/1764100000000-TicketThreads';
import { Transactions } from '../../src/database/transactions';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { Article } from '../../src/tickets/article.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { Group } from '../../src/agents/group.entity';
import { dmBody, newXId, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, follow, logIn, submitForm } from '../utils/http';
import { postSignedWebhook } from '../utils/post-webhook';
import { drainWithin } from '../utils/drain-within';

const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';
/** Longer than any healthy drain here; a worker stuck on one event must fail the test, not hang it. */
const DRAIN_LIMIT_MS = 10_000;

/**
 * Which ticket a conversation's message lands in after agents close and reopen tickets of that
 * conversation (docs/THREADING.md): the customer's side through the signed webhook, the agent's
 * side through the ticket screens, on a queue whose follow-up option is "new ticket".
 */
describe('threading: close, reopen and the next message of a DM conversation', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let agent: TestAgent;
  let profileId: number;
  let account: XPerson;
  let customerSeq = 0;

  beforeAll(async () => {
    // The new-ticket screen looks the recipient's @handle up on X.
    fakeX = await startFakeXApi();
    registerXAccount(fakeX);
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl } });
    agent = browserLike(t.app);
    await logIn(agent);
    const users = await t.dataSource.getRepository(Group).findOneByOrFail({ name: 'users' });
    const created = await submitForm(agent, '/admin/queues/new', { name: 'Social', groupId: String(users.id), followUp: 'new-ticket', comment: '', validity: 'valid' });
    expect(created.status).toBe(303);
    const queue = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Social' });
    expect(queue.followUp).toBe('new-ticket');
    const profile = await createReadyProfile(t, { targetQueueId: queue.id });
    profileId = profile.id;
    account = { id: profile.accountId!, handle: 'acme_support', name: 'ACME Support' };
  });
  afterAll(async () => {
    await t?.close();
    await fakeX?.close();
  });

  const newCustomer = (): XPerson => ({ id: newXId(), handle: `threading${++customerSeq}`, name: `Customer ${customerSeq}` });
  const ticketsOf = (customer: XPerson) => t.dataSource.getRepository(Ticket).find({ where: { customerXId: customer.id }, order: { id: 'ASC' } });
  const customerBodies = async (ticketId: number) =>
    (await t.dataSource.getRepository(Article).find({ where: { ticketId }, order: { id: 'ASC' } })).filter((a) => a.sender !== 'system').map((a) => a.body);
  const eventOf = async (dedupeKey: string) => (await t.dataSource.query(`SELECT status, error FROM inbox_events WHERE dedupe_key = '${dedupeKey}'`))[0];

  const drain = () => drainWithin(t.app.get(InboxWorker), DRAIN_LIMIT_MS);

  /** A DM through the signed webhook, then the worker; returns the X id of the message. */
  async function dm(from: XPerson, to: XPerson, text: string): Promise<string> {
    const built = dmBody({ forUserId: account.id, from, to, text });
    await postSignedWebhook(t.app.getHttpServer(), profileId, built.body, SECRET).expect(200);
    await drain();
    return built.id;
  }

  async function setState(ticketId: number, state: string): Promise<void> {
    const res = await submitForm(agent, `/tickets/${ticketId}`, { state }, `/tickets/${ticketId}/state`);
    expect(res.status).toBe(303);
  }

  it('a reopened ticket takes the conversation back, and the next DM lands in it (issue 8, defect 1)', async () => {
    const customer = newCustomer();
    await dm(customer, account, 'first conversation');
    const [a] = await ticketsOf(customer);
    await setState(a.id, 'closed successful');

    await dm(customer, account, 'second conversation');
    const [, b] = await ticketsOf(customer);
    expect(b).toBeDefined();
    await setState(b.id, 'closed successful');

    await setState(a.id, 'open');
    const id = await dm(customer, account, 'about the first one again');

    expect(await eventOf(`dm:${id}`)).toMatchObject({ status: 'processed' });
    const tickets = await ticketsOf(customer);
    expect(tickets.map((x) => [x.id, x.state])).toEqual([
      [a.id, 'open'],
      [b.id, 'closed successful'],
    ]);
    expect(await customerBodies(a.id)).toEqual(['first conversation', 'about the first one again']);
  });

  it('our own DM sent from a phone joins the reopened ticket, not the later closed one', async () => {
    const customer = newCustomer();
    await dm(customer, account, 'question');
    const [a] = await ticketsOf(customer);
    await setState(a.id, 'closed successful');
    await dm(customer, account, 'another question');
    const [, b] = await ticketsOf(customer);
    await setState(b.id, 'closed successful');
    await setState(a.id, 'open');

    await dm(account, customer, 'answered on my phone');
    expect(await customerBodies(a.id)).toEqual(['question', 'answered on my phone']);
    expect(await customerBodies(b.id)).toEqual(['another question']);
  });

  it('a ticket reopened while another holds the conversation gets it when that one closes', async () => {
    const customer = newCustomer();
    await dm(customer, account, 'one');
    const [a] = await ticketsOf(customer);
    await setState(a.id, 'closed successful');
    await dm(customer, account, 'two');
    const [, b] = await ticketsOf(customer);

    await setState(a.id, 'open');
    const zoom = await agent.get(`/tickets/${a.id}`).expect(200);
    expect(zoom.text).toContain(`href="/tickets/${b.id}">${b.number}</a>`);
    await dm(customer, account, 'three');
    expect(await customerBodies(b.id)).toEqual(['two', 'three']);

    await setState(b.id, 'closed successful');
    await dm(customer, account, 'four');
    expect((await ticketsOf(customer)).map((x) => x.id)).toEqual([a.id, b.id]);
    expect(await customerBodies(a.id)).toEqual(['one', 'four']);
    expect((await agent.get(`/tickets/${a.id}`)).text).not.toContain(`href="/tickets/${b.id}"`);
  });

  it('an agent cannot start a second open DM ticket with a customer whose conversation is held', async () => {
    const customer = newCustomer();
    await dm(customer, account, 'hello');
    const [held] = await ticketsOf(customer);
    const queue = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Social' });
    fakeX.addPerson({ id: customer.id, username: customer.handle, name: customer.name });
    const res = await submitForm(agent, '/tickets/new', { profileId: String(profileId), queueId: String(queue.id), type: 'dm', recipient: `@${customer.handle}`, body: 'Hi there' });
    expect((await follow(agent, res)).text).toContain(`There is already an open ticket with this person: ${held.number}.`);
    expect(await ticketsOf(customer)).toHaveLength(1);
  });
});

describe('migration 1764100000000-TicketThreads', () => {
  it('moves every ticket’s conversation key into ticket_threads, and back on undo', async () => {
    const t = await createTestApp({ env: { INBOX_WORKER: 'off', DELIVERY_INTERVAL_MS: '3600000' } });
    // Migrations run on the app's connection; on SQLite they must take their turn like any transaction.
    const exclusive = <R>(work: () => Promise<R>) => t.app.get(Transactions).exclusive(work);
    // This migration alone, down and up again, whatever later migrations came after it.
    const migration = new TicketThreads1764100000000();
    const runner = t.dataSource.createQueryRunner();
    const undo = () => exclusive(() => migration.down(runner));
    const redo = () => exclusive(() => migration.up(runner));
    try {
      const [{ id: queueId }] = await t.dataSource.query(`SELECT id FROM queues WHERE name = 'Raw'`);
      const profile = await createReadyProfile(t, { targetQueueId: queueId });
      await undo();

      // Tickets as the code before the migration stored them: a closed and an open ticket of one DM thread, a tweet ticket.
      const insert = (title: string, state: string, channel: string, key: string | null, open: string | null) =>
        t.dataSource.query(
          `INSERT INTO tickets (title, queue_id, state, profile_id, channel, thread_key, open_thread_key, customer_x_id, created_at, changed_at) VALUES ('${title}', ${queueId}, '${state}', ${profile.id}, '${channel}', ${key ? `'${key}'` : 'NULL'}, ${open ? `'${open}'` : 'NULL'}, '42', ${Date.now()}, ${Date.now()})`,
        );
      await insert('old', 'closed successful', 'dm', 'dm:42', null);
      await insert('current', 'open', 'dm', 'dm:42', 'dm:42');
      await insert('mention', 'new', 'tweet', null, null);
      const ids = Object.fromEntries((await t.dataSource.query('SELECT id, title FROM tickets')).map((r: { id: number; title: string }) => [r.title, Number(r.id)]));

      await redo();
      const rows = await t.dataSource.query('SELECT ticket_id, profile_id, thread_key, open_thread_key FROM ticket_threads ORDER BY ticket_id');
      expect(rows.map((r: Record<string, unknown>) => [Number(r.ticket_id), Number(r.profile_id), r.thread_key, r.open_thread_key])).toEqual([
        [ids.old, profile.id, 'dm:42', null],
        [ids.current, profile.id, 'dm:42', 'dm:42'],
      ]);
      const pending = await t.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);

      await undo();
      const back = await t.dataSource.query('SELECT id, thread_key, open_thread_key FROM tickets ORDER BY id');
      expect(back.map((r: Record<string, unknown>) => [Number(r.id), r.thread_key, r.open_thread_key])).toEqual([
        [ids.old, 'dm:42', null],
        [ids.current, 'dm:42', 'dm:42'],
        [ids.mention, null, null],
      ]);
      await redo();
    } finally {
      await runner.release();
      await t.close();
    }
  });
});
