import type TestAgent from 'supertest/lib/agent';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { ArticleDeliveryService } from '../../src/tickets/article-delivery.service';
import { Article } from '../../src/tickets/article.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { dmBody, newXId } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { insertArticle, insertTicket } from '../factories/ticket.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, logIn } from '../utils/http';
import { postSignedWebhook } from '../utils/post-webhook';

/**
 * Issue 8, defect 4: one X account on two profiles duplicated every DM and mention. Verifying (step
 * 5) or "Sign in with X" for an account another valid profile holds is refused with that profile's
 * name; an invalid profile frees the account; making a profile valid again while another holds its
 * account is refused; and only the holding profile ever receives the account's events or sends
 * through the account.
 */
describe('one X account, one profile', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let account: ReturnType<typeof registerXAccount>;
  let admin: TestAgent;

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    account = registerXAccount(fakeX);
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl, X_API_TIMEOUT_MS: '2000' } });
    admin = browserLike(t.app);
    await logIn(admin);
  });
  afterAll(async () => {
    await t.close();
    await fakeX.close();
  });

  const profilePath = (id: string, step?: number) => `/admin/social-media-profiles/twitter/${id}${step ? `/step/${step}` : ''}`;
  async function post(path: string, fields: Record<string, string>) {
    const form = await admin.get(path).expect(200);
    return admin
      .post(path)
      .type('form')
      .send({ _csrf: csrfTokenOf(form.text), ...fields });
  }
  /** Posts, then shows the page it leads to in the admin's language (Preferences). */
  async function postAndShow(path: string, fields: Record<string, string>, language = 'en'): Promise<string> {
    await t.dataSource.query(`UPDATE users SET language = '${language}' WHERE login = 'root@localhost'`);
    try {
      const res = await post(path, fields);
      expect(res.status).toBe(303);
      return (await admin.get(res.headers.location)).text;
    } finally {
      await t.dataSource.query(`UPDATE users SET language = 'en' WHERE login = 'root@localhost'`);
    }
  }
  async function newProfileWithKeys(name: string): Promise<string> {
    const res = await post('/admin/social-media-profiles/twitter/new', { name, description: '' });
    const id = /\/twitter\/(\d+)\/step\/1$/.exec(res.headers.location)![1];
    await post(profilePath(id, 1), { action: 'next' });
    await post(profilePath(id, 2), { appName: 'Helpdesk App', action: 'next' });
    await post(profilePath(id, 3), { consumerKey: account.consumerKey, consumerSecret: account.consumerSecret, action: 'next' });
    await post(profilePath(id, 4), { accessToken: account.accessToken, accessTokenSecret: account.accessTokenSecret, action: 'next' });
    return id;
  }
  const accountOf = async (id: string) => (await t.dataSource.query(`SELECT account_id, held_account_id, validity, access_token FROM social_media_profiles WHERE id = ${Number(id)}`))[0];

  it('refuses to verify an account another valid profile holds, naming it (en, de, sr); an invalid profile frees it; it cannot become valid again while the account is taken', async () => {
    const first = await newProfileWithKeys('AcmeFirst');
    expect(await postAndShow(profilePath(first, 5), { verify: '1' })).toContain('they belong to @acme_support');
    const second = await newProfileWithKeys('AcmeSecond');

    const refused = await postAndShow(profilePath(second, 5), { verify: '1' });
    expect(refused).toContain('The X account @acme_support is already used by the valid profile &quot;AcmeFirst&quot;.');
    expect(refused).toContain('Not verified yet');
    expect(await postAndShow(profilePath(second, 5), { verify: '1' }, 'de')).toContain('Das X-Konto @acme_support wird schon vom gültigen Profil „AcmeFirst“ verwendet.');
    expect(await postAndShow(profilePath(second, 5), { verify: '1' }, 'sr')).toContain('X налог @acme_support већ користи важећи профил „AcmeFirst“.');
    expect(await accountOf(second)).toMatchObject({ account_id: null, held_account_id: null });

    // Setting the first profile invalid frees the account.
    await post(profilePath(first), { name: 'AcmeFirst', description: '', validity: 'invalid', action: 'save' });
    expect(await accountOf(first)).toMatchObject({ account_id: account.userId, held_account_id: null, validity: 'invalid' });
    expect(await postAndShow(profilePath(second, 5), { verify: '1' })).toContain('they belong to @acme_support');
    expect(await accountOf(second)).toMatchObject({ account_id: account.userId, held_account_id: account.userId });

    // The first one may not become valid again while the second holds the account: the message stands at the validity.
    const back = await postAndShow(profilePath(first), { name: 'AcmeFirst', description: 'again', validity: 'valid', action: 'save' });
    expect(back).toContain('<p class="field-error" id="validity-error" role="alert">The X account @acme_support is already used by the valid profile &quot;AcmeSecond&quot;.');
    expect(back).toContain('>again</textarea>'); // what was typed is kept
    expect(await accountOf(first)).toMatchObject({ validity: 'invalid', held_account_id: null });

    // Temporarily invalid frees it as well.
    await post(profilePath(second), { name: 'AcmeSecond', description: '', validity: 'invalid-temporarily', action: 'save' });
    expect(await postAndShow(profilePath(first), { name: 'AcmeFirst', description: '', validity: 'valid', action: 'save' })).not.toContain('already used');
    expect(await accountOf(first)).toMatchObject({ validity: 'valid', held_account_id: account.userId });
  });

  it('refuses "Sign in with X" for an account another valid profile holds, storing none of its tokens', async () => {
    const id = await newProfileWithKeys('AcmeThird');
    await t.dataSource.query(`UPDATE social_media_profiles SET access_token = '' WHERE id = ${Number(id)}`);
    const step4 = await admin.get(profilePath(id, 4)).expect(200);
    const start = await admin
      .post(`${profilePath(id)}/sign-in-with-x`)
      .type('form')
      .send({ _csrf: csrfTokenOf(step4.text) });
    const authorize = new URL(start.headers.location);
    const callback = new URL(fakeX.approveRequestToken(authorize.searchParams.get('oauth_token')!));
    const done = await admin.get(callback.pathname + callback.search);
    expect(done.headers.location).toBe(profilePath(id, 4));
    const page = await admin.get(done.headers.location);
    const [holder] = await t.dataSource.query(`SELECT name FROM social_media_profiles WHERE held_account_id = '${account.userId}'`);
    expect(page.text).toContain(`The X account @acme_support is already used by the valid profile &quot;${holder.name}&quot;.`);
    expect(await accountOf(id)).toMatchObject({ access_token: '', account_id: null, held_account_id: null });
  });

  it('lets only the profile holding the account receive and process its events: one DM, one ticket', async () => {
    const queue = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    // Two valid profiles on one account, as a database from before this rule may hold them.
    const holder = await createReadyProfile(t, { name: 'Holder', accountId: '1790000000000000777', targetQueueId: queue.id, autoReplyText: 'Hi!' });
    const duplicate = await createReadyProfile(t, { name: 'Duplicate', accountId: '1790000000000000777', targetQueueId: queue.id, autoReplyText: 'Hi!' });
    expect((await accountOf(String(duplicate.id))).held_account_id).toBeNull();

    const customer = { id: newXId(), handle: 'twice', name: 'Twice' };
    const built = dmBody({ forUserId: '1790000000000000777', from: customer, to: { id: '1790000000000000777', handle: 'acme', name: 'Acme' }, text: 'hello both' });
    const deliver = (profileId: number) => postSignedWebhook(t.app.getHttpServer(), profileId, built.body, account.consumerSecret);
    await deliver(holder.id).expect(200);
    // Profiles of one X app share a webhook URL (docs/X.md): for_user_id sends the duplicate's delivery to the holder, stored once.
    await deliver(duplicate.id).expect(200);
    expect(await t.dataSource.query(`SELECT profile_id FROM inbox_events WHERE dedupe_key = 'dm:${built.id}'`)).toEqual([{ profile_id: holder.id }]);
    // An event stored for the duplicate before (its webhook used to answer) is not processed by it.
    await t.dataSource.query(
      `INSERT INTO inbox_events (profile_id, source, format, dedupe_key, payload, status, attempts, next_attempt_at, received_at) SELECT ${duplicate.id}, source, format, dedupe_key, payload, 'received', 0, 0, received_at FROM inbox_events WHERE dedupe_key = 'dm:${built.id}'`,
    );
    await t.app.get(InboxWorker).drain();

    const tickets = await t.dataSource.getRepository(Ticket).find({ where: { customerXId: customer.id } });
    expect(tickets.map((x) => x.profileId)).toEqual([holder.id]);
    const events = await t.dataSource.query(`SELECT profile_id, status, error FROM inbox_events WHERE dedupe_key = 'dm:${built.id}' ORDER BY profile_id`);
    expect(events.map((e: { profile_id: number; status: string }) => [Number(e.profile_id), e.status])).toEqual([
      [holder.id, 'processed'],
      [duplicate.id, 'rejected'],
    ]);
    expect(events[1].error).toContain('another profile holds its X account');
  });

  it('sends nothing through a valid profile that does not hold its account: the reply fails with the reason', async () => {
    const queue = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    // Receiving and sending ask the same rule (ProfileParticipation): the duplicate takes no part either way.
    await createReadyProfile(t, { name: 'SendHolder', accountId: '1790000000000000888', targetQueueId: queue.id });
    const duplicate = await createReadyProfile(t, { name: 'SendDuplicate', accountId: '1790000000000000888', targetQueueId: queue.id });
    const { ticket, customer } = await insertTicket(t, { profileId: duplicate.id, queueId: queue.id, channel: 'dm' });
    const queued = await insertArticle(t, ticket, customer, { sender: 'system', channel: 'dm', body: 'From the duplicate', deliveryStatus: 'sending', nextAttemptAt: Date.now() });

    await t.app.get(ArticleDeliveryService).kick();

    expect(fakeX.sent.filter((message) => message.text === 'From the duplicate')).toEqual([]);
    const failed = await t.dataSource.getRepository(Article).findOneByOrFail({ id: queued.id });
    expect(failed.deliveryStatus).toBe('failed');
    expect(JSON.parse(failed.deliveryError!)).toEqual({ key: 'tickets.profile.accountHeldElsewhere', params: { name: 'SendDuplicate' } });
  });
});
