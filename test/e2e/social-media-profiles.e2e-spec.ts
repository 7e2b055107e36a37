import { readFileSync } from 'node:fs';
import type TestAgent from 'supertest/lib/agent';
import { AgentsService } from '../../src/agents/agents.service';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';

describe('social media profiles: the Twitter wizard', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let account: ReturnType<typeof registerXAccount>;
  let admin: TestAgent;
  const allHtml: string[] = [];

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    account = registerXAccount(fakeX);
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl, X_API_TIMEOUT_MS: '400', BASE_URL: 'https://desk.example.com' } });
    admin = browserLike(t.app);
    await logIn(admin);
  });
  afterAll(async () => {
    await t.close();
    await fakeX.close();
  });
  afterEach(async () => {
    fakeX.reset();
    // Most tests verify the one fake account on a profile of their own: each starts with it free
    // (one X account, one profile is tested in one-account-one-profile.e2e-spec.ts).
    await t.dataSource.query('UPDATE social_media_profiles SET held_account_id = NULL');
  });

  /** Every page an admin saw, to prove no secret was ever rendered. */
  async function page(path: string) {
    const res = await admin.get(path);
    allHtml.push(res.text);
    return res;
  }
  async function post(path: string, fields: Record<string, string>) {
    const form = await page(path);
    expect(form.status).toBe(200);
    return admin
      .post(path)
      .type('form')
      .send({ _csrf: csrfTokenOf(form.text), ...fields });
  }
  async function postAndFollow(path: string, fields: Record<string, string>) {
    const res = await post(path, fields);
    const next = await follow(admin, res);
    allHtml.push(next.text);
    return { res, next: Object.assign(next, { path: new URL(res.headers.location, 'http://x').pathname }) };
  }
  async function queueId(name: string) {
    const [row] = await t.dataSource.query(t.config.database.kind === 'postgres' ? 'SELECT id FROM queues WHERE name = $1' : 'SELECT id FROM queues WHERE name = ?', [name]);
    return String(row.id);
  }
  async function newProfile(name: string): Promise<string> {
    const res = await post('/admin/social-media-profiles/twitter/new', { name, description: `${name} profile` });
    const match = /^\/admin\/social-media-profiles\/twitter\/(\d+)\/step\/1$/.exec(res.headers.location);
    if (!match) throw new Error(`unexpected redirect ${res.status} ${res.headers.location}`);
    return match[1];
  }
  async function fillKeys(id: string, keys: Partial<typeof account> = {}) {
    const k = { ...account, ...keys };
    const base = `/admin/social-media-profiles/twitter/${id}/step`;
    await post(`${base}/1`, { action: 'next' });
    await post(`${base}/2`, { appName: 'Helpdesk App', action: 'next' });
    await post(`${base}/3`, { consumerKey: k.consumerKey, consumerSecret: k.consumerSecret, action: 'next' });
    await post(`${base}/4`, { accessToken: k.accessToken, accessTokenSecret: k.accessTokenSecret, action: 'next' });
  }

  it('is reached from the admin overview under Communication & Notifications', async () => {
    const overview = await page('/admin');
    expect(overview.text).toContain('href="/admin/social-media-profiles"');
    const list = await page('/admin/social-media-profiles');
    expect(list.text).toContain('Add Twitter profile');
  });

  it('walks through General and all six steps, then lists the finished profile', async () => {
    const { next: step1 } = await postAndFollow('/admin/social-media-profiles/twitter/new', { name: 'AcmeSupport', description: 'Our main account' });
    expect(step1.text).toContain('Step 1: Set up a Twitter developer account');
    expect(step1.text).toContain('value="https://desk.example.com/api/v1/external_credentials/twitter/callback"');
    expect(step1.text).toMatch(/value="https:\/\/desk\.example\.com\/webhooks\/x\/\d+"/);
    expect(step1.text).toContain('Read, write and access direct messages');
    const id = /\/twitter\/(\d+)\/step\/1/.exec(step1.path)![1];
    const base = `/admin/social-media-profiles/twitter/${id}/step`;

    const { next: step2 } = await postAndFollow(`${base}/1`, { action: 'next' });
    expect(step2.path).toBe(`${base}/2`);
    expect(step2.text).toMatch(/class="step-done"[^]*Set up a Twitter developer account/);

    const { next: step3 } = await postAndFollow(`${base}/2`, { appName: 'Helpdesk App', aaaEnvironment: 'prod', action: 'next' });
    expect(step3.path).toBe(`${base}/3`);
    const { next: step4 } = await postAndFollow(`${base}/3`, { consumerKey: account.consumerKey, consumerSecret: account.consumerSecret, action: 'next' });
    expect(step4.path).toBe(`${base}/4`);
    const { next: step5 } = await postAndFollow(`${base}/4`, { accessToken: account.accessToken, accessTokenSecret: account.accessTokenSecret, action: 'next' });
    expect(step5.text).toContain('Not verified yet');

    const { next: verified } = await postAndFollow(`${base}/5`, { verify: '1' });
    expect(verified.text).toContain('The credentials work: they belong to @acme_support.');
    expect(verified.text).toContain(`@acme_support · ACME Support · account ID ${account.userId}`);

    const { next: step6 } = await postAndFollow(`${base}/5`, { action: 'next' });
    expect(step6.path).toBe(`${base}/6`);
    const { res, next: list } = await postAndFollow(`${base}/6`, {
      receivingMode: 'polling',
      targetQueueId: await queueId('Raw'),
      autoReplyEnabled: '1',
      autoReplyText: 'Thanks,\nwe will answer soon.',
      mentionsEnabled: '1',
      'hashtags[0][hashtag]': '#AcmeHelp',
      'hashtags[0][queueId]': await queueId('Misc'),
      action: 'finish',
    });
    expect(res.headers.location).toBe('/admin/social-media-profiles');
    expect(list.text).toContain('The profile &quot;AcmeSupport&quot; is set up.');
    expect(list.text).toMatch(/>AcmeSupport<\/a>\s*<br><small class="muted">Our main account<\/small><\/td>\s*<td>Twitter<\/td>\s*<td>@acme_support<\/td>\s*<td>Raw<\/td>/);
    expect(list.text).not.toMatch(/AcmeSupport<\/a> <span class="badge/);

    const [row] = await t.dataSource.query(`SELECT account_id, auto_reply_enabled, auto_reply_text, mentions_enabled, created_by FROM social_media_profiles WHERE name = 'AcmeSupport'`);
    expect(row.account_id).toBe(account.userId);
    expect(Boolean(row.auto_reply_enabled)).toBe(true);
    expect(row.created_by).toBe('root@localhost');
    expect(row.auto_reply_text).toBe('Thanks,\nwe will answer soon.');
    const step6Again = await page(`${base}/6`);
    expect(step6Again.text).toContain('>Thanks,\nwe will answer soon.</textarea>');
    const hashtags = await t.dataSource.query(`SELECT hashtag FROM tracked_hashtags`);
    expect(hashtags).toEqual([{ hashtag: 'acmehelp' }]);
  });

  it('shows the type and the ID in the URL, and editing opens the same steps', async () => {
    const id = await newProfile('UrlShows');
    const list = await page('/admin/social-media-profiles');
    expect(list.text).toContain(`href="/admin/social-media-profiles/twitter/${id}"`);
    const general = await page(`/admin/social-media-profiles/twitter/${id}`);
    expect(general.text).toContain('value="UrlShows"');
    expect(general.text).toContain(`href="/admin/social-media-profiles/twitter/${id}/step/3"`);
  });

  describe('the General box', () => {
    it.each([
      ['Acme Support', 'The name may contain only letters and digits'],
      ['acme-support', 'The name may contain only letters and digits'],
      ['', 'This field is required.'],
    ])('refuses the name %j next to the field, keeping the description', async (name, message) => {
      const { next } = await postAndFollow('/admin/social-media-profiles/twitter/new', { name, description: 'kept description' });
      expect(next.path).toBe('/admin/social-media-profiles/twitter/new');
      expect(next.text).toContain(message);
      expect(next.text).toContain('kept description');
      expect(next.text).toContain(`value="${name}"`);
    });

    it('refuses a name that is taken (case-insensitively)', async () => {
      await newProfile('TakenName');
      const { next } = await postAndFollow('/admin/social-media-profiles/twitter/new', { name: 'takenname' });
      expect(next.text).toContain('A profile named &quot;takenname&quot; already exists.');
    });

    it('accepts letters beyond ASCII, as the German and Serbian admins write them', async () => {
      expect(await newProfile('Kundendienstü')).toMatch(/^\d+$/);
      expect(await newProfile('Подршка')).toMatch(/^\d+$/);
    });
  });

  describe('steps', () => {
    it('keeps what was typed and marks the field when a step is rejected', async () => {
      const id = await newProfile('StepErrors');
      const base = `/admin/social-media-profiles/twitter/${id}/step`;
      const { next } = await postAndFollow(`${base}/3`, { consumerKey: 'has space', consumerSecret: 'typed-secret', action: 'next' });
      expect(next.path).toBe(`${base}/3`);
      expect(next.text).toContain('Keys and tokens contain no spaces');
      expect(next.text).toContain('value="has space"');
      expect(next.text).not.toContain('typed-secret');

      const { next: missingSecret } = await postAndFollow(`${base}/3`, { consumerKey: 'key-only', consumerSecret: '', action: 'next' });
      expect(missingSecret.text).toMatch(/id="consumerSecret"[^>]*aria-invalid="true"/);
      expect(missingSecret.text).toContain('value="key-only"');

      const { next: noAppName } = await postAndFollow(`${base}/2`, { appName: '', aaaEnvironment: 'has space', action: 'save' });
      expect(noAppName.text).toContain('This field is required.');
      expect(noAppName.text).toContain('value="has space"');
    });

    it('saves on every button: Previous goes back, Save stays', async () => {
      const id = await newProfile('Buttons');
      const base = `/admin/social-media-profiles/twitter/${id}/step`;
      const saved = await post(`${base}/2`, { appName: 'Kept App', action: 'save' });
      expect(saved.headers.location).toBe(`${base}/2`);
      const back = await post(`${base}/2`, { appName: 'Kept App 2', action: 'previous' });
      expect(back.headers.location).toBe(`${base}/1`);
      expect((await page(`${base}/2`)).text).toContain('value="Kept App 2"');
      const toGeneral = await post(`${base}/1`, { action: 'previous' });
      expect(toGeneral.headers.location).toBe(`/admin/social-media-profiles/twitter/${id}`);
    });

    it('refuses "Save and finish" while a step is missing, and says which', async () => {
      const id = await newProfile('Unfinished');
      const base = `/admin/social-media-profiles/twitter/${id}/step`;
      await post(`${base}/1`, { action: 'next' });
      const { next } = await postAndFollow(`${base}/2`, { appName: 'Half Done', action: 'finish' });
      expect(next.path).toBe(`${base}/2`);
      expect(next.text).toContain('Not finished yet: step 3 is missing.');
      expect(next.text).toContain('value="Half Done"');
      const list = await page('/admin/social-media-profiles');
      expect(list.text).toMatch(/>Unfinished<\/a> <span class="badge badge-warning">setup incomplete<\/span>/);
    });

    it('says how to confirm step 1 when it is the first step missing, since it has nothing to fill in', async () => {
      const id = await newProfile('TabsOnly');
      const base = `/admin/social-media-profiles/twitter/${id}/step`;
      const raw = await queueId('Raw');
      // Steps 2 to 6 reached by their tabs, step 1 never confirmed with "Next step".
      await post(`${base}/2`, { appName: 'Tabs App', action: 'save' });
      await post(`${base}/3`, { consumerKey: 'ck-tabs-only', consumerSecret: 'cs-tabs-only', action: 'save' });
      const { next } = await postAndFollow(`${base}/6`, { targetQueueId: raw, action: 'finish' });
      expect(next.text).toContain('Not finished yet: step 1 has not been confirmed. Open it, read how to prepare the X developer account, and press “Next step” there.');
      expect(next.text).not.toContain('step 1 is missing');
    });

    it('requires the auto-reply text only when auto-reply is ticked, and at most 10,000 characters', async () => {
      const id = await newProfile('AutoReply');
      const base = `/admin/social-media-profiles/twitter/${id}/step`;
      const raw = await queueId('Raw');
      const { next } = await postAndFollow(`${base}/6`, { targetQueueId: raw, autoReplyEnabled: '1', autoReplyText: '  ', action: 'save' });
      expect(next.text).toContain('Enter the text of the automatic reply, or untick the checkbox.');
      expect(next.text).toMatch(/name="autoReplyEnabled" value="1" checked/);
      const { next: tooLong } = await postAndFollow(`${base}/6`, { targetQueueId: raw, autoReplyEnabled: '1', autoReplyText: 'x'.repeat(10_001), action: 'save' });
      expect(tooLong.text).toContain('At most 10000 characters.');
      // As a browser sends it: every empty hashtag row included.
      const ok = await post(`${base}/6`, {
        targetQueueId: raw,
        autoReplyText: '',
        'hashtags[0][hashtag]': '',
        'hashtags[0][queueId]': '',
        'hashtags[1][hashtag]': '',
        'hashtags[1][queueId]': '',
        action: 'save',
      });
      expect(ok.headers.location).toBe(`${base}/6`);
    });

    it('refuses an invalid target queue and a hashtag without a queue', async () => {
      const id = await newProfile('Routing');
      const base = `/admin/social-media-profiles/twitter/${id}/step`;
      const { next } = await postAndFollow(`${base}/6`, { targetQueueId: '', action: 'save' });
      expect(next.text).toMatch(/id="targetQueueId"[^>]*aria-invalid="true"/);
      const { next: hashtag } = await postAndFollow(`${base}/6`, { targetQueueId: await queueId('Raw'), 'hashtags[0][hashtag]': '#support', 'hashtags[0][queueId]': '', action: 'save' });
      expect(hashtag.text).toContain('Please choose one of the options.');
      expect(hashtag.text).toContain('value="#support"');
      const { next: shape } = await postAndFollow(`${base}/6`, {
        targetQueueId: await queueId('Raw'),
        'hashtags[0][hashtag]': '#not ok',
        'hashtags[0][queueId]': await queueId('Raw'),
        action: 'save',
      });
      expect(shape.text).toContain('A hashtag is made of letters, digits and _');
    });
  });

  describe('verify credentials', () => {
    async function verify(id: string) {
      const { next } = await postAndFollow(`/admin/social-media-profiles/twitter/${id}/step/5`, { verify: '1' });
      return next.text;
    }

    it('names a wrong consumer secret as invalid credentials (401)', async () => {
      const id = await newProfile('WrongSecret');
      await fillKeys(id, { consumerSecret: 'not-the-right-secret' });
      expect(await verify(id)).toContain('X refused the credentials (401)');
    });

    it('names a missing permission (403)', async () => {
      const id = await newProfile('Forbidden');
      await fillKeys(id);
      fakeX.setMode('forbidden');
      expect(await verify(id)).toContain('X refused access (403)');
    });

    it('says until when X rate-limits (429 + x-rate-limit-reset)', async () => {
      const id = await newProfile('RateLimited');
      await fillKeys(id);
      fakeX.setMode('rate-limited', { resetAt: new Date('2030-01-02T03:04:05Z') });
      expect(await verify(id)).toContain('X&#x27;s rate limit is reached; try again after 2030-01-02 03:04:05 UTC.');
    });

    it('gives up when X does not answer in time', async () => {
      const id = await newProfile('Slow');
      await fillKeys(id);
      fakeX.setMode('slow', { delayMs: 2000 });
      expect(await verify(id)).toContain('X did not answer in time');
    });

    it('clears the verification when a key changes afterwards', async () => {
      const id = await newProfile('Reverify');
      await fillKeys(id);
      expect(await verify(id)).toContain('they belong to @acme_support');
      await post(`/admin/social-media-profiles/twitter/${id}/step/4`, { accessToken: account.accessToken, accessTokenSecret: 'a-different-secret', action: 'save' });
      expect((await page(`/admin/social-media-profiles/twitter/${id}/step/5`)).text).toContain('Not verified yet');
      const [row] = await t.dataSource.query(`SELECT account_id, verified_at FROM social_media_profiles WHERE id = ${Number(id)}`);
      expect(row).toEqual({ account_id: null, verified_at: null });
    });

    it('keeps the verification when the stored secrets are left empty', async () => {
      const id = await newProfile('KeepSecrets');
      await fillKeys(id);
      await verify(id);
      await post(`/admin/social-media-profiles/twitter/${id}/step/3`, { consumerKey: account.consumerKey, consumerSecret: '', action: 'save' });
      const step3 = await page(`/admin/social-media-profiles/twitter/${id}/step/3`);
      expect(step3.text).toContain('A value is stored and is not shown. Leave the field empty to keep it.');
      expect((await page(`/admin/social-media-profiles/twitter/${id}/step/5`)).text).toContain('Verified as');
    });
  });

  describe('Sign in with X (3-legged OAuth)', () => {
    it('fills in the access token and verifies the account', async () => {
      const id = await newProfile('ThreeLegged');
      const base = `/admin/social-media-profiles/twitter/${id}/step`;
      await post(`${base}/3`, { consumerKey: account.consumerKey, consumerSecret: account.consumerSecret, action: 'save' });
      const start = await post(`/admin/social-media-profiles/twitter/${id}/step/4`, {}).then(async () => {
        const step4 = await page(`${base}/4`);
        return admin
          .post(`/admin/social-media-profiles/twitter/${id}/sign-in-with-x`)
          .type('form')
          .send({ _csrf: csrfTokenOf(step4.text) });
      });
      expect(start.status).toBe(303);
      const authorize = new URL(start.headers.location);
      expect(authorize.origin + authorize.pathname).toBe(`${fakeX.baseUrl}/oauth/authorize`);

      const callback = new URL(fakeX.approveRequestToken(authorize.searchParams.get('oauth_token')!));
      expect(callback.pathname).toBe('/api/v1/external_credentials/twitter/callback');
      const done = await admin.get(callback.pathname + callback.search);
      expect(done.headers.location).toBe(`${base}/5`);
      const step5 = await follow(admin, done);
      expect(step5.text).toContain('Signed in with X as @acme_support');
      expect(step5.text).toContain('Verified as');
      const [row] = await t.dataSource.query(`SELECT access_token, account_id FROM social_media_profiles WHERE id = ${Number(id)}`);
      expect(row).toEqual({ access_token: account.accessToken, account_id: account.userId });
    });

    it('refuses a callback whose token this session did not ask for, changing nothing', async () => {
      const id = await newProfile('Mismatch');
      await post(`/admin/social-media-profiles/twitter/${id}/step/3`, { consumerKey: account.consumerKey, consumerSecret: account.consumerSecret, action: 'save' });
      const step4 = await page(`/admin/social-media-profiles/twitter/${id}/step/4`);
      await admin
        .post(`/admin/social-media-profiles/twitter/${id}/sign-in-with-x`)
        .type('form')
        .send({ _csrf: csrfTokenOf(step4.text) });
      const res = await admin.get('/api/v1/external_credentials/twitter/callback?oauth_token=forged&oauth_verifier=x');
      const back = await follow(admin, res);
      expect(back.text).toContain('did not belong to this sign-in; nothing was changed');
      const [row] = await t.dataSource.query(`SELECT access_token FROM social_media_profiles WHERE id = ${Number(id)}`);
      expect(row.access_token).toBe('');
    });

    it('answers a callback with no sign-in under way (used already, or never started) with 400 and what to do', async () => {
      const res = await admin.get('/api/v1/external_credentials/twitter/callback?oauth_token=any&oauth_verifier=x');
      expect(res.status).toBe(400);
      expect(res.text).toContain('No sign-in with X is under way in this session');
    });

    it('asks for the consumer keys first', async () => {
      const id = await newProfile('NoConsumer');
      const step4 = await page(`/admin/social-media-profiles/twitter/${id}/step/4`);
      const res = await admin
        .post(`/admin/social-media-profiles/twitter/${id}/sign-in-with-x`)
        .type('form')
        .send({ _csrf: csrfTokenOf(step4.text) });
      expect((await follow(admin, res)).text).toContain('Enter and save the consumer key and secret (step 3) first.');
    });
  });

  describe('validity and no delete', () => {
    it('changes validity from the edit screen and shows it in the table', async () => {
      const id = await newProfile('Toggle');
      const res = await post(`/admin/social-media-profiles/twitter/${id}`, { name: 'Toggle', description: 'x', validity: 'invalid-temporarily', action: 'save' });
      expect(res.headers.location).toBe(`/admin/social-media-profiles/twitter/${id}`);
      const list = await page('/admin/social-media-profiles?filter=toggle');
      expect(list.text).toContain('validity-invalid-temporarily');
    });

    it('has no delete: DELETE answers 404 and the profile stays', async () => {
      const id = await newProfile('Undeletable');
      const token = csrfTokenOf((await page(`/admin/social-media-profiles/twitter/${id}`)).text);
      await admin.delete(`/admin/social-media-profiles/twitter/${id}`).set('x-csrf-token', token).expect(404);
      expect((await page(`/admin/social-media-profiles/twitter/${id}`)).text).not.toMatch(/<(button|a)\b[^>]*>\s*Delete/i);
      expect(await t.dataSource.query(`SELECT id FROM social_media_profiles WHERE id = ${Number(id)}`)).toHaveLength(1);
    });

    it('filters the table with ?filter= without JavaScript', async () => {
      await newProfile('FilterMe');
      const list = await page('/admin/social-media-profiles?filter=filterm');
      expect(list.text).toContain('>FilterMe</a>');
      expect(list.text).not.toContain('>Toggle</a>');
    });
  });

  describe('security', () => {
    it('refuses agents who are not admins, on pages and on posts', async () => {
      await t.app.get(AgentsService).create({ login: 'plain-agent', name: 'Plain', password: 'plain-password' });
      const agent = browserLike(t.app);
      await logIn(agent, 'plain-agent', 'plain-password');
      await agent.get('/admin/social-media-profiles').expect(403);
      const token = csrfTokenOf((await agent.get('/').expect(200)).text);
      await agent.post('/admin/social-media-profiles/twitter/new').type('form').send({ _csrf: token, name: 'Sneaky' }).expect(403);
      expect(await t.dataSource.query(`SELECT id FROM social_media_profiles WHERE name = 'Sneaky'`)).toHaveLength(0);
    });

    it('refuses a wizard post without a CSRF token', async () => {
      await admin.post('/admin/social-media-profiles/twitter/new').type('form').send({ name: 'NoToken' }).expect(403);
      expect(await t.dataSource.query(`SELECT id FROM social_media_profiles WHERE name = 'NoToken'`)).toHaveLength(0);
    });

    it('never renders a secret and stores none readable in the database', async () => {
      const id = await newProfile('SecretKeeper');
      await fillKeys(id);
      for (let step = 1; step <= 6; step++) await page(`/admin/social-media-profiles/twitter/${id}/step/${step}`);
      await page(`/admin/social-media-profiles/twitter/${id}`);
      const everything = allHtml.join('\n');
      expect(everything).not.toContain(account.consumerSecret);
      expect(everything).not.toContain(account.accessTokenSecret);

      const [row] = await t.dataSource.query(`SELECT consumer_secret_encrypted, access_token_secret_encrypted FROM social_media_profiles WHERE id = ${Number(id)}`);
      expect(row.consumer_secret_encrypted).toMatch(/^v1:/);
      expect(row.access_token_secret_encrypted).toMatch(/^v1:/);
      if (t.config.database.kind === 'sqlite') {
        await t.dataSource.query('PRAGMA wal_checkpoint(FULL)');
        const file = readFileSync(t.config.database.sqlitePath);
        expect(file.includes(account.consumerSecret)).toBe(false);
        expect(file.includes(account.accessTokenSecret)).toBe(false);
      } else {
        const dump = JSON.stringify(await t.dataSource.query('SELECT * FROM social_media_profiles'));
        expect(dump).not.toContain(account.consumerSecret);
      }
    });
  });
});
