import type TestAgent from 'supertest/lib/agent';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { Article } from '../../src/tickets/article.entity';
import { TicketHistoryEntry } from '../../src/tickets/ticket-history.entity';
import { TicketThread } from '../../src/tickets/ticket-thread.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { dmBody, newXId, tweetBody, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi, type FakeXSentDirectMessage, type FakeXSentTweet } from '../support/fake-x-api';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';
import { postSignedWebhook } from '../utils/post-webhook';

const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';

/**
 * Answer the way the customer wrote, or the other way (issue 10): a mention answered by DM brings
 * the customer's DM conversation into the ticket (or says which ticket holds it), a DM ticket's
 * public tweet brings that tweet's conversation in once X gave it an id. Customers' messages come
 * through the signed webhook and the inbox; what goes out is counted at the fake X.
 */
describe('answering a mention by DM, and a DM ticket by a public tweet', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let agent: TestAgent;
  let profileId: number;
  let queueId: number;
  let annaId: number;
  let account: XPerson;
  let seq = 0;

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    registerXAccount(fakeX);
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl, DELIVERY_INTERVAL_MS: '3600000' } });
    const group = await t.dataSource.getRepository(Group).save({ name: 'support', comment: '', validity: 'valid' });
    const queue = await t.dataSource.getRepository(Queue).save({ name: 'Support', groupId: group.id, followUp: 'possible' });
    const profile = await createReadyProfile(t, { targetQueueId: queue.id });
    profileId = profile.id;
    queueId = queue.id;
    account = { id: profile.accountId!, handle: 'acme_support', name: 'ACME Support' };
    const anna = await t.app.get(AgentsService).create({ login: 'anna', name: 'Anna', password: 'anna-password' });
    await t.app.get(AgentsService).setMembership(anna.id, group.id, 'rw');
    annaId = anna.id;
    agent = browserLike(t.app);
    await logIn(agent, 'anna', 'anna-password');
  });
  afterAll(async () => {
    await t?.close();
    await fakeX?.close();
  });
  afterEach(() => fakeX.reset());

  const customer = (): XPerson => ({ id: newXId(), handle: `kunde_${++seq}`, name: `Kunde ${seq}` });
  const sentDms = () => fakeX.sent.filter((s): s is FakeXSentDirectMessage => s.kind === 'dm');
  const sentTweets = () => fakeX.sent.filter((s): s is FakeXSentTweet => s.kind === 'tweet');
  const threadsOf = async (ticketId: number) =>
    (await t.dataSource.getRepository(TicketThread).find({ where: { ticketId }, order: { id: 'ASC' } })).map((r) => ({ key: r.threadKey, held: r.openThreadKey !== null }));
  const ticketOfArticle = async (externalId: string) => (await t.dataSource.getRepository(Article).findOneByOrFail({ externalId })).ticketId;
  /** A mention ticket holds its tweet's conversation from the start (docs/THREADING.md): the mention's id. */
  const mentionThread = async (ticketId: number) => ({
    key: `tweet:${(await t.dataSource.getRepository(Article).findOneByOrFail({ ticketId, sender: 'customer', channel: 'tweet' })).externalId}`,
    held: true,
  });

  async function deliver(body: string): Promise<void> {
    await postSignedWebhook(t.app.getHttpServer(), profileId, body, SECRET).expect(200);
    await t.app.get(InboxWorker).drain();
  }
  async function mention(from: XPerson, text: string): Promise<Ticket> {
    const { body, id } = tweetBody({ forUserId: account.id, author: from, text: `@acme_support ${text}`, mentions: [account] });
    await deliver(body);
    return t.dataSource.getRepository(Ticket).findOneByOrFail({ id: await ticketOfArticle(id) });
  }
  async function dm(from: XPerson, text: string): Promise<number> {
    const { body, id } = dmBody({ forUserId: account.id, from, to: account, text });
    await deliver(body);
    return ticketOfArticle(id);
  }
  async function reply(ticketId: number, fields: Record<string, string>) {
    const page = await agent.get(`/tickets/${ticketId}`);
    const formKey = /name="formKey" value="([^"]+)"/.exec(page.text)![1];
    return agent
      .post(`/tickets/${ticketId}/reply`)
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), formKey, ...fields });
  }

  it('offers both channels, the ticket’s own first, with the prefill of each', async () => {
    const author = customer();
    const ticket = await mention(author, 'my parcel?');
    const page = (await agent.get(`/tickets/${ticket.id}`)).text;
    expect(page).toMatch(/value="tweet" data-compose-type-for="reply-body" data-test="channel-tweet" checked>[^<]*Tweet \(public\)/);
    expect(page).toMatch(/value="dm" data-compose-type-for="reply-body" data-test="channel-dm">[^<]*Direct message \(private\)/);
    expect(page).toContain(`data-prefill-tweet="@${author.handle} " data-prefill-dm=""`);
    expect(page).toContain(`A direct message goes to @${author.handle}; their answers by direct message come to this ticket.`);
    expect(page).toMatch(new RegExp(`href="https://x.com/${author.handle}/status/\\d+"[^>]*data-test="x-link"`));

    const dmPage = (await agent.get(`/tickets/${await dm(customer(), 'hello')}`)).text;
    expect(dmPage).toMatch(/value="dm"[^>]*checked>/);
    expect(dmPage).toContain('A tweet from this ticket is public: everyone on X can read it.');
  });

  it('answers a mention by DM: the DM goes to the author, and their DM conversation joins and is held by the ticket', async () => {
    const author = customer();
    const ticket = await mention(author, 'where is my order?');
    const res = await reply(ticket.id, { channel: 'dm', body: 'Please send us your order number.' });
    expect((await follow(agent, res)).text).toContain('The reply was sent.');
    expect(sentDms()).toEqual([expect.objectContaining({ participantId: author.id, text: 'Please send us your order number.' })]);
    expect(sentTweets()).toEqual([]);
    const sent = await t.dataSource.getRepository(Article).findOneByOrFail({ ticketId: ticket.id, sender: 'agent' });
    expect(sent).toMatchObject({ channel: 'dm', deliveryStatus: 'sent', externalId: sentDms()[0].dmEventId });
    expect(await threadsOf(ticket.id)).toEqual([await mentionThread(ticket.id), { key: `dm:${author.id}`, held: true }]);
    // The customer answers privately: into the same ticket, not a new one.
    expect(await dm(author, 'It is 4711.')).toBe(ticket.id);
    expect(await t.dataSource.getRepository(Ticket).countBy({ customerXId: author.id })).toBe(1);
    // The ticket's history (docs/AGENT-WORKSPACE.md) tells it: Anna's DM on the mention ticket, what answering changed, X's id, the customer's DM.
    const history = await t.dataSource.getRepository(TicketHistoryEntry).find({ where: { ticketId: ticket.id }, order: { id: 'ASC' } });
    expect(history.map((h) => [h.kind, h.actor, h.agentId, h.newValue])).toEqual([
      ['created', 'customer', null, String(queueId)],
      ['article', 'customer', null, 'tweet'],
      ['article', 'agent', annaId, 'dm'],
      ['state', 'agent', annaId, 'open'],
      ['owner', 'agent', annaId, String(annaId)],
      ['lock', 'agent', annaId, 'lock'],
      ['delivery-sent', 'system', null, sentDms()[0].dmEventId],
      ['article', 'customer', null, 'dm'],
    ]);
    expect(history.find((h) => h.kind === 'delivery-sent')?.articleId).toBe(sent.id);
  });

  it('a DM of 300 characters is fine where a tweet of 300 is refused; the choice is checked on submit', async () => {
    const ticket = await mention(customer(), 'long story');
    const long = 'x'.repeat(300);
    const refused = await follow(agent, await follow(agent, await reply(ticket.id, { channel: 'tweet', body: long })));
    expect(refused.text).toContain('A tweet has at most 280 characters');
    expect(refused.text).toMatch(/value="tweet"[^>]*checked>/);
    const forged = await follow(agent, await follow(agent, await reply(ticket.id, { channel: 'fax', body: 'Hi' })));
    expect(forged.text).toMatch(/id="channel-error"[^>]*>Please choose one of the options\./);
    expect(fakeX.sent).toHaveLength(0);
    await reply(ticket.id, { channel: 'dm', body: long });
    expect(sentDms().map((d) => d.text)).toEqual([long]);
  });

  it('when another open ticket holds the DM conversation, says so before and after sending; answers land there until it closes', async () => {
    const author = customer();
    const dmTicket = await dm(author, 'I wrote you privately first.');
    const mentionTicket = await mention(author, 'and publicly too');
    const page = (await agent.get(`/tickets/${mentionTicket.id}`)).text;
    expect(page).toContain('data-test="dm-lands-in"');
    const holder = await t.dataSource.getRepository(Ticket).findOneByOrFail({ id: dmTicket });
    expect(page).toContain(`<a href="/tickets/${dmTicket}">${holder.number}</a>`);

    const after = await follow(agent, await reply(mentionTicket.id, { channel: 'dm', body: 'Answered by DM' }));
    expect(after.text).toContain(`The customer&#x27;s direct messages go to ticket ${holder.number}, which holds the conversation with them.`);
    expect(await threadsOf(mentionTicket.id)).toEqual([await mentionThread(mentionTicket.id), { key: `dm:${author.id}`, held: false }]);
    expect(await dm(author, 'Answer to your DM')).toBe(dmTicket);

    // The holder closes: the conversation passes to the mention ticket, which belongs to it.
    const closing = await agent.get(`/tickets/${dmTicket}`);
    await agent
      .post(`/tickets/${dmTicket}/state`)
      .type('form')
      .send({ _csrf: csrfTokenOf(closing.text), state: 'closed successful' })
      .expect(303);
    expect(await threadsOf(mentionTicket.id)).toEqual([await mentionThread(mentionTicket.id), { key: `dm:${author.id}`, held: true }]);
    expect(await dm(author, 'Next DM')).toBe(mentionTicket.id);
  });

  it('a DM ticket’s public tweet starts a conversation that joins the ticket once X returned its id', async () => {
    const author = customer();
    const ticketId = await dm(author, 'Can you confirm publicly that the outage is over?');
    const page = (await agent.get(`/tickets/${ticketId}`)).text;
    expect(page).toContain(`data-prefill-tweet="@${author.handle} "`);
    await reply(ticketId, { channel: 'tweet', body: `@${author.handle} Yes, everything works again.` });
    expect(sentTweets()).toEqual([expect.objectContaining({ text: `@${author.handle} Yes, everything works again.` })]);
    expect(sentTweets()[0].inReplyToTweetId).toBeUndefined();
    const tweetId = sentTweets()[0].id;
    expect(await threadsOf(ticketId)).toEqual([
      { key: `dm:${author.id}`, held: true },
      { key: `tweet:${tweetId}`, held: true },
    ]);
    // The customer replies to that tweet: into the DM ticket.
    const { body, id } = tweetBody({ forUserId: account.id, author, text: '@acme_support thanks!', mentions: [account], inReplyTo: { tweetId, userId: account.id } });
    await deliver(body);
    expect(await ticketOfArticle(id)).toBe(ticketId);
  });

  it('offers no DM on a tweet ticket without a customer account, and refuses a forged one', async () => {
    const form = await agent.get('/tickets/new');
    const created = await agent
      .post('/tickets/new')
      .type('form')
      .send({
        _csrf: csrfTokenOf(form.text),
        formKey: /name="formKey" value="([^"]+)"/.exec(form.text)![1],
        profileId: String(profileId),
        queueId: String((await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Support' })).id),
        type: 'tweet',
        body: 'We are back online.',
      });
    const ticketId = Number(/^\/tickets\/(\d+)$/.exec(created.headers.location)![1]);
    const page = (await agent.get(`/tickets/${ticketId}`)).text;
    expect(page).not.toContain('data-test="channel-dm"');
    // Its own tweet started a conversation, which the ticket now holds.
    expect(await threadsOf(ticketId)).toEqual([{ key: `tweet:${sentTweets()[0].id}`, held: true }]);
    const refused = await follow(agent, await follow(agent, await reply(ticketId, { channel: 'dm', body: 'Psst' })));
    expect(refused.text).toMatch(/id="channel-error"[^>]*>This ticket has no X account to send a direct message to\./);
    expect(sentDms()).toEqual([]);
  });
});
