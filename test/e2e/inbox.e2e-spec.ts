import request from 'supertest';
import { crcResponseToken } from '../../src/channels/x/webhook-crypto';
import { Clock } from '../../src/common/clock';
import { InboxHealthService } from '../../src/inbox/inbox-health.service';
import { InboxStore } from '../../src/inbox/inbox-store.service';
import { Transactions } from '../../src/database/transactions';
import { InboxWorker, MAX_ATTEMPTS } from '../../src/inbox/inbox-worker.service';
import { Article } from '../../src/tickets/article.entity';
import { ConversationTickets } from '../../src/tickets/conversation-tickets.service';
import { SYSTEM_ACTOR } from '../../src/tickets/ticket-history.service';
import { TicketThread } from '../../src/tickets/ticket-thread.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { Queue } from '../../src/queues/queue.entity';
import { Agent } from '../../src/agents/agent.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { dmBody, newXId, signed, tweetBody, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { ADMIN, createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';
import { PROFILE_DIRECTORY_TTL_PASSED_MS, TestClock } from '../utils/test-clock';
import { postSignedWebhook } from '../utils/post-webhook';

const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';

describe('incoming X messages: webhook, inbox, tickets', () => {
  let t: TestApp;
  const clock = new TestClock();
  let profileId: number;
  let account: XPerson;
  let queues: Record<string, number>;
  let customerSeq = 0;

  beforeAll(async () => {
    t = await createTestApp({ override: (b) => b.overrideProvider(Clock).useValue(clock) });
    queues = Object.fromEntries((await t.dataSource.getRepository(Queue).find()).map((q) => [q.name, q.id]));
    const profile = await createReadyProfile(t, {
      targetQueueId: queues.Raw,
      autoReplyText: 'Thanks, we answer within a day.',
      hashtags: [{ hashtag: 'billing', queueId: queues.Misc }],
    });
    profileId = profile.id;
    account = { id: profile.accountId!, handle: 'acme_support', name: 'ACME Support' };
  });
  afterAll(() => t.close());

  const server = () => t.app.getHttpServer();
  const webhook = () => `/webhooks/x/${profileId}`;
  const newCustomer = (): XPerson => ({ id: newXId(), handle: `customer${++customerSeq}`, name: `Customer ${customerSeq}` });
  const drain = () => t.app.get(InboxWorker).drain();

  function deliver(body: string, signature?: string | null) {
    const req = request(server()).post(webhook()).set('content-type', 'application/json');
    if (signature !== null) req.set('x-twitter-webhooks-signature', signature ?? signed(body, SECRET).signature);
    return req.send(body);
  }
  async function dm(from: XPerson, text: string, id?: string) {
    const built = dmBody({ forUserId: account.id, from, to: account, text, id });
    await deliver(built.body).expect(200);
    await drain();
    return built.id;
  }
  const ticketsOf = (customer: XPerson) => t.dataSource.getRepository(Ticket).find({ where: { customerXId: customer.id }, order: { id: 'ASC' } });
  const articlesOf = (ticketId: number) => t.dataSource.getRepository(Article).find({ where: { ticketId }, order: { id: 'ASC' } });
  const eventsCount = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM inbox_events'))[0].n);
  async function setQueue(name: string, followUp: Queue['followUp'], followUpLock = false) {
    await t.dataSource.getRepository(Queue).update({ id: queues[name] }, { followUp, followUpLock });
  }
  async function closeTicket(id: number, ownerId: number | null = null) {
    await t.app.get(Transactions).run((m) => t.app.get(ConversationTickets).change(m, id, { state: 'closed successful', ownerId }, SYSTEM_ACTOR));
  }
  /** The conversations a ticket belongs to, with the key where it holds one. */
  const conversationsOf = async (ticketId: number) =>
    (await t.dataSource.getRepository(TicketThread).find({ where: { ticketId }, order: { id: 'ASC' } })).map((r) => ({ key: r.threadKey, held: r.openThreadKey }));

  describe('the webhook', () => {
    it('answers the CRC with the HMAC of the consumer secret', async () => {
      const res = await request(server()).get(`${webhook()}?crc_token=dGVzdCt0b2tlbg%2B%2B&nonce=1`).expect(200);
      expect(res.body).toEqual({ response_token: crcResponseToken('dGVzdCt0b2tlbg++', SECRET) });
    });

    it('refuses a CRC without a token, or with input that is not token-shaped', async () => {
      await request(server()).get(webhook()).expect(400);
      await request(server())
        .get(`${webhook()}?crc_token=${encodeURIComponent('{"for_user_id":"1"}')}`)
        .expect(400);
    });

    it('answers 400 without a signature and 401 with a wrong one, storing nothing', async () => {
      const before = await eventsCount();
      const { body } = dmBody({ forUserId: account.id, from: newCustomer(), to: account, text: 'unsigned' });
      await deliver(body, null).expect(400);
      await deliver(body, 'sha256=AAAA').expect(401);
      await deliver(body, signed(body + ' ', SECRET).signature).expect(401);
      expect(await eventsCount()).toBe(before);
    });

    it('refuses events for another account than the profile’s', async () => {
      const before = await eventsCount();
      const { body } = dmBody({ forUserId: '123', from: newCustomer(), to: { ...account, id: '123' }, text: 'not for us' });
      await deliver(body).expect(403);
      expect(await eventsCount()).toBe(before);
    });

    it('does not accept events for unknown or invalid profiles', async () => {
      await request(server()).post('/webhooks/x/999').set('content-type', 'application/json').send('{}').expect(404);
      await request(server()).get('/webhooks/x/999?crc_token=abcdefgh').expect(404);
      const other = await createReadyProfile(t, { name: 'Invalid', targetQueueId: queues.Raw, accountId: '55' });
      const toOther = (text: string) => dmBody({ forUserId: '55', from: newCustomer(), to: { ...account, id: '55' }, text }).body;
      const whileValid = toOther('while still valid');
      // Received while valid, so the profile directory holds the profile when it turns invalid.
      await postSignedWebhook(server(), other.id, whileValid, SECRET).expect(200);
      await t.dataSource.query(`UPDATE social_media_profiles SET validity = 'invalid' WHERE id = ${other.id}`);
      clock.advance(PROFILE_DIRECTORY_TTL_PASSED_MS); // past the profile directory's cache
      const before = await eventsCount();
      const body = toOther('to an invalid profile');
      await postSignedWebhook(server(), other.id, body, SECRET).expect(404);
      expect(await eventsCount()).toBe(before);
      // The CRC is still answered: other profiles of the same X app may receive through this URL (docs/X.md).
      const crc = await request(server()).get(`/webhooks/x/${other.id}?crc_token=abcdefgh`).expect(200);
      expect(crc.body).toEqual({ response_token: crcResponseToken('abcdefgh', SECRET) });
    });

    it('takes events for another profile of the same X app through this URL (one webhook per app), not of another app', async () => {
      const sibling = await createReadyProfile(t, { name: 'Sibling', targetQueueId: queues.Misc, accountId: '1790000000000000077', accessToken: '1790000000000000077-sibling' });
      const stranger = await createReadyProfile(t, {
        name: 'OtherApp',
        targetQueueId: queues.Misc,
        accountId: '1790000000000000088',
        consumerKey: 'another-app-key',
        consumerSecret: 'another-app-secret',
      });
      const customer = newCustomer();
      const forSibling = dmBody({ forUserId: sibling.accountId!, from: customer, to: { id: sibling.accountId!, handle: 'sibling', name: 'Sibling' }, text: 'via the shared webhook' });
      await deliver(forSibling.body).expect(200);
      const [stored] = await t.dataSource.query(`SELECT profile_id FROM inbox_events WHERE dedupe_key = 'dm:${forSibling.id}'`);
      expect(Number(stored.profile_id)).toBe(sibling.id);

      const forStranger = dmBody({ forUserId: stranger.accountId!, from: customer, to: { id: stranger.accountId!, handle: 'other', name: 'Other' }, text: 'wrong app' });
      await deliver(forStranger.body).expect(403);
      await t.dataSource.query(`UPDATE social_media_profiles SET validity = 'invalid' WHERE id IN (${sibling.id}, ${stranger.id})`);
    });

    it('stores the event and answers 200 before processing it', async () => {
      const { body, id } = dmBody({ forUserId: account.id, from: newCustomer(), to: account, text: 'stored first' });
      const res = await deliver(body).expect(200);
      expect(res.body).toEqual({});
      const [event] = await t.dataSource.query(`SELECT status, dedupe_key FROM inbox_events WHERE dedupe_key = 'dm:${id}'`);
      expect(event.dedupe_key).toBe(`dm:${id}`);
      await drain();
    });
  });

  describe('direct messages', () => {
    it('open a ticket in the target queue, with the customer, the title and one auto-reply', async () => {
      const customer = newCustomer();
      const text = 'Hello, my order 4711 has not arrived yet and I am getting worried about it, please help me';
      await dm(customer, text);
      const [ticket] = await ticketsOf(customer);
      expect(ticket).toMatchObject({ queueId: queues.Raw, state: 'new', channel: 'dm', customerHandle: customer.handle, customerName: customer.name });
      expect(await conversationsOf(ticket.id)).toEqual([{ key: `dm:${customer.id}`, held: `dm:${customer.id}` }]);
      expect(ticket.title).toBe(`${text.slice(0, 80)}…`);
      expect(ticket.number).toMatch(/^\d{14,}$/);
      const articles = await articlesOf(ticket.id);
      expect(articles.map((a) => [a.sender, a.channel, a.deliveryStatus])).toEqual([
        ['customer', 'dm', null],
        ['system', 'dm', 'sending'],
      ]);
      expect(articles[1].body).toBe('Thanks, we answer within a day.');
    });

    it('join the open ticket of their thread, without a second auto-reply', async () => {
      const customer = newCustomer();
      await dm(customer, 'first');
      await dm(customer, 'second');
      const tickets = await ticketsOf(customer);
      expect(tickets).toHaveLength(1);
      const articles = await articlesOf(tickets[0].id);
      expect(articles.filter((a) => a.sender === 'customer').map((a) => a.body)).toEqual(['first', 'second']);
      expect(articles.filter((a) => a.sender === 'system')).toHaveLength(1);
    });

    it('make an open ticket open and keep a new one new', async () => {
      const customer = newCustomer();
      await dm(customer, 'one');
      await dm(customer, 'two');
      expect((await ticketsOf(customer))[0].state).toBe('new');
      await t.dataSource.getRepository(Ticket).update({ customerXId: customer.id }, { state: 'pending reminder' });
      await dm(customer, 'three');
      expect((await ticketsOf(customer))[0].state).toBe('open');
    });

    it('are stored once when X delivers them twice', async () => {
      const customer = newCustomer();
      const { body, id } = dmBody({ forUserId: account.id, from: customer, to: account, text: 'twice' });
      await deliver(body).expect(200);
      await deliver(body).expect(200);
      await drain();
      await deliver(body).expect(200);
      await drain();
      const [ticket] = await ticketsOf(customer);
      expect((await articlesOf(ticket.id)).filter((a) => a.externalId === id)).toHaveLength(1);
      expect(Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM inbox_events WHERE dedupe_key = 'dm:${id}'`))[0].n)).toBe(1);
    });

    it('keep big ids exact', async () => {
      const customer = newCustomer();
      const id = await dm(customer, 'exact');
      expect(BigInt(id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
      const [ticket] = await ticketsOf(customer);
      expect(ticket.customerXId).toBe(customer.id);
      expect((await articlesOf(ticket.id))[0].externalId).toBe(id);
    });
  });

  describe('follow-up to a closed ticket (queue option)', () => {
    it('possible: reopens it, locked to its owner when the queue locks on follow-up', async () => {
      await setQueue('Raw', 'possible', true);
      const customer = newCustomer();
      await dm(customer, 'before');
      const [ticket] = await ticketsOf(customer);
      await closeTicket(ticket.id, 1);
      await dm(customer, 'after closing');
      const tickets = await ticketsOf(customer);
      expect(tickets).toHaveLength(1);
      expect(tickets[0]).toMatchObject({ state: 'open', locked: true, ownerId: 1 });
      expect(await conversationsOf(tickets[0].id)).toEqual([{ key: `dm:${customer.id}`, held: `dm:${customer.id}` }]);
      await setQueue('Raw', 'possible', false);
    });

    it('new ticket: opens a second ticket and leaves the closed one alone', async () => {
      await setQueue('Raw', 'new-ticket');
      const customer = newCustomer();
      await dm(customer, 'first conversation');
      const [old] = await ticketsOf(customer);
      await closeTicket(old.id);
      await dm(customer, 'second conversation');
      const tickets = await ticketsOf(customer);
      expect(tickets.map((x) => x.state)).toEqual(['closed successful', 'new']);
      expect((await articlesOf(old.id)).filter((a) => a.sender === 'customer')).toHaveLength(1);
      await setQueue('Raw', 'possible');
    });

    it('reject: leaves the ticket untouched and keeps the event as rejected with the reason', async () => {
      await setQueue('Raw', 'reject');
      const customer = newCustomer();
      await dm(customer, 'first');
      const [ticket] = await ticketsOf(customer);
      await closeTicket(ticket.id);
      const id = await dm(customer, 'too late');
      const [after] = await ticketsOf(customer);
      expect(after.state).toBe('closed successful');
      expect((await articlesOf(ticket.id)).map((a) => a.body)).not.toContain('too late');
      const [event] = await t.dataSource.query(`SELECT status, error FROM inbox_events WHERE dedupe_key = 'dm:${id}'`);
      expect(event.status).toBe('rejected');
      expect(event.error).toContain(`ticket ${ticket.number} is closed and queue "Raw" rejects follow-ups`);
      // Admin → Inbox says it in the reader's language, with the ticket and the queue.
      const [{ id: eventId }] = await t.dataSource.query(`SELECT id FROM inbox_events WHERE dedupe_key = 'dm:${id}'`);
      const admin = browserLike(t.app);
      await logIn(admin);
      await t.dataSource.getRepository(Agent).update({ login: ADMIN.login }, { language: 'de' });
      try {
        const note = `Nachfrage abgelehnt: Ticket ${ticket.number} ist geschlossen und die Queue „Raw“ lehnt Nachfragen ab.`;
        expect((await admin.get('/admin/inbox?status=rejected').expect(200)).text).toContain(note);
        expect((await admin.get(`/admin/inbox/${eventId}`).expect(200)).text).toContain(note);
      } finally {
        await t.dataSource.getRepository(Agent).update({ login: ADMIN.login }, { language: 'en' });
      }
      await setQueue('Raw', 'possible');
    });
  });

  describe('the profile’s own messages', () => {
    it('never open a customer ticket; the echo of a known reply is recognised by its id', async () => {
      const customer = newCustomer();
      await dm(customer, 'question');
      const [ticket] = await ticketsOf(customer);
      const echoId = newXId();
      await t.dataSource.getRepository(Article).update({ ticketId: ticket.id, sender: 'system' }, { deliveryStatus: 'sent', externalId: echoId });
      const echo = dmBody({ forUserId: account.id, from: account, to: customer, text: 'Thanks, we answer within a day.', id: echoId });
      clock.offset += 60_000;
      await deliver(echo.body).expect(200);
      await drain();
      clock.offset -= 60_000;
      expect(await articlesOf(ticket.id)).toHaveLength(2);
      expect(await t.dataSource.getRepository(Ticket).count({ where: { customerXId: account.id } })).toBe(0);
      // "Last message received" on the profile screens is the customer's, a minute before our echo.
      const [question] = await t.dataSource.query(`SELECT received_at FROM inbox_events WHERE profile_id = ${profileId} AND status = 'processed' ORDER BY received_at DESC, id DESC LIMIT 1`);
      const last = (await t.app.get(InboxHealthService).lastEvents([profileId])).get(profileId);
      expect(last).toEqual({ at: new Date(Number(question.received_at)), source: 'webhook' });
    });

    it('wait while one of our sends has not stored its id yet (the echo race)', async () => {
      const customer = newCustomer();
      await dm(customer, 'question');
      const [ticket] = await ticketsOf(customer);
      // The auto-reply is still `sending`: its echo arrives before the sender stored the id.
      const echoId = newXId();
      await deliver(dmBody({ forUserId: account.id, from: account, to: customer, text: 'Thanks', id: echoId }).body).expect(200);
      await drain();
      const [waiting] = await t.dataSource.query(`SELECT status FROM inbox_events WHERE dedupe_key = 'dm:${echoId}'`);
      expect(waiting.status).toBe('received');
      // The sender finishes and stores the id; the echo is then known.
      await t.dataSource.getRepository(Article).update({ ticketId: ticket.id, sender: 'system' }, { deliveryStatus: 'sent', externalId: echoId });
      clock.offset += 1_000;
      await drain();
      clock.offset -= 1_000;
      const [done] = await t.dataSource.query(`SELECT status FROM inbox_events WHERE dedupe_key = 'dm:${echoId}'`);
      expect(done.status).toBe('ignored');
      expect(await articlesOf(ticket.id)).toHaveLength(2);
    });

    it('sent from elsewhere (a phone) join the customer’s ticket as an agent message', async () => {
      const customer = newCustomer();
      await dm(customer, 'question');
      const [ticket] = await ticketsOf(customer);
      await t.dataSource.getRepository(Article).update({ ticketId: ticket.id, sender: 'system' }, { deliveryStatus: 'sent', externalId: newXId() });
      await deliver(dmBody({ forUserId: account.id, from: account, to: customer, text: 'answered on my phone' }).body).expect(200);
      await drain();
      const articles = await articlesOf(ticket.id);
      expect(articles[articles.length - 1]).toMatchObject({ sender: 'agent', body: 'answered on my phone', deliveryStatus: 'sent' });
    });
  });

  describe('tweets', () => {
    async function tweet(o: Parameters<typeof tweetBody>[0]) {
      const built = tweetBody(o);
      await deliver(built.body).expect(200);
      await drain();
      return built.id;
    }

    it('a mention opens a ticket in the target queue; a reply to it joins that ticket', async () => {
      const customer = newCustomer();
      const first = await tweet({ forUserId: account.id, author: customer, text: '@acme_support my parcel is late', mentions: [account] });
      const [ticket] = await ticketsOf(customer);
      expect(ticket).toMatchObject({ queueId: queues.Raw, channel: 'tweet' });
      expect(await conversationsOf(ticket.id)).toEqual([{ key: `tweet:${first}`, held: `tweet:${first}` }]);
      await tweet({ forUserId: account.id, author: customer, text: 'any news?', inReplyTo: { tweetId: first, userId: customer.id } });
      expect(await ticketsOf(customer)).toHaveLength(1);
      const articles = await articlesOf(ticket.id);
      expect(articles.map((a) => a.inReplyToExternalId)).toEqual([null, first]);
      expect(articles.filter((a) => a.sender === 'system')).toHaveLength(0);
    });

    it('a reply stored before the tweet it answers waits for it, and joins its ticket', async () => {
      const customer = newCustomer();
      const parent = tweetBody({ forUserId: account.id, author: customer, text: '@acme_support first', mentions: [account] });
      const reply = tweetBody({ forUserId: account.id, author: customer, text: '@acme_support second', mentions: [account], inReplyTo: { tweetId: parent.id, userId: customer.id } });
      // One delivery carrying both, the reply first (X batches events; their order is not promised).
      const item = (body: string) => body.slice(body.indexOf('"tweet_create_events":[') + '"tweet_create_events":['.length, -2);
      await deliver(`{"for_user_id":"${account.id}","tweet_create_events":[${item(reply.body)},${item(parent.body)}]}`).expect(200);
      await drain();
      const tickets = await ticketsOf(customer);
      expect(tickets).toHaveLength(1);
      expect((await articlesOf(tickets[0].id)).map((a) => a.body)).toEqual(['@acme_support first', '@acme_support second']);
    });

    it('a tracked hashtag routes to its own queue', async () => {
      const customer = newCustomer();
      await tweet({ forUserId: account.id, author: customer, text: 'Invoice wrong #Billing', hashtags: ['Billing'] });
      expect((await ticketsOf(customer))[0].queueId).toBe(queues.Misc);
    });

    it('untracked tweets and retweets are not tickets', async () => {
      const customer = newCustomer();
      const untracked = await tweet({ forUserId: account.id, author: customer, text: 'nice weather #sun', hashtags: ['sun'] });
      const retweet = await tweet({ forUserId: account.id, author: customer, text: 'RT @acme_support hello', mentions: [account], retweet: true });
      expect(await ticketsOf(customer)).toHaveLength(0);
      const rows = await t.dataSource.query(`SELECT status FROM inbox_events WHERE dedupe_key IN ('tweet:${untracked}', 'tweet:${retweet}')`);
      expect(rows.map((r: { status: string }) => r.status)).toEqual(['ignored', 'ignored']);
    });

    it('the profile’s own tweet never opens a ticket', async () => {
      await tweet({ forUserId: account.id, author: account, text: 'We are open on Sunday #billing', hashtags: ['billing'] });
      expect(await t.dataSource.getRepository(Ticket).count({ where: { customerXId: account.id } })).toBe(0);
    });
  });

  describe('failures and the Inbox screen', () => {
    it('retries a failing event with backoff, then shows it as failed until an admin retries it', async () => {
      await t.app.get(InboxStore).store(profileId, 'webhook', [{ format: 'aaa-dm', dedupeKey: 'dm:1790000000000077001', payload: 'not an object' }]);
      await t.dataSource.query(`UPDATE inbox_events SET payload = 'not json' WHERE dedupe_key = 'dm:1790000000000077001'`);
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await drain();
        clock.offset += 10 * 60_000;
      }
      clock.offset = 0;
      const [event] = await t.dataSource.query(`SELECT id, status, attempts, error FROM inbox_events WHERE dedupe_key = 'dm:1790000000000077001'`);
      expect(event).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
      expect(event.error).toMatch(/JSON/);

      const admin = browserLike(t.app);
      await logIn(admin);
      const list = await admin.get('/admin/inbox?status=failed').expect(200);
      expect(list.text).toContain('dm:1790000000000077001');
      const detail = await admin.get(`/admin/inbox/${event.id}`).expect(200);
      expect(detail.text).toContain('not json');
      const retried = await follow(
        admin,
        await admin
          .post(`/admin/inbox/${event.id}/retry`)
          .type('form')
          .send({ _csrf: csrfTokenOf(detail.text) }),
      );
      expect(retried.text).toContain(`Event ${event.id} will be processed again.`);
      const [after] = await t.dataSource.query(`SELECT attempts FROM inbox_events WHERE id = ${event.id}`);
      expect(Number(after.attempts)).toBeLessThan(MAX_ATTEMPTS);
    });

    it('is for admins only', async () => {
      const agents = t.app.get(AgentsService);
      await agents.create({ login: 'inbox-agent', name: 'Agent', password: 'agent-password' });
      const agent = browserLike(t.app);
      await logIn(agent, 'inbox-agent', 'agent-password');
      await agent.get('/admin/inbox').expect(403);
    });
  });
});
