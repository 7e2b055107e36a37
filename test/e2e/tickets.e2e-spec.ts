import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type TestAgent from 'supertest/lib/agent';
import { AclStoreService } from '../../src/acl/acl-store.service';
import { Clock } from '../../src/common/clock';
import { OutgoingWorkSignal } from '../../src/common/work-signal';
import { Queue } from '../../src/queues/queue.entity';
import { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { ArticleDeliveryService } from '../../src/tickets/article-delivery.service';
import { Article } from '../../src/tickets/article.entity';
import { TicketThread } from '../../src/tickets/ticket-thread.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertArticle, insertTicket, newCustomer, newXId, type TicketSeed } from '../factories/ticket.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi, type FakeXSentDirectMessage, type FakeXSentTweet } from '../support/fake-x-api';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';
import { TestClock } from '../utils/test-clock';

/** A realistic backoff: the tests move the app's clock past it instead of waiting. */
const BACKOFF_MS = 60_000;
const MAX_ATTEMPTS = 3;

describe('tickets: agent screens and outgoing delivery', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let account: ReturnType<typeof registerXAccount>;
  let otherAccount: ReturnType<typeof registerXAccount>;
  let acme: SocialMediaProfile;
  let other: SocialMediaProfile;
  let supportQueue: number;
  let salesQueue: number;
  const ids: Record<string, number> = {};
  const clients: Record<string, TestAgent> = {};
  const clock = new TestClock();

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    account = registerXAccount(fakeX);
    otherAccount = registerXAccount(fakeX, {
      consumerKey: 'other-consumer-key',
      consumerSecret: 'other-consumer-secret',
      accessToken: '555-other-access-token',
      accessTokenSecret: 'other-access-token-secret',
      userId: '1790000000000000555',
      username: 'acme_sales',
      name: 'ACME Sales',
    });
    t = await createTestApp({
      env: {
        X_API_BASE_URL: fakeX.baseUrl,
        X_API_TIMEOUT_MS: '2000',
        // The tests drive the worker with kick(); the timer stays out of the way.
        DELIVERY_INTERVAL_MS: '3600000',
        DELIVERY_BACKOFF_MS: String(BACKOFF_MS),
        DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      },
      override: (b) => b.overrideProvider(Clock).useValue(clock),
    });

    const groups = t.dataSource.getRepository(Group);
    const support = await groups.save(groups.create({ name: 'support', comment: '', validity: 'valid' }));
    const sales = await groups.save(groups.create({ name: 'sales', comment: '', validity: 'valid' }));
    const twitter = await groups.findOneByOrFail({ name: 'twitter' });
    const queues = t.dataSource.getRepository(Queue);
    supportQueue = (await queues.save(queues.create({ name: 'Support', groupId: support.id, followUp: 'possible' }))).id;
    salesQueue = (await queues.save(queues.create({ name: 'Sales', groupId: sales.id, followUp: 'possible' }))).id;

    // Created first, so it is profile 1: the one the example ACL restricts.
    acme = await createReadyProfile(t, { name: 'AcmeSupport', targetQueueId: supportQueue });
    other = await createReadyProfile(t, {
      name: 'AcmeSales',
      targetQueueId: salesQueue,
      consumerKey: otherAccount.consumerKey,
      consumerSecret: otherAccount.consumerSecret,
      accessToken: otherAccount.accessToken,
      accessTokenSecret: otherAccount.accessTokenSecret,
      accountId: otherAccount.userId,
      accountHandle: otherAccount.username,
    });

    const agents = t.app.get(AgentsService);
    const memberships: Record<string, [number, 'rw' | 'ro'][]> = {
      anna: [
        [support.id, 'rw'],
        [sales.id, 'rw'],
        [twitter.id, 'rw'],
      ],
      tina: [
        [support.id, 'rw'],
        [twitter.id, 'rw'],
      ],
      otto: [
        [support.id, 'rw'],
        [sales.id, 'rw'],
      ],
      rob: [[support.id, 'ro']],
      nora: [[sales.id, 'rw']],
    };
    for (const [login, groupsOf] of Object.entries(memberships)) {
      ids[login] = (await agents.create({ login, name: login[0].toUpperCase() + login.slice(1), password: `${login}-password` })).id;
      for (const [groupId, permission] of groupsOf) await agents.setMembership(ids[login], groupId, permission);
      clients[login] = browserLike(t.app);
      await logIn(clients[login], login, `${login}-password`);
    }
  });
  afterAll(async () => {
    await t?.close();
    await fakeX?.close();
  });
  afterEach(() => fakeX.reset());

  const delivery = () => t.app.get(ArticleDeliveryService);
  const articleRepo = () => t.dataSource.getRepository(Article);
  const ticketRepo = () => t.dataSource.getRepository(Ticket);
  const articlesOf = (ticketId: number) => articleRepo().find({ where: { ticketId }, order: { id: 'ASC' } });
  /** The conversations a ticket belongs to, with the key where it holds one. */
  const conversationsOf = async (ticketId: number) =>
    (await t.dataSource.getRepository(TicketThread).find({ where: { ticketId }, order: { id: 'ASC' } })).map((r) => ({ key: r.threadKey, held: r.openThreadKey }));
  const lastArticle = async (ticketId: number) => (await articlesOf(ticketId)).at(-1)!;
  const supportTicket = (seed: Partial<TicketSeed> & Pick<TicketSeed, 'channel'>) => insertTicket(t, { profileId: acme.id, queueId: supportQueue, ...seed });
  const sentTweets = () => fakeX.sent.filter((s): s is FakeXSentTweet => s.kind === 'tweet');
  const sentDms = () => fakeX.sent.filter((s): s is FakeXSentDirectMessage => s.kind === 'dm');

  /** GETs the page for its CSRF token, then posts the form. */
  async function post(login: string, pagePath: string, postPath: string, fields: Record<string, string> = {}) {
    const page = await clients[login].get(pagePath);
    expect(page.status).toBe(200);
    return clients[login]
      .post(postPath)
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), ...fields });
  }
  async function reply(login: string, ticketId: number, body: string) {
    return post(login, `/tickets/${ticketId}`, `/tickets/${ticketId}/reply`, { body });
  }
  const reason = (article: Article) => (article.deliveryError ? (JSON.parse(article.deliveryError) as { key: string; params?: Record<string, unknown> }) : undefined);

  describe('access', () => {
    it('sends a visitor who is not logged in to the login page', async () => {
      const res = await browserLike(t.app).get('/tickets');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?next=%2Ftickets');
    });

    it('shows "Tickets" in the main navigation', async () => {
      const res = await clients.anna.get('/');
      expect(res.text).toContain('<a href="/tickets" data-test="nav-tickets">Tickets</a>');
    });

    it('lets an agent with ro in the queue’s group read a ticket but not act (403 on every POST)', async () => {
      const { ticket } = await supportTicket({ channel: 'dm' });
      const zoom = await clients.rob.get(`/tickets/${ticket.id}`);
      expect(zoom.status).toBe(200);
      expect(zoom.text).toContain('You may read this ticket but not change it');
      expect(zoom.text).not.toContain('action="/tickets/' + ticket.id + '/reply');
      const token = csrfTokenOf(zoom.text);
      for (const [path, fields] of [
        ['reply', { body: 'Hello' }],
        ['note', { body: 'A note' }],
        ['lock', {}],
        ['state', { state: 'closed successful' }],
        ['owner', { ownerId: String(ids.anna) }],
      ] as const) {
        const res = await clients.rob
          .post(`/tickets/${ticket.id}/${path}`)
          .type('form')
          .send({ _csrf: token, ...fields });
        expect([path, res.status]).toEqual([path, 403]);
      }
      expect(await articlesOf(ticket.id)).toHaveLength(1);
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ state: 'new', locked: false });
    });

    it('hides a ticket from an agent without the queue’s group: 404 on read and on POST', async () => {
      const { ticket } = await supportTicket({ channel: 'dm', title: 'Invisible to Nora' });
      expect((await clients.nora.get(`/tickets/${ticket.id}`)).status).toBe(404);
      const page = await clients.nora.get('/tickets');
      expect(page.text).not.toContain('Invisible to Nora');
      const res = await clients.nora
        .post(`/tickets/${ticket.id}/reply`)
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text), body: 'Hi' });
      expect(res.status).toBe(404);
      expect(await articlesOf(ticket.id)).toHaveLength(1);
    });

    it('gives an admin nothing beyond the groups: root sees no Support tickets', async () => {
      const { ticket } = await supportTicket({ channel: 'dm' });
      const root = browserLike(t.app);
      await logIn(root);
      expect((await root.get(`/tickets/${ticket.id}`)).status).toBe(404);
    });
  });

  describe('the dashboard', () => {
    it('counts the open tickets per queue the agent may read', async () => {
      const { ticket } = await insertTicket(t, { profileId: other.id, queueId: salesQueue, channel: 'tweet' });
      const page = await clients.nora.get('/');
      expect(page.text).toMatch(new RegExp(`<a href="/tickets\\?queueId=${salesQueue}">Sales</a></td><td>[1-9]\\d*</td>`));
      expect(page.text).not.toContain('>Support</a>');
      await ticketRepo().update({ id: ticket.id }, { state: 'closed successful' });
    });
  });

  describe('the queue view', () => {
    it('lists the tickets of readable queues with number, state, lock, owner, profile, customer and queue', async () => {
      const { ticket, customer } = await supportTicket({ channel: 'tweet', title: 'Listed ticket', ownerId: ids.tina, locked: true, state: 'open' });
      const res = await clients.anna.get('/tickets');
      expect(res.status).toBe(200);
      const row = new RegExp(`<tr data-ticket="${ticket.id}">[^]*?</tr>`).exec(res.text)![0];
      expect(row).toContain(`>${ticket.number}</a>`);
      expect(row).toContain('Listed ticket');
      expect(row).toMatch(/<td>open<\/td>\s*<td>locked<\/td>\s*<td>Tina<\/td>\s*<td>AcmeSupport<\/td>/);
      expect(row).toContain(`@${customer.handle}`);
      expect(row).toContain('<td>Support</td>');
    });

    it('filters by queue, by state (open tickets by default) and by profile', async () => {
      await supportTicket({ channel: 'dm', title: 'Closed one', state: 'closed successful' });
      await insertTicket(t, { profileId: other.id, queueId: salesQueue, channel: 'dm', title: 'Sales question' });
      const open = await clients.anna.get('/tickets');
      expect(open.text).not.toContain('Closed one');
      expect(open.text).toContain('Sales question');
      expect((await clients.anna.get('/tickets?state=all')).text).toContain('Closed one');
      expect((await clients.anna.get('/tickets?state=closed+successful')).text).toContain('Closed one');
      const support = await clients.anna.get(`/tickets?queueId=${supportQueue}&state=all`);
      expect(support.text).toContain('Closed one');
      expect(support.text).not.toContain('Sales question');
      const byProfile = await clients.anna.get(`/tickets?profileId=${other.id}`);
      expect(byProfile.text).toContain('Sales question');
      expect(byProfile.text).not.toContain('Closed one');
      // Only queues the agent may read are offered.
      expect((await clients.rob.get('/tickets')).text).not.toContain('>Sales</option>');
    });

    it('pages by 50', async () => {
      const queues = t.dataSource.getRepository(Queue);
      const group = await t.dataSource.getRepository(Group).findOneByOrFail({ name: 'sales' });
      const bulk = (await queues.save(queues.create({ name: 'Bulk', groupId: group.id, followUp: 'possible' }))).id;
      for (let i = 0; i < 51; i++) await insertTicket(t, { profileId: other.id, queueId: bulk, channel: 'tweet', title: `Bulk ${i}` });
      const first = await clients.anna.get(`/tickets?queueId=${bulk}`);
      expect(first.text.match(/<tr data-ticket=/g)).toHaveLength(50);
      expect(first.text).toContain('Page 1 of 2 (51 tickets)');
      const next = /<a href="([^"]+)" rel="next">/
        .exec(first.text)![1]
        .replace(/&amp;/g, '&')
        .replace(/&#x3D;/g, '=');
      const second = await clients.anna.get(next);
      expect(second.text.match(/<tr data-ticket=/g)).toHaveLength(1);
    });
  });

  describe('replies', () => {
    it('answers a tweet ticket with a reply tweet to the customer’s latest tweet and stores the returned id', async () => {
      const first = newXId();
      const latest = newXId();
      const customer = newCustomer();
      const { ticket } = await supportTicket({
        channel: 'tweet',
        customer,
        articles: [
          { body: '@acme_support my order is late', externalId: first },
          { body: '@acme_support still waiting', externalId: latest, inReplyToExternalId: first },
        ],
      });
      const zoom = await clients.anna.get(`/tickets/${ticket.id}`);
      expect(zoom.text).toContain(`>@${customer.handle} </textarea>`);
      expect(zoom.text).toContain('data-limit="280" data-count="tweet"');
      expect(zoom.text).toContain('class="icon-bird"');
      expect(zoom.text).toContain('<script src="/public/ticket-compose.js" defer></script>');

      const res = await reply('anna', ticket.id, `@${customer.handle} Sorry! It ships today.`);
      expect(res.status).toBe(303);
      const page = await follow(clients.anna, res);
      expect(page.text).toContain('The reply was sent.');

      expect(sentTweets()).toHaveLength(1);
      expect(sentTweets()[0]).toMatchObject({ text: `@${customer.handle} Sorry! It ships today.`, inReplyToTweetId: latest, authorId: account.userId });
      const article = await lastArticle(ticket.id);
      expect(article).toMatchObject({
        sender: 'agent',
        channel: 'tweet',
        deliveryStatus: 'sent',
        externalId: sentTweets()[0].id,
        inReplyToExternalId: latest,
        createdById: ids.anna,
        authorHandle: 'acme_support',
        deliveryError: null,
      });
      // Answering a new ticket opens it and locks it to the agent, as in OTRS.
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ state: 'open', locked: true, ownerId: ids.anna });
      expect(page.text).toMatch(/data-test="delivery">sent</);
    });

    it('answers a DM ticket with a DM to the customer’s X id', async () => {
      const { ticket, customer } = await supportTicket({ channel: 'dm' });
      const zoom = await clients.anna.get(`/tickets/${ticket.id}`);
      expect(zoom.text).toContain('data-limit="10000" data-count="dm"');
      expect(zoom.text).toMatch(/<textarea id="reply-body"[^>]*><\/textarea>/);
      await reply('anna', ticket.id, 'We are on it.\nBest, Anna');
      expect(sentDms()).toHaveLength(1);
      expect(sentDms()[0]).toMatchObject({ participantId: customer.id, senderId: account.userId, text: 'We are on it.\nBest, Anna' });
      expect(await lastArticle(ticket.id)).toMatchObject({ channel: 'dm', deliveryStatus: 'sent', externalId: sentDms()[0].dmEventId });
    });

    it('refuses a tweet over 280 weighted characters next to the field, keeping the text; nothing is stored', async () => {
      const { ticket } = await supportTicket({ channel: 'tweet' });
      // 271 characters, but 20 CJK characters weigh 2 each: 291.
      const text = `${'x'.repeat(250)} ${'中'.repeat(20)}`;
      const res = await reply('anna', ticket.id, text);
      expect(res.headers.location).toBe(`/tickets/${ticket.id}/reply`);
      const back = await follow(clients.anna, res);
      expect(back.status).toBe(303);
      const page = await follow(clients.anna, back);
      expect(page.text).toContain('A tweet has at most 280 characters (links count 23, wide characters and emoji 2); this one has 291.');
      expect(page.text).toContain(`>${text}</textarea>`);
      expect(await articlesOf(ticket.id)).toHaveLength(1);
      expect(fakeX.sent).toHaveLength(0);
    });

    it('refuses an empty reply and a DM over 10,000 characters', async () => {
      const { ticket } = await supportTicket({ channel: 'dm' });
      const empty = await follow(clients.anna, await follow(clients.anna, await reply('anna', ticket.id, '   ')));
      expect(empty.text).toMatch(/id="reply-body-error"[^>]*>This field is required\./);
      const long = await follow(clients.anna, await follow(clients.anna, await reply('anna', ticket.id, 'a'.repeat(10_001))));
      expect(long.text).toContain('At most 10000 characters; this text has 10001.');
      expect(await articlesOf(ticket.id)).toHaveLength(1);
    });

    it('adds an internal note that is never sent', async () => {
      const { ticket } = await supportTicket({ channel: 'dm' });
      const res = await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/note`, { body: 'Customer called, too.' });
      expect(res.status).toBe(303);
      expect(await lastArticle(ticket.id)).toMatchObject({ channel: 'note', sender: 'agent', deliveryStatus: null, body: 'Customer called, too.' });
      await delivery().kick();
      expect(fakeX.sent).toHaveLength(0);
      const page = await clients.anna.get(`/tickets/${ticket.id}`);
      expect(page.text).toContain('Internal note');
    });

    it('sends an auto-reply the inbox stored once the inbox signals new outgoing work', async () => {
      const { ticket, customer } = await supportTicket({ channel: 'dm' });
      const autoReply = await insertArticle(t, ticket, customer, {
        sender: 'system',
        channel: 'dm',
        body: 'Thanks, we answer within a day.',
        deliveryStatus: 'sending',
        nextAttemptAt: Date.now(),
      });
      t.app.get(OutgoingWorkSignal).notify();
      await delivery().kick();
      expect(sentDms()).toEqual([expect.objectContaining({ participantId: customer.id, text: 'Thanks, we answer within a day.' })]);
      expect(await articleRepo().findOneByOrFail({ id: autoReply.id })).toMatchObject({ deliveryStatus: 'sent', externalId: sentDms()[0].dmEventId });
    });
  });

  describe('delivery errors', () => {
    it('429: stays sending until x-rate-limit-reset, then is sent', async () => {
      const { ticket } = await supportTicket({ channel: 'dm' });
      const resetAt = new Date(clock.now() + 15 * 60_000);
      fakeX.setMode('rate-limited', { resetAt });
      const res = await reply('anna', ticket.id, 'Rate limited reply');
      expect((await follow(clients.anna, res)).text).toContain('The reply is stored and will be sent as soon as X accepts it.');
      const waiting = await lastArticle(ticket.id);
      const resetMs = Math.floor(resetAt.getTime() / 1000) * 1000;
      expect(waiting).toMatchObject({ deliveryStatus: 'sending', deliveryAttempts: 0, externalId: null });
      expect(Number(waiting.nextAttemptAt)).toBe(resetMs);
      expect(reason(waiting)?.key).toBe('tickets.delivery.error.rate-limited');

      fakeX.setMode('normal');
      await delivery().kick();
      expect(fakeX.sent).toHaveLength(0); // not due before the reset
      clock.advance(resetMs - clock.now() + 1);
      await delivery().kick();
      expect(sentDms()).toHaveLength(1);
      expect(await lastArticle(ticket.id)).toMatchObject({ deliveryStatus: 'sent', externalId: sentDms()[0].dmEventId, deliveryError: null });
    });

    it('5xx: backs off, tries again, and is sent when X recovers', async () => {
      const { ticket } = await supportTicket({ channel: 'tweet' });
      fakeX.setMode('server-error');
      const before = clock.now();
      await reply('anna', ticket.id, 'Server error reply');
      let article = await lastArticle(ticket.id);
      expect(article).toMatchObject({ deliveryStatus: 'sending', deliveryAttempts: 1 });
      expect(reason(article)?.key).toBe('tickets.delivery.error.server-error');
      expect(Number(article.nextAttemptAt)).toBeGreaterThanOrEqual(before + BACKOFF_MS);

      clock.advance(BACKOFF_MS + 10);
      await delivery().kick();
      article = await lastArticle(ticket.id);
      expect(article).toMatchObject({ deliveryStatus: 'sending', deliveryAttempts: 2 });

      fakeX.setMode('normal');
      clock.advance(2 * BACKOFF_MS + 10);
      await delivery().kick();
      expect(sentTweets()).toHaveLength(1);
      expect(await lastArticle(ticket.id)).toMatchObject({ deliveryStatus: 'sent', deliveryAttempts: 3, externalId: sentTweets()[0].id });
    });

    it('5xx: gives up after the last attempt, shows why, and is sent on "Resend"', async () => {
      const { ticket } = await supportTicket({ channel: 'dm' });
      fakeX.setMode('server-error');
      await reply('anna', ticket.id, 'Doomed reply');
      for (let i = 1; i < MAX_ATTEMPTS; i++) {
        clock.advance(BACKOFF_MS * 2 ** i + 10);
        await delivery().kick();
      }
      const failed = await lastArticle(ticket.id);
      expect(failed).toMatchObject({ deliveryStatus: 'failed', deliveryAttempts: MAX_ATTEMPTS, nextAttemptAt: null });
      expect(reason(failed)).toEqual({ key: 'tickets.delivery.error.gaveUp.server-error', params: { attempts: MAX_ATTEMPTS } });
      const zoom = await clients.anna.get(`/tickets/${ticket.id}`);
      expect(zoom.text).toMatch(/data-test="delivery">failed</);
      expect(zoom.text).toContain('X kept answering with server errors; gave up after 3 attempts.');
      expect(zoom.text).toContain(`action="/tickets/${ticket.id}/articles/${failed.id}/resend"`);

      fakeX.setMode('normal');
      const res = await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/articles/${failed.id}/resend`);
      expect(res.status).toBe(303);
      expect(sentDms()).toHaveLength(1);
      expect(await articleRepo().findOneByOrFail({ id: failed.id })).toMatchObject({ deliveryStatus: 'sent', deliveryAttempts: 1, externalId: sentDms()[0].dmEventId });
      // Only failed outgoing articles can be resent.
      const again = await follow(clients.anna, await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/articles/${failed.id}/resend`));
      expect((await follow(clients.anna, again)).text).toContain('Only a failed outgoing message can be sent again.');
      expect(sentDms()).toHaveLength(1);
    });

    it('403 duplicate: failed at once and never retried by itself', async () => {
      const { ticket } = await supportTicket({ channel: 'tweet' });
      fakeX.setMode('duplicate');
      const res = await reply('anna', ticket.id, 'Same text as before');
      expect((await follow(clients.anna, res)).text).toContain('The reply could not be sent');
      const failed = await lastArticle(ticket.id);
      expect(failed).toMatchObject({ deliveryStatus: 'failed', deliveryAttempts: 1, nextAttemptAt: null });
      expect(reason(failed)).toEqual({ key: 'tickets.delivery.error.duplicate', params: { detail: 'You are not allowed to create a Tweet with duplicate content.' } });
      fakeX.setMode('normal');
      await delivery().kick();
      expect(fakeX.sent).toHaveLength(0);
      expect(await lastArticle(ticket.id)).toMatchObject({ deliveryStatus: 'failed' });
    });

    it('401: fails, flags the profile for re-authorisation, and shows it on the ticket and in the profile list', async () => {
      const revoked = await createReadyProfile(t, { name: 'Revoked', targetQueueId: supportQueue, accessToken: '999-revoked-token', accountId: '1790000000000000999', accountHandle: 'acme_revoked' });
      const { ticket } = await insertTicket(t, { profileId: revoked.id, queueId: supportQueue, channel: 'dm' });
      await reply('anna', ticket.id, 'Will be refused');
      const failed = await lastArticle(ticket.id);
      expect(failed).toMatchObject({ deliveryStatus: 'failed' });
      expect(reason(failed)?.key).toBe('tickets.delivery.error.invalid-credentials');
      expect(await t.dataSource.getRepository(SocialMediaProfile).findOneByOrFail({ id: revoked.id })).toMatchObject({ needsReauthorisation: true });

      const zoom = await clients.anna.get(`/tickets/${ticket.id}`);
      expect(zoom.text).toContain('data-test="reauth-warning"');
      expect(zoom.text).not.toContain(`action="/tickets/${ticket.id}/reply`);
      expect(zoom.text).not.toContain('data-test="resend"');
      // A forged reply is refused, nothing stored, nothing sent.
      const res = await clients.anna
        .post(`/tickets/${ticket.id}/reply`)
        .type('form')
        .send({ _csrf: csrfTokenOf(zoom.text), body: 'Again' });
      expect((await follow(clients.anna, await follow(clients.anna, res))).text).toContain('needs re-authorisation');
      expect(await articlesOf(ticket.id)).toHaveLength(2);
      // The flagged profile is not offered for new tickets.
      expect((await clients.anna.get('/tickets/new')).text).not.toContain('>Revoked');

      const root = browserLike(t.app);
      await logIn(root);
      const list = await root.get('/admin/social-media-profiles');
      expect(list.text).toMatch(/>Revoked<\/a> <span class="badge badge-warning" data-test="needs-reauthorisation">needs re-authorisation<\/span>/);
    });

    (process.env.DATABASE_URL ? it : it.skip)('two app instances on one PostgreSQL database never send the same article twice', async () => {
      // Instances share the database, the key to the secrets in it, and the time (servers keep their
      // clocks in step): on the real clock, minutes behind this suite's test clock, each instance
      // took the other's leases for expired and sent those articles again.
      const secretsKey = process.env.SECRETS_KEY ?? readFileSync(join(t.config.dataDir, 'secrets.key'), 'utf8').trim();
      const second = await createTestApp({
        keepSchema: true,
        env: { X_API_BASE_URL: fakeX.baseUrl, DELIVERY_INTERVAL_MS: '3600000', SECRETS_KEY: secretsKey },
        override: (b) => b.overrideProvider(Clock).useValue(clock),
      });
      try {
        const { ticket, customer } = await supportTicket({ channel: 'dm' });
        const queued: Article[] = [];
        for (let i = 0; i < 30; i++) {
          queued.push(await insertArticle(t, ticket, customer, { sender: 'agent', channel: 'dm', body: `Parallel ${i}`, deliveryStatus: 'sending', nextAttemptAt: clock.now() }));
        }
        await Promise.all([delivery().kick(), second.app.get(ArticleDeliveryService).kick(), delivery().kick(), second.app.get(ArticleDeliveryService).kick()]);
        const texts = sentDms()
          .map((d) => d.text)
          .sort();
        expect(texts).toEqual(queued.map((a) => a.body).sort());
        const stored = await articleRepo().findBy({ ticketId: ticket.id, sender: 'agent' });
        expect(stored.every((a) => a.deliveryStatus === 'sent' && a.externalId)).toBe(true);
      } finally {
        await second.close();
      }
    });

    it('never sends through a profile that is not valid (fails with the reason)', async () => {
      const invalid = await createReadyProfile(t, { name: 'Paused', targetQueueId: supportQueue });
      const { ticket, customer } = await insertTicket(t, { profileId: invalid.id, queueId: supportQueue, channel: 'dm' });
      const queued = await insertArticle(t, ticket, customer, { sender: 'system', channel: 'dm', body: 'Auto', deliveryStatus: 'sending', nextAttemptAt: Date.now() });
      await t.dataSource.getRepository(SocialMediaProfile).update({ id: invalid.id }, { validity: 'invalid-temporarily' });
      await delivery().kick();
      expect(fakeX.sent).toHaveLength(0);
      const failed = await articleRepo().findOneByOrFail({ id: queued.id });
      expect(failed.deliveryStatus).toBe('failed');
      expect(reason(failed)).toEqual({ key: 'tickets.profile.notValid', params: { name: 'Paused' } });
    });
  });

  describe('lock, owner, state', () => {
    it('locks to the agent, refuses a ro agent as owner, hands the locked ticket to another rw agent, who unlocks it', async () => {
      const { ticket } = await supportTicket({ channel: 'dm' });
      const zoom = `/tickets/${ticket.id}`;
      await post('anna', zoom, `${zoom}/lock`);
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ locked: true, ownerId: ids.anna });
      const page = await clients.anna.get(zoom);
      expect(page.text).toMatch(/<option value="\d+">Otto \(otto\)<\/option>/);
      expect(page.text).not.toContain('Rob (rob)');
      const refused = await post('anna', zoom, `${zoom}/owner`, { ownerId: String(ids.rob) });
      expect((await follow(clients.anna, await follow(clients.anna, refused))).text).toContain('Choose an agent with read/write access to the ticket&#x27;s queue.');
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ ownerId: ids.anna });
      // The lock goes with the ticket to its new owner (docs/AGENT-WORKSPACE.md, "Locks").
      await post('anna', zoom, `${zoom}/owner`, { ownerId: String(ids.tina) });
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ locked: true, ownerId: ids.tina });
      await post('tina', zoom, `${zoom}/unlock`);
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ locked: false, ownerId: ids.tina });
    });

    it('closing frees the DM thread; reopening takes it back only while no other ticket holds it', async () => {
      const customer = newCustomer();
      const { ticket } = await supportTicket({ channel: 'dm', customer, state: 'open' });
      const zoom = `/tickets/${ticket.id}`;
      await post('anna', zoom, `${zoom}/state`, { state: 'closed successful' });
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ state: 'closed successful' });
      expect(await conversationsOf(ticket.id)).toEqual([{ key: `dm:${customer.id}`, held: null }]);

      const { ticket: newer } = await supportTicket({ channel: 'dm', customer });
      await post('anna', zoom, `${zoom}/state`, { state: 'open' });
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ state: 'open' });
      expect(await conversationsOf(ticket.id)).toEqual([{ key: `dm:${customer.id}`, held: null }]);
      expect((await clients.anna.get(zoom)).text).toContain(`href="/tickets/${newer.id}">${newer.number}</a>`);

      await post('anna', `/tickets/${newer.id}`, `/tickets/${newer.id}/state`, { state: 'closed unsuccessful' });
      await post('anna', zoom, `${zoom}/state`, { state: 'pending reminder', quick: 'tomorrow-0900' });
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ state: 'pending reminder' });
      expect(await conversationsOf(ticket.id)).toEqual([{ key: `dm:${customer.id}`, held: `dm:${customer.id}` }]);
    });

    it('refuses a state an agent cannot set', async () => {
      const { ticket } = await supportTicket({ channel: 'dm', state: 'open' });
      await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/state`, { state: 'new' });
      expect(await ticketRepo().findOneByOrFail({ id: ticket.id })).toMatchObject({ state: 'open' });
    });
  });

  describe('new outgoing ticket', () => {
    it('marks every missing choice and an empty text at once, sending nothing', async () => {
      const before = sentDms().length + sentTweets().length;
      const refused = await follow(clients.anna, await post('anna', '/tickets/new', '/tickets/new', { profileId: '', queueId: '', type: 'tweet', body: '   ' }));
      for (const field of ['profileId', 'queueId', 'body']) expect([field, new RegExp(`id="${field}-error"`).test(refused.text)]).toEqual([field, true]);
      expect(refused.text).toMatch(/id="body-error"[^>]*>This field is required\./);
      expect(sentDms().length + sentTweets().length).toBe(before);
    });

    it('starts a DM ticket to an @handle that X looks up: stored first, then sent', async () => {
      const form = await clients.anna.get('/tickets/new');
      expect(form.text).toContain(`<option value="${acme.id}">AcmeSupport (@acme_support)</option>`);
      expect(form.text).toContain(`<option value="${supportQueue}">Support</option>`);
      const recipient = newXId();
      fakeX.addPerson({ id: recipient, username: 'New_Customer', name: 'Nova Kundin' });
      const res = await clients.anna
        .post('/tickets/new')
        .type('form')
        .send({
          _csrf: csrfTokenOf(form.text),
          profileId: String(acme.id),
          queueId: String(supportQueue),
          type: 'dm',
          recipient: '@new_customer',
          title: '',
          body: 'Hello from ACME support.',
        });
      expect(res.status).toBe(303);
      const ticketId = Number(/^\/tickets\/(\d+)$/.exec(res.headers.location)![1]);
      const ticket = await ticketRepo().findOneByOrFail({ id: ticketId });
      expect(ticket).toMatchObject({
        channel: 'dm',
        state: 'open',
        ownerId: ids.anna,
        customerXId: recipient,
        customerHandle: 'New_Customer',
        customerName: 'Nova Kundin',
        title: 'Hello from ACME support.',
      });
      expect(await conversationsOf(ticketId)).toEqual([{ key: `dm:${recipient}`, held: `dm:${recipient}` }]);
      expect(ticket.number).toMatch(/^\d{8}\d{8,}$/);
      expect(sentDms()).toEqual([expect.objectContaining({ participantId: recipient, text: 'Hello from ACME support.' })]);
      expect(await lastArticle(ticketId)).toMatchObject({ deliveryStatus: 'sent', externalId: sentDms()[0].dmEventId });
      expect((await follow(clients.anna, res)).text).toContain(`Ticket ${ticket.number} was created.`);

      // One open ticket per DM thread: a second one for the same person is refused.
      const again = await post('anna', '/tickets/new', '/tickets/new', { profileId: String(acme.id), queueId: String(supportQueue), type: 'dm', recipient: 'New_Customer', body: 'Second' });
      const page = await follow(clients.anna, again);
      expect(page.text).toContain(`There is already an open ticket with this person: ${ticket.number}.`);
      expect(page.text).toContain('>Second</textarea>');
    });

    it('starts a tweet ticket with a plain tweet', async () => {
      const res = await post('anna', '/tickets/new', '/tickets/new', { profileId: String(acme.id), queueId: String(supportQueue), type: 'tweet', title: 'Announcement', body: 'We are back online.' });
      expect(res.status).toBe(303);
      expect(sentTweets()).toEqual([expect.objectContaining({ text: 'We are back online.' })]);
      expect(sentTweets()[0].inReplyToTweetId).toBeUndefined();
      // A reply threads under our own tweet, but never starts with our own @handle.
      const zoom = await clients.anna.get(res.headers.location);
      expect(zoom.text).toContain(`Answers tweet ${sentTweets()[0].id} by @acme_support.`);
      expect(zoom.text).toMatch(/<textarea id="reply-body"[^>]*><\/textarea>/);
    });

    it('requires an @handle for a DM, says when X knows no such account or it is suspended, and keeps what was typed', async () => {
      const newTicket = (recipient: string) => post('anna', '/tickets/new', '/tickets/new', { profileId: String(acme.id), queueId: String(supportQueue), type: 'dm', recipient, body: 'Typed text' });
      const bad = await follow(clients.anna, await newTicket('some one!'));
      expect(bad.text).toMatch(/id="recipient-error"[^>]*>An @handle has 1 to 15 letters, digits or _\./);
      expect(bad.text).toContain('>Typed text</textarea>');
      expect(bad.text).toContain('value="some one!"');
      const missing = await follow(clients.anna, await newTicket(''));
      expect(missing.text).toMatch(/id="recipient-error"[^>]*>This field is required\./);
      const unknown = await follow(clients.anna, await newTicket('@nobody_here'));
      expect(unknown.text).toMatch(/id="recipient-error"[^>]*>X knows no account @nobody_here\. Check the spelling\./);
      expect(unknown.text).toContain('>Typed text</textarea>');
      fakeX.addPerson({ id: newXId(), username: 'gone_rogue', name: 'Gone' });
      fakeX.suspendUser('gone_rogue');
      const suspended = await follow(clients.anna, await newTicket('gone_rogue'));
      expect(suspended.text).toMatch(/id="recipient-error"[^>]*>The X account @gone_rogue is suspended: it cannot receive messages\./);
      fakeX.setMode('server-error');
      const down = await follow(clients.anna, await newTicket('new_customer'));
      expect(down.text).toMatch(/id="recipient-error"[^>]*>X could not look up @new_customer: /);
      expect(fakeX.sent).toHaveLength(0);
      expect(await ticketRepo().count({ where: { title: 'Typed text' } })).toBe(0);
    });

    it('starts a tweet to an @handle with the handle at its start, unless the text names them already', async () => {
      fakeX.addPerson({ id: newXId(), username: 'tweet_target', name: 'Tweet Target' });
      await post('anna', '/tickets/new', '/tickets/new', { profileId: String(acme.id), queueId: String(supportQueue), type: 'tweet', recipient: 'tweet_target', body: 'Your refund is on its way.' });
      await post('anna', '/tickets/new', '/tickets/new', {
        profileId: String(acme.id),
        queueId: String(supportQueue),
        type: 'tweet',
        recipient: 'tweet_target',
        body: 'Thanks @Tweet_Target for the tip!',
      });
      expect(sentTweets().map((s) => s.text)).toEqual(['@tweet_target Your refund is on its way.', 'Thanks @Tweet_Target for the tip!']);
    });

    it('offers and accepts only queues the agent works in (rw)', async () => {
      const form = await clients.otto.get('/tickets/new');
      expect(form.text).not.toContain('>Raw</option>');
      const res = await post('otto', '/tickets/new', '/tickets/new', { profileId: String(other.id), queueId: '1', type: 'tweet', body: 'Wrong queue' });
      expect((await follow(clients.otto, res)).text).toMatch(/id="queueId-error"[^>]*>Please choose one of the options\./);
      expect(fakeX.sent).toHaveLength(0);
    });
  });

  // Last: the deployed ACL stays in force for the rest of the file.
  describe('ACL Twitter access restriction (acl-examples/TwitterAccessRestriction.yml)', () => {
    beforeAll(async () => {
      expect(acme.id).toBe(1);
      const store = t.app.get(AclStoreService);
      await store.importYaml(readFileSync(join(__dirname, '../../acl-examples/TwitterAccessRestriction.yml')), { overwrite: false, actor: 'test' });
      await store.deploy('test');
    });

    it('hides profile 1 from an agent outside group twitter in /tickets/new and the queue view filter', async () => {
      const form = await clients.otto.get('/tickets/new');
      expect(form.text).not.toContain(`<option value="${acme.id}">`);
      expect(form.text).toContain(`<option value="${other.id}">AcmeSales (@acme_sales)</option>`);
      const list = await clients.otto.get('/tickets');
      expect(list.text).not.toContain(`<option value="${acme.id}">AcmeSupport</option>`);
      expect(list.text).toContain(`<option value="${other.id}">AcmeSales</option>`);
    });

    it('refuses a forged POST with profile 1 from that agent with 403 and a clear error, nothing stored or sent', async () => {
      const before = await ticketRepo().count();
      const res = await post('otto', '/tickets/new', '/tickets/new', { profileId: String(acme.id), queueId: String(supportQueue), type: 'tweet', body: 'Forged' });
      expect(res.status).toBe(403);
      expect(res.text).toContain('An ACL does not allow you to use that profile. Nothing was stored or sent.');
      expect(await ticketRepo().count()).toBe(before);
      expect(fakeX.sent).toHaveLength(0);
    });

    it('lets a member of twitter see and use profile 1', async () => {
      const form = await clients.tina.get('/tickets/new');
      expect(form.text).toContain(`<option value="${acme.id}">AcmeSupport (@acme_support)</option>`);
      const res = await post('tina', '/tickets/new', '/tickets/new', { profileId: String(acme.id), queueId: String(supportQueue), type: 'tweet', body: 'From Tina' });
      expect(res.headers.location).toMatch(/^\/tickets\/\d+$/);
      expect(sentTweets()).toEqual([expect.objectContaining({ text: 'From Tina', authorId: account.userId })]);
    });

    it('hides the reply form on a profile-1 ticket from that agent and refuses a forged reply', async () => {
      const { ticket } = await supportTicket({ channel: 'dm' });
      const zoom = await clients.otto.get(`/tickets/${ticket.id}`);
      expect(zoom.text).toContain('data-test="reply-refused"');
      expect(zoom.text).toContain('You may not use the profile &quot;AcmeSupport&quot; (ACL)');
      expect(zoom.text).not.toContain(`action="/tickets/${ticket.id}/reply`);
      const res = await clients.otto
        .post(`/tickets/${ticket.id}/reply`)
        .type('form')
        .send({ _csrf: csrfTokenOf(zoom.text), body: 'Forged reply' });
      expect(res.status).toBe(403);
      expect(res.text).toContain('You may not use the profile &quot;AcmeSupport&quot; (ACL)');
      expect(await articlesOf(ticket.id)).toHaveLength(1);
      // Notes need no profile: still allowed.
      expect((await post('otto', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/note`, { body: 'ok' })).status).toBe(303);
      // A twitter member replies on the same ticket.
      await reply('tina', ticket.id, 'Tina answers');
      expect(sentDms()).toHaveLength(1);
    });
  });
});
