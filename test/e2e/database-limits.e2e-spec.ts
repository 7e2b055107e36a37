import type TestAgent from 'supertest/lib/agent';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { Article } from '../../src/tickets/article.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { dmBody, newXId, tweetBody, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, follow, logIn, submitForm } from '../utils/http';
import { postSignedWebhook } from '../utils/post-webhook';

const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';
const NUL = '\u0000';
const LONE_SURROGATE = '\uD800';

/**
 * Issue 8, defect 5: PostgreSQL refuses what SQLite keeps. Text with NUL or lone surrogates is
 * stored (U+FFFD where it becomes ticket text, exactly in the raw inbox payload); an item whose id
 * no X id can be is rejected with its reason while the rest of its delivery goes through; nothing
 * that X or an agent sends answers 500. Run on both databases.
 */
describe('nothing the database refuses', () => {
  let t: TestApp;
  let admin: TestAgent;
  let profileId: number;
  let account: XPerson;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ env: { DELIVERY_INTERVAL_MS: '3600000' } });
    const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(t, { targetQueueId: raw.id });
    profileId = profile.id;
    account = { id: profile.accountId!, handle: 'acme_support', name: 'ACME Support' };
    admin = browserLike(t.app);
    await logIn(admin);
  });
  afterAll(() => t.close());

  const newCustomer = (name = `Customer ${++seq}`, handle = `limits${seq}`): XPerson => ({ id: newXId(), handle, name });
  const ticketsOf = (customer: XPerson) => t.dataSource.getRepository(Ticket).find({ where: { customerXId: customer.id } });
  const articlesOf = (ticketId: number) => t.dataSource.getRepository(Article).find({ where: { ticketId }, order: { id: 'ASC' } });
  const eventsWith = (key: string) => t.dataSource.query(`SELECT id, status, error, payload, dedupe_key FROM inbox_events WHERE dedupe_key LIKE '${key}%' ORDER BY id`);
  function deliver(body: string) {
    return postSignedWebhook(t.app.getHttpServer(), profileId, body, SECRET);
  }
  /** The items of several webhook bodies as one delivery (string surgery: tweet ids are bare numbers beyond 2^53). */
  function oneDelivery(kind: 'tweet_create_events' | 'direct_message_events', bodies: string[]): string {
    const start = (body: string) => body.indexOf(`"${kind}":[`) + kind.length + 4;
    if (kind === 'tweet_create_events') return `{"for_user_id":"${account.id}","${kind}":[${bodies.map((b) => b.slice(start(b), -2)).join(',')}]}`;
    const items = bodies.map((b) => b.slice(start(b), b.indexOf('],"users":')));
    const users = bodies.map((b) => b.slice(b.indexOf('"users":{') + '"users":{'.length, -2));
    return `{"for_user_id":"${account.id}","${kind}":[${items.join(',')}],"users":{${users.join(',')}}}`;
  }

  it('stores a DM with NUL and a lone surrogate: U+FFFD in the ticket, the raw event exactly as sent', async () => {
    const customer = newCustomer(`Null${NUL}Name`, 'nul_name');
    const text = `order${NUL}42 ${LONE_SURROGATE}broken`;
    const built = dmBody({ forUserId: account.id, from: customer, to: account, text });
    await deliver(built.body).expect(200);
    await t.app.get(InboxWorker).drain();

    const [event] = await eventsWith(`dm:${built.id}`);
    expect(event.status).toBe('processed');
    const payload = JSON.parse(event.payload);
    expect(payload.item.message_create.message_data.text).toBe(text);
    expect(payload.users[customer.id].name).toBe(`Null${NUL}Name`);

    const [ticket] = await ticketsOf(customer);
    expect(ticket.title).toBe('order\uFFFD42 \uFFFDbroken');
    expect(ticket.customerName).toBe('Null\uFFFDName');
    expect((await articlesOf(ticket.id))[0].body).toBe('order\uFFFD42 \uFFFDbroken');

    const detail = await admin.get(`/admin/inbox/${event.id}`).expect(200);
    expect(detail.text).toContain('order\\u000042');
    await admin.get(`/tickets/${ticket.id}`).expect(200);
  });

  it('sends an agent note with NUL back with the message next to it (the form-wide NUL rule), instead of answering 500', async () => {
    const customer = newCustomer();
    const built = dmBody({ forUserId: account.id, from: customer, to: account, text: 'hello' });
    await deliver(built.body).expect(200);
    await t.app.get(InboxWorker).drain();
    const [ticket] = await ticketsOf(customer);
    const res = await submitForm(admin, `/tickets/${ticket.id}`, { body: `internal${NUL}note` }, `/tickets/${ticket.id}/note`);
    expect(res.status).toBe(303);
    let page = await follow(admin, res);
    for (let hops = 0; page.status === 303 && hops < 3; hops++) page = await follow(admin, page);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Contains a NUL character');
    expect((await articlesOf(ticket.id)).map((a) => a.body)).toEqual(['hello']);
  });

  it('rejects, with the reason, each item whose id no X id can be, and takes the rest of the delivery', async () => {
    const customer = newCustomer();
    const good = dmBody({ forUserId: account.id, from: customer, to: account, text: 'the good one' });
    const longId = '7'.repeat(70);
    const tooLong = dmBody({ forUserId: account.id, from: customer, to: account, text: 'id over 60 characters', id: longId });
    const body = oneDelivery('direct_message_events', [tooLong.body, good.body]);
    await deliver(body).expect(200);
    // X resends what was not acknowledged: a second delivery stores nothing twice.
    await deliver(body).expect(200);

    const mention = tweetBody({ forUserId: account.id, author: customer, text: '@acme_support hi', mentions: [account], id: '8'.repeat(25) });
    const badParent = tweetBody({ forUserId: account.id, author: customer, text: '@acme_support reply', mentions: [account], inReplyTo: { tweetId: '9'.repeat(25), userId: customer.id } });
    await deliver(oneDelivery('tweet_create_events', [mention.body, badParent.body])).expect(200);
    await t.app.get(InboxWorker).drain();

    const [goodEvent] = await eventsWith(`dm:${good.id}`);
    expect(goodEvent.status).toBe('processed');
    // A key too long for its column is kept under a short one that a redelivery gives again.
    const refused = await t.dataSource.query(`SELECT status, error, payload, dedupe_key FROM inbox_events WHERE dedupe_key LIKE 'refused:%' ORDER BY id`);
    expect(refused).toHaveLength(1);
    expect(refused[0].status).toBe('rejected');
    expect(refused[0].error).toBe(`The message id is not an X id: ${'7'.repeat(20)}… (70 characters). Nothing was stored.`);
    expect(JSON.parse(refused[0].payload).item.id).toBe(longId);
    const [mentionEvent] = await eventsWith(`tweet:${mention.id}`);
    expect(mentionEvent.status).toBe('rejected');
    expect(mentionEvent.error).toContain(`The message id is not an X id: ${'8'.repeat(20)}… (25 characters)`);
    const [parentEvent] = await eventsWith(`tweet:${badParent.id}`);
    expect(parentEvent.status).toBe('rejected');
    expect(parentEvent.error).toContain(`Not an X id: ${'9'.repeat(20)}… (25 characters)`);

    expect((await ticketsOf(customer)).length).toBe(1);
    const list = await admin.get('/admin/inbox?status=rejected').expect(200);
    expect(list.text).toContain('The message id is not an X id');
  });

  it('cuts a name or handle longer than its column instead of failing the event', async () => {
    const customer = newCustomer('N'.repeat(300), 'h'.repeat(120));
    const built = tweetBody({ forUserId: account.id, author: customer, text: '@acme_support long names', mentions: [account] });
    await deliver(built.body).expect(200);
    await t.app.get(InboxWorker).drain();
    const [ticket] = await ticketsOf(customer);
    expect(ticket.customerName).toBe('N'.repeat(200));
    expect(ticket.customerHandle).toBe('h'.repeat(100));
  });

  it('shows the last page of the inbox for a page number out of range', async () => {
    for (const page of ['99999999999999999999', '1e30', '-5', 'x']) await admin.get(`/admin/inbox?page=${page}`).expect(200);
  });
});
