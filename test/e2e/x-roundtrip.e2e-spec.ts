import { Clock } from '../../src/common/clock';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Poller } from '../../src/inbox/poller.service';
import { Queue } from '../../src/queues/queue.entity';
import { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { Article } from '../../src/tickets/article.entity';
import { ArticleDeliveryService } from '../../src/tickets/article-delivery.service';
import { Ticket } from '../../src/tickets/ticket.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { freePort } from '../utils/browser';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, logIn } from '../utils/http';
import { PROFILE_DIRECTORY_TTL_PASSED_MS, TestClock } from '../utils/test-clock';

/** The app on a real port, X played by the fake over real HTTP in both directions. */
describe('a conversation with X, end to end', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let account: ReturnType<typeof registerXAccount>;
  let queues: Record<string, number>;
  let profileId: number;
  let seq = 0;
  const clock = new TestClock();

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    account = registerXAccount(fakeX);
    const port = await freePort();
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl, X_API_TIMEOUT_MS: '2000', BASE_URL: `http://127.0.0.1:${port}` }, override: (b) => b.overrideProvider(Clock).useValue(clock) });
    await t.app.listen(port, '127.0.0.1');
    queues = Object.fromEntries((await t.dataSource.getRepository(Queue).find()).map((q) => [q.name, q.id]));
    const profile = await createReadyProfile(t, {
      accountId: account.userId,
      consumerKey: account.consumerKey,
      consumerSecret: account.consumerSecret,
      accessToken: account.accessToken,
      accessTokenSecret: account.accessTokenSecret,
      targetQueueId: queues.Raw,
      autoReplyText: 'Thanks for writing, we answer within a day.',
      hashtags: [{ hashtag: 'billing', queueId: queues.Misc }],
    });
    // Mentions and DMs come by webhook (an Account Activity environment is set); hashtags are polled.
    await t.dataSource.getRepository(SocialMediaProfile).update({ id: profile.id }, { aaaEnvironment: 'prod' });
    profileId = profile.id;
    fakeX.subscribeWebhook({ url: `http://127.0.0.1:${port}/webhooks/x/${profileId}`, consumerKey: account.consumerKey, forUserId: account.userId });
  });
  afterAll(async () => {
    await t.close();
    await fakeX.close();
  });

  const customer = () => ({ id: String(1_900_000_000_000_000_000n + BigInt(++seq)), username: `customer${seq}`, name: `Customer ${seq}` });
  /** Inbox processed, outgoing sent, echoes back and processed too. */
  async function settle() {
    for (let i = 0; i < 3; i++) {
      await t.app.get(InboxWorker).drain();
      await t.app.get(ArticleDeliveryService).kick();
      await fakeX.waitForDeliveries();
    }
    await t.app.get(InboxWorker).drain();
  }
  const ticketsOf = (xId: string) => t.dataSource.getRepository(Ticket).find({ where: { customerXId: xId }, order: { id: 'ASC' } });
  const articlesOf = (ticketId: number) => t.dataSource.getRepository(Article).find({ where: { ticketId }, order: { id: 'ASC' } });
  const sentTo = (userId: string) => fakeX.sent.filter((s) => s.kind === 'dm' && s.participantId === userId);

  it('a DM becomes a ticket, the auto-reply reaches X once, and its echo adds nothing', async () => {
    const c = customer();
    const delivery = await fakeX.deliverDirectMessage({ from: c, toUserId: account.userId, text: 'Where is my parcel?' });
    expect(delivery.status).toBe(200);
    await settle();
    await fakeX.deliverDirectMessage({ from: c, toUserId: account.userId, text: 'Hello?' });
    await settle();

    const [ticket, ...others] = await ticketsOf(c.id);
    expect(others).toEqual([]);
    expect(ticket.queueId).toBe(queues.Raw);
    expect(sentTo(c.id).map((s) => s.text)).toEqual(['Thanks for writing, we answer within a day.']);
    const articles = await articlesOf(ticket.id);
    expect(articles.map((a) => [a.sender, a.deliveryStatus])).toEqual([
      ['customer', null],
      ['system', 'sent'],
      ['customer', null],
    ]);
    const autoReply = articles[1];
    expect(autoReply.externalId).toBe(sentTo(c.id)[0].kind === 'dm' ? (sentTo(c.id)[0] as { dmEventId: string }).dmEventId : undefined);
    expect(await ticketsOf(account.userId)).toEqual([]);
  });

  it('an agent’s DM reply reaches the customer even when X echoes it before answering', async () => {
    fakeX.setEchoMode('before-response');
    const c = customer();
    await fakeX.deliverDirectMessage({ from: c, toUserId: account.userId, text: 'Can you help?' });
    await settle();
    const [ticket] = await ticketsOf(c.id);

    const agent = browserLike(t.app);
    await logIn(agent);
    const zoom = await agent.get(`/tickets/${ticket.id}`).expect(200);
    await agent
      .post(`/tickets/${ticket.id}/reply`)
      .type('form')
      .send({ _csrf: csrfTokenOf(zoom.text), body: 'Yes, your parcel left today.' })
      .expect(303);
    await settle();
    fakeX.setEchoMode('after-response');

    expect(sentTo(c.id).map((s) => s.text)).toEqual(['Thanks for writing, we answer within a day.', 'Yes, your parcel left today.']);
    const articles = await articlesOf(ticket.id);
    expect(articles.filter((a) => a.body === 'Yes, your parcel left today.').map((a) => [a.sender, a.deliveryStatus])).toEqual([['agent', 'sent']]);
    expect(await ticketsOf(account.userId)).toEqual([]);
  });

  it('a mention becomes a ticket, and the agent’s reply tweet answers it with the right in-reply-to', async () => {
    const c = customer();
    const { tweetId } = await fakeX.deliverTweet({ author: c, text: `@${account.username} my invoice is wrong`, mentions: [{ id: account.userId, username: account.username, name: account.name }] });
    await settle();
    const [ticket] = await ticketsOf(c.id);
    expect(ticket.channel).toBe('tweet');

    const agent = browserLike(t.app);
    await logIn(agent);
    const zoom = await agent.get(`/tickets/${ticket.id}`).expect(200);
    expect(zoom.text).toContain(`@${c.username}`);
    await agent
      .post(`/tickets/${ticket.id}/reply`)
      .type('form')
      .send({ _csrf: csrfTokenOf(zoom.text), body: `@${c.username} we fixed it, sorry!` })
      .expect(303);
    await settle();

    const reply = fakeX.sent.find((s) => s.kind === 'tweet' && s.text.includes('we fixed it'));
    expect(reply).toMatchObject({ kind: 'tweet', inReplyToTweetId: tweetId });
    const stored = (await articlesOf(ticket.id)).filter((a) => a.sender === 'agent');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ deliveryStatus: 'sent', externalId: (reply as { id: string }).id, inReplyToExternalId: tweetId });
  });

  describe('polling', () => {
    it('finds tracked hashtag tweets with since_id cursors, starting from now', async () => {
      const before = customer();
      fakeX.postPublicTweet({ author: before, text: 'old news #billing', hashtags: ['billing'] });
      await t.app.get(Poller).pollDue();
      await settle();
      expect(await ticketsOf(before.id)).toEqual([]); // the first poll only sets the cursor

      const c = customer();
      fakeX.postPublicTweet({ author: c, text: 'charged twice #billing', hashtags: ['billing'] });
      await t.dataSource.query(`UPDATE poll_cursors SET next_poll_at = 0`);
      expect(await t.app.get(Poller).pollDue()).toBe(1);
      await settle();
      const [ticket] = await ticketsOf(c.id);
      expect(ticket.queueId).toBe(queues.Misc);

      await t.dataSource.query(`UPDATE poll_cursors SET next_poll_at = 0`);
      expect(await t.app.get(Poller).pollDue()).toBe(0);
      const [cursor] = await t.dataSource.query(`SELECT since_id FROM poll_cursors WHERE stream = 'hashtag:billing'`);
      expect(cursor.since_id).toBe((await articlesOf(ticket.id))[0].externalId);
    });

    it('waits for X’s rate-limit reset when a stream is exhausted', async () => {
      fakeX.setRateLimit('GET /2/tweets/search/recent', 0);
      await t.dataSource.query(`UPDATE poll_cursors SET next_poll_at = 0`);
      await t.app.get(Poller).pollDue();
      const [cursor] = await t.dataSource.query(`SELECT next_poll_at FROM poll_cursors WHERE stream = 'hashtag:billing'`);
      expect(Number(cursor.next_poll_at)).toBeGreaterThan(Date.now() + 60_000);
      fakeX.reset();
    });

    it('polls mentions and DMs of a profile that has no webhook', async () => {
      await t.dataSource.query(`UPDATE social_media_profiles SET aaa_environment = '' WHERE id = ${profileId}`);
      clock.advance(PROFILE_DIRECTORY_TTL_PASSED_MS); // past the profile directory's cache
      await t.app.get(Poller).pollDue(); // first poll: cursors start from now
      const c = customer();
      fakeX.postDirectMessage({ from: c, toUserId: account.userId, text: 'polled DM' });
      fakeX.postPublicTweet({ author: c, text: `@${account.username} polled mention`, mentions: [{ id: account.userId, username: account.username, name: account.name }] });
      await t.dataSource.query(`UPDATE poll_cursors SET next_poll_at = 0`);
      expect(await t.app.get(Poller).pollDue()).toBe(2);
      await settle();
      expect((await ticketsOf(c.id)).map((x) => x.channel).sort()).toEqual(['dm', 'tweet']);
    });
  });
});
