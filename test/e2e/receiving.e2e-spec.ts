import fc from 'fast-check';
import type TestAgent from 'supertest/lib/agent';
import { XAccountActivityClient } from '../../src/channels/x/x-account-activity-client';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Poller } from '../../src/inbox/poller.service';
import { Ticket } from '../../src/tickets/ticket.entity';
import { insertArticle, insertTicket } from '../factories/ticket.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { freePort } from '../utils/browser';
import { startTcpProxy, type TcpProxy } from '../utils/tcp-proxy';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';

/** Several instances share one database in these tests: they share their SECRETS_KEY, as in production. */
const SECRETS_KEY = 'ef'.repeat(32);

/**
 * Receiving set up by the app (issue 9): "Save and finish" in webhook mode registers or reuses the
 * webhook at X, X runs a real CRC against the app over HTTP, the account is subscribed, and the
 * profile list shows it. Each refusal of X comes back as a message on the page.
 */

const CUSTOMER = { id: '1900000000000000001', username: 'carol', name: 'Carol Customer' };

interface Harness {
  t: TestApp;
  fakeX: FakeXApi;
  admin: TestAgent;
}

async function page(admin: TestAgent, path: string) {
  const res = await admin.get(path);
  expect(res.status).toBe(200);
  return res;
}

async function postAndFollow(admin: TestAgent, path: string, fields: Record<string, string>) {
  const form = await page(admin, path);
  const res = await admin
    .post(path)
    .type('form')
    .send({ _csrf: csrfTokenOf(form.text), ...fields });
  const next = await follow(admin, res);
  return { location: res.headers.location, text: next.text };
}

async function queueId(t: TestApp, name: string): Promise<string> {
  const [row] = await t.dataSource.query(t.config.database.kind === 'postgres' ? 'SELECT id FROM queues WHERE name = $1' : 'SELECT id FROM queues WHERE name = ?', [name]);
  return String(row.id);
}

type Keys = ReturnType<typeof registerXAccount>;

/** General, steps 1–5 with the account's keys (verified against the fake), and step 6 with the given mode. */
async function walkWizard(h: Harness, name: string, keys: Keys, receivingMode: string, extra: Record<string, string> = {}) {
  const created = await postAndFollow(h.admin, '/admin/social-media-profiles/twitter/new', { name });
  const id = /\/twitter\/(\d+)\/step\/1$/.exec(created.location)![1];
  const base = `/admin/social-media-profiles/twitter/${id}/step`;
  await postAndFollow(h.admin, `${base}/1`, { action: 'next' });
  await postAndFollow(h.admin, `${base}/2`, { appName: 'Helpdesk App', action: 'next' });
  await postAndFollow(h.admin, `${base}/3`, { consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret, action: 'next' });
  await postAndFollow(h.admin, `${base}/4`, { accessToken: keys.accessToken, accessTokenSecret: keys.accessTokenSecret, action: 'next' });
  const verified = await postAndFollow(h.admin, `${base}/5`, { verify: '1' });
  expect(verified.text).toContain('The credentials work');
  const finished = await postAndFollow(h.admin, `${base}/6`, { receivingMode, targetQueueId: await queueId(h.t, 'Raw'), mentionsEnabled: '1', action: 'finish', ...extra });
  return { id: Number(id), ...finished };
}

const plain = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');

describe('receiving set up by the app, at an instance X can reach', () => {
  const h = {} as Harness;
  let account: Keys;
  let baseUrl: string;
  let network: TcpProxy;

  beforeAll(async () => {
    h.fakeX = await startFakeXApi({ loopbackDemo: true, webhooksPerApp: 1, webhookTimeoutMs: 2_000 });
    account = registerXAccount(h.fakeX);
    const port = await freePort();
    network = await startTcpProxy(port);
    baseUrl = network.url;
    h.t = await createTestApp({ env: { SECRETS_KEY, X_API_BASE_URL: h.fakeX.baseUrl, X_API_TIMEOUT_MS: '3000', BASE_URL: baseUrl } });
    await h.t.app.listen(port, '127.0.0.1');
    h.admin = browserLike(h.t.app);
    await logIn(h.admin);
  });
  afterAll(async () => {
    await h.fakeX.waitForDeliveries();
    await h.t.close();
    await Promise.all([h.fakeX.close(), network.close()]);
  });

  it('"Save and finish" registers the webhook (X checks it by CRC) and subscribes the account; a DM becomes a ticket with no manual step', async () => {
    const { id, location, text } = await walkWizard(h, 'AcmeWebhook', account, 'webhook');
    expect(location).toBe('/admin/social-media-profiles');
    const [registration] = h.fakeX.webhookRegistrations();
    expect(registration).toMatchObject({ url: `${baseUrl}/webhooks/x/${id}`, valid: true, subscribers: [account.userId] });
    expect(plain(text)).toContain(`Receiving by webhook works: X checked webhook ${registration.id} (${baseUrl}/webhooks/x/${id})`);
    expect(text).toContain('@acme_support is subscribed');

    const delivery = await h.fakeX.deliverDirectMessage({ from: CUSTOMER, toUserId: account.userId, text: 'Where is my parcel?' });
    expect(delivery.status).toBe(200);
    await h.t.app.get(InboxWorker).drain();
    const tickets = await h.t.dataSource.getRepository(Ticket).find({ where: { customerXId: CUSTOMER.id } });
    expect(tickets).toHaveLength(1);

    const list = await page(h.admin, '/admin/social-media-profiles');
    const row = rowOf(list.text, 'AcmeWebhook');
    expect(row).toMatch(/Webhook:\s*<span class="state-ok">valid<\/span>,\s*<span class="state-ok">subscribed<\/span>/);
    expect(row).toMatch(/data-test="last-event">\d{4}-\d\d-\d\d \d\d:\d\d <small class="muted">by webhook<\/small>/);
    expect(row).not.toContain('needs attention');

    const profilePage = await page(h.admin, `/admin/social-media-profiles/twitter/${id}`);
    expect(profilePage.text).toContain(`data-test="webhook-id">${registration.id}<`);
    expect(profilePage.text).toMatch(/data-test="webhook-checked">\d{4}-\d\d-\d\d \d\d:\d\d</);
  });

  it('a second profile of the same X app reuses the registration (X allows one here) and its DMs arrive through it', async () => {
    const second = registerXAccount(h.fakeX, {
      userId: '1790000000000000099',
      username: 'acme_sales',
      name: 'ACME Sales',
      accessToken: '1790000000000000099-sales',
      accessTokenSecret: 'sales-token-secret',
    });
    const { text } = await walkWizard(h, 'AcmeSales', second, 'webhook');
    expect(text).toContain('Receiving by webhook works');
    const registrations = h.fakeX.webhookRegistrations();
    expect(registrations).toHaveLength(1);
    expect(registrations[0].subscribers.sort()).toEqual([account.userId, second.userId].sort());

    const customer = { ...CUSTOMER, id: '1900000000000000002', username: 'dave' };
    expect((await h.fakeX.deliverDirectMessage({ from: customer, toUserId: second.userId, text: 'sales question' })).status).toBe(200);
    await h.t.app.get(InboxWorker).drain();
    const [ticket] = await h.t.dataSource.getRepository(Ticket).find({ where: { customerXId: customer.id } });
    const [profile] = await h.t.dataSource.query(`SELECT id FROM social_media_profiles WHERE name = 'AcmeSales'`);
    expect(ticket.profileId).toBe(Number(profile.id));
  });

  it('setting a profile invalid unsubscribes its account; valid again subscribes it', async () => {
    const [profile] = await h.t.dataSource.query(`SELECT id FROM social_media_profiles WHERE name = 'AcmeSales'`);
    const general = `/admin/social-media-profiles/twitter/${profile.id}`;
    const off = await postAndFollow(h.admin, general, { name: 'AcmeSales', validity: 'invalid', action: 'save' });
    expect(off.text).toContain('@acme_sales is no longer subscribed to the webhook');
    expect(h.fakeX.webhookRegistrations()[0].subscribers).toEqual([account.userId]);

    const on = await postAndFollow(h.admin, general, { name: 'AcmeSales', validity: 'valid', action: 'save' });
    expect(on.text).toContain('Receiving by webhook works');
    expect(h.fakeX.webhookRegistrations()[0].subscribers.sort()).toEqual([account.userId, '1790000000000000099'].sort());
  });

  it('"Check again" finds a webhook X marked invalid, says why everywhere, and recovers once X can check it', async () => {
    const [profile] = await h.t.dataSource.query(`SELECT id FROM social_media_profiles WHERE name = 'AcmeWebhook'`);
    const profilePath = `/admin/social-media-profiles/twitter/${profile.id}`;
    const checkAgain = async () => {
      const form = await page(h.admin, profilePath);
      const res = await h.admin
        .post(`${profilePath}/receiving/check`)
        .type('form')
        .send({ _csrf: csrfTokenOf(form.text) });
      expect(res.headers.location).toBe(profilePath);
      return (await follow(h.admin, res)).text;
    };
    // X cannot reach the instance for a while (firewall, outage): its CRC check fails.
    network.cut();
    const failed = plain(await checkAgain());
    expect(failed).toContain(`X marked the webhook at ${baseUrl}/webhooks/x/${profile.id} invalid: its last CRC check failed`);
    expect(failed).toContain('data-test="webhook-valid"><span class="state-bad">invalid</span>');
    expect(h.fakeX.webhookRegistrations()[0].valid).toBe(false);
    const list = await page(h.admin, '/admin/social-media-profiles');
    expect(rowOf(list.text, 'AcmeWebhook')).toContain('X marked the webhook invalid (its CRC check failed): no events arrive.');
    expect(rowOf(list.text, 'AcmeWebhook')).toContain('needs attention');
    const overview = await page(h.admin, '/admin');
    expect(overview.text).toMatch(/class="needs-attention"[^]*AcmeWebhook[^]*X marked the webhook invalid/);

    network.restore();
    expect(await checkAgain()).toContain('Receiving by webhook works');
    expect(h.fakeX.webhookRegistrations()[0].valid).toBe(true);
    expect(rowOf((await page(h.admin, '/admin/social-media-profiles')).text, 'AcmeWebhook')).not.toContain('needs attention');
  });

  it('new keys for another account in step 4 unsubscribe the old account with its own keys; finishing again subscribes the new one', async () => {
    const first = registerXAccount(h.fakeX, {
      consumerKey: 'key-app',
      consumerSecret: 'key-secret',
      userId: '1790000000000000601',
      username: 'first_desk',
      accessToken: '1790000000000000601-first',
      accessTokenSecret: 'first-token',
    });
    const second = registerXAccount(h.fakeX, {
      consumerKey: 'key-app',
      consumerSecret: 'key-secret',
      userId: '1790000000000000602',
      username: 'second_desk',
      accessToken: '1790000000000000602-second',
      accessTokenSecret: 'second-token',
    });
    const { id } = await walkWizard(h, 'KeyChange', first, 'webhook');
    const subscribers = () => h.fakeX.webhookRegistrations().find((r) => r.consumerKey === 'key-app')?.subscribers ?? [];
    expect(subscribers()).toEqual([first.userId]);
    const base = `/admin/social-media-profiles/twitter/${id}/step`;
    const changed = await postAndFollow(h.admin, `${base}/4`, { accessToken: second.accessToken, accessTokenSecret: second.accessTokenSecret, action: 'next' });
    expect(changed.text).toContain('@first_desk is no longer subscribed to the webhook');
    expect(subscribers()).toEqual([]);
    await postAndFollow(h.admin, `${base}/5`, { verify: '1' });
    const finished = await postAndFollow(h.admin, `${base}/6`, { receivingMode: 'webhook', targetQueueId: await queueId(h.t, 'Raw'), action: 'finish' });
    expect(finished.text).toContain('@second_desk is subscribed');
    expect(subscribers()).toEqual([second.userId]);
  });

  it('DuplicateUrlFailed: another instance is registering this very URL at X right now — the page says so, and Check again then works', async () => {
    const keys = registerXAccount(h.fakeX, {
      consumerKey: 'dup-app',
      consumerSecret: 'dup-secret',
      userId: '1790000000000000501',
      username: 'dup_desk',
      accessToken: '1790000000000000501-dup',
      accessTokenSecret: 'dup-token',
    });
    const { id } = await walkWizard(h, 'Duplicate', keys, 'polling');
    await h.t.dataSource.query(`UPDATE social_media_profiles SET receiving_mode = 'webhook' WHERE id = ${id}`);
    // "Another instance" (this test, as a client of X) starts registering the profile's URL; X holds its CRC.
    const hold = h.fakeX.holdCrcChecks();
    const otherInstance = new XAccountActivityClient({ baseUrl: h.fakeX.baseUrl, timeoutMs: 5_000 }).createWebhook(
      { consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret },
      `${baseUrl}/webhooks/x/${id}`,
    );
    await hold.waiting;
    const profilePath = `/admin/social-media-profiles/twitter/${id}`;
    const checkAgain = async () => {
      const form = await page(h.admin, profilePath);
      return plain(
        (
          await follow(
            h.admin,
            await h.admin
              .post(`${profilePath}/receiving/check`)
              .type('form')
              .send({ _csrf: csrfTokenOf(form.text) }),
          )
        ).text,
      );
    };
    expect(await checkAgain()).toContain(`X already has ${baseUrl}/webhooks/x/${id} as a webhook of this app but did not list it`);
    hold.release();
    await otherInstance;
    expect(await checkAgain()).toContain('Receiving by webhook works');
  });

  it('a double click and two profiles of one app finishing at the same moment end with one registration, everyone subscribed', async () => {
    const app = registerXAccount(h.fakeX, {
      consumerKey: 'race-app',
      consumerSecret: 'race-secret',
      userId: '1790000000000000301',
      username: 'race_one',
      accessToken: '1790000000000000301-race',
      accessTokenSecret: 'race-token-1',
    });
    const other = registerXAccount(h.fakeX, {
      consumerKey: 'race-app',
      consumerSecret: 'race-secret',
      userId: '1790000000000000302',
      username: 'race_two',
      accessToken: '1790000000000000302-race',
      accessTokenSecret: 'race-token-2',
    });
    const one = await walkWizard(h, 'RaceOne', app, 'polling');
    const two = await walkWizard(h, 'RaceTwo', other, 'polling');
    const ids = [one.id, two.id];
    for (const id of ids) await h.t.dataSource.query(`UPDATE social_media_profiles SET receiving_mode = 'webhook' WHERE id = ${id}`);
    const form = await page(h.admin, `/admin/social-media-profiles/twitter/${one.id}`);
    const csrf = csrfTokenOf(form.text);
    const clicks = [one.id, one.id, two.id, two.id].map((id) => h.admin.post(`/admin/social-media-profiles/twitter/${id}/receiving/check`).type('form').send({ _csrf: csrf }));
    for (const res of await Promise.all(clicks)) expect(res.status).toBe(303);
    const registrations = h.fakeX.webhookRegistrations().filter((r) => r.consumerKey === 'race-app');
    expect(registrations).toHaveLength(1);
    expect(registrations[0].subscribers.sort()).toEqual([app.userId, other.userId].sort());
    const states = await h.t.dataSource.query(`SELECT webhook_id, subscribed, problem_key FROM profile_webhooks WHERE profile_id IN (${ids.join(',')}) ORDER BY profile_id`);
    expect(states.map((state: { webhook_id: string; subscribed: unknown; problem_key: unknown }) => [state.webhook_id, Boolean(state.subscribed), state.problem_key])).toEqual([
      [registrations[0].id, true, null],
      [registrations[0].id, true, null],
    ]);
  });

  it('whatever an admin does in whatever order, X never has the account subscribed when it should not, and when it should, it is or the admin is told why not', async () => {
    const keys = registerXAccount(h.fakeX, {
      consumerKey: 'order-app',
      consumerSecret: 'order-secret',
      userId: '1790000000000000401',
      username: 'any_order',
      accessToken: '1790000000000000401-order',
      accessTokenSecret: 'order-token',
    });
    const { id } = await walkWizard(h, 'AnyOrder', keys, 'polling');
    const general = `/admin/social-media-profiles/twitter/${id}`;
    const raw = await queueId(h.t, 'Raw');
    type Op = { kind: 'validity'; value: string } | { kind: 'mode'; value: string } | { kind: 'check' } | { kind: 'cut' } | { kind: 'restore' };
    const run = async (op: Op) => {
      if (op.kind === 'validity') await postAndFollow(h.admin, general, { name: 'AnyOrder', validity: op.value, action: 'save' });
      if (op.kind === 'mode') await postAndFollow(h.admin, `${general}/step/6`, { receivingMode: op.value, targetQueueId: raw, action: 'save' });
      if (op.kind === 'check') {
        const form = await page(h.admin, general);
        await h.admin
          .post(`${general}/receiving/check`)
          .type('form')
          .send({ _csrf: csrfTokenOf(form.text) })
          .expect(303);
      }
      if (op.kind === 'cut') network.cut();
      if (op.kind === 'restore') network.restore();
    };
    const op = fc.oneof(
      fc.constantFrom('valid', 'invalid', 'invalid-temporarily').map((value): Op => ({ kind: 'validity', value })),
      fc.constantFrom('webhook', 'polling', 'both').map((value): Op => ({ kind: 'mode', value })),
      fc.constant<Op>({ kind: 'check' }),
      fc.constant<Op>({ kind: 'cut' }),
      fc.constant<Op>({ kind: 'restore' }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
          // Every run starts from the same place: reachable, valid, polling, not subscribed at X.
          network.restore();
          await run({ kind: 'validity', value: 'valid' });
          await run({ kind: 'mode', value: 'polling' });
          expect(h.fakeX.webhookRegistrations().some((r) => r.subscribers.includes(keys.userId))).toBe(false);
          for (const next of ops) {
            await run(next);
            const [profile] = await h.t.dataSource.query(`SELECT validity, receiving_mode FROM social_media_profiles WHERE id = ${id}`);
            const [state] = await h.t.dataSource.query(`SELECT subscribed, problem_key FROM profile_webhooks WHERE profile_id = ${id}`);
            const wanted = profile.validity === 'valid' && profile.receiving_mode !== 'polling';
            const atX = h.fakeX.webhookRegistrations().some((r) => r.consumerKey === 'order-app' && r.subscribers.includes(keys.userId));
            const told = !!state?.problem_key;
            // Not wanted: never subscribed. Wanted: subscribed, or the profile carries the reason it is not.
            expect({ ops, next, atX, wanted, told }).toEqual({ ops, next, atX: wanted ? atX || !told : false, wanted, told: wanted ? !atX || told : told });
            if (wanted && atX && !told) expect(Boolean(state.subscribed)).toBe(true);
            expect(h.fakeX.webhookRegistrations().filter((r) => r.consumerKey === 'order-app').length).toBeLessThanOrEqual(1);
          }
        }),
        { numRuns: 12, verbose: true },
      );
    } finally {
      network.restore();
    }
  });

  it('shows the health of polling: failures with backoff, a rate-limit wait, 401 re-authorise, failed replies', async () => {
    const tracked = registerXAccount(h.fakeX, {
      userId: '1790000000000000111',
      username: 'acme_polls',
      name: 'ACME Polls',
      accessToken: '1790000000000000111-polls',
      accessTokenSecret: 'polls-secret',
    });
    const { id } = await walkWizard(h, 'AcmePolls', tracked, 'polling');
    const poll = async () => {
      await h.t.dataSource.query(`UPDATE poll_cursors SET next_poll_at = 0 WHERE profile_id = ${id}`);
      await h.t.app.get(Poller).pollDue();
    };
    const row = async () => rowOf((await page(h.admin, '/admin/social-media-profiles')).text, 'AcmePolls');

    await poll(); // first poll: cursors start from now
    expect(await row()).toMatch(/Polling:\s*<span class="state-ok">working<\/span>/);

    h.fakeX.setMode('server-error');
    await poll();
    await poll();
    const failing = plain(await row());
    expect(failing).toMatch(/Polling fails \(2× in a row, next try \d{4}-\d\d-\d\d \d\d:\d\d\): X answered with a server error: Service Unavailable/);
    const [cursor] = await h.t.dataSource.query(`SELECT next_poll_at, failures, last_outcome FROM poll_cursors WHERE profile_id = ${id} AND stream = 'mentions'`);
    expect(cursor).toMatchObject({ last_outcome: 'failed' });
    expect(Number(cursor.failures)).toBe(2);
    // Backoff: the second failure in a row waits two poll intervals (60 s each by default).
    expect(Number(cursor.next_poll_at)).toBeGreaterThan(Date.now() + 110_000);
    expect(Number(cursor.next_poll_at)).toBeLessThan(Date.now() + 130_000);

    h.fakeX.setMode('rate-limited', { resetAt: new Date(Date.now() + 10 * 60_000) });
    await poll();
    expect(plain(await row())).toMatch(/waiting for X's rate limit until \d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(await row()).not.toContain('needs attention');

    h.fakeX.setMode('normal');
    await poll();
    expect(await row()).not.toContain('needs attention');

    h.fakeX.registerUser({ id: tracked.userId, username: tracked.username, name: tracked.name, accessToken: tracked.accessToken, accessTokenSecret: 'revoked', consumerKey: tracked.consumerKey });
    await poll();
    expect(await row()).toContain('X rejects the keys (401): re-authorise the account');
    h.fakeX.registerUser({
      id: tracked.userId,
      username: tracked.username,
      name: tracked.name,
      accessToken: tracked.accessToken,
      accessTokenSecret: tracked.accessTokenSecret,
      consumerKey: tracked.consumerKey,
    });
    await poll();

    const { ticket } = await insertTicket(h.t, { profileId: id, queueId: Number(await queueId(h.t, 'Raw')), channel: 'dm' });
    await insertArticle(h.t, ticket, undefined, { sender: 'agent', body: 'sorry', deliveryStatus: 'failed' });
    expect(await row()).toContain('Replies that could not be sent in the last 24 h: 1.');
  });
});

describe('receiving: what X refuses, as messages on the page', () => {
  const h = {} as Harness;
  let strictX: FakeXApi;
  let strictAdmin: Harness;

  beforeAll(async () => {
    // Nothing listens at BASE_URL: X's CRC GET cannot connect.
    const closedPort = await freePort();
    h.fakeX = await startFakeXApi({ loopbackDemo: true, webhooksPerApp: 1, webhookTimeoutMs: 1_000 });
    h.t = await createTestApp({ env: { SECRETS_KEY, X_API_BASE_URL: h.fakeX.baseUrl, X_API_TIMEOUT_MS: '3000', BASE_URL: `http://127.0.0.1:${closedPort}` } });
    h.admin = browserLike(h.t.app);
    await logIn(h.admin);
    strictX = await startFakeXApi();
    // A second instance on the same database (PostgreSQL has one per test run): it must not drop what the first made.
    const t = await createTestApp({ keepSchema: true, env: { SECRETS_KEY, X_API_BASE_URL: strictX.baseUrl, X_API_TIMEOUT_MS: '3000', BASE_URL: 'http://localhost:3000' } });
    strictAdmin = { t, fakeX: strictX, admin: browserLike(t.app) };
    await logIn(strictAdmin.admin);
  });
  afterAll(async () => {
    await Promise.all([h.t.close(), strictAdmin.t.close()]);
    await Promise.all([h.fakeX.close(), strictX.close()]);
  });

  function account(fakeX: FakeXApi, n: number, appOverrides: { accountActivity?: boolean } = {}) {
    const keys = registerXAccount(fakeX, {
      consumerKey: `app-${n}`,
      consumerSecret: `app-${n}-secret`,
      userId: `17900000000000002${n}0`,
      username: `desk_${n}`,
      accessToken: `17900000000000002${n}0-token`,
      accessTokenSecret: `token-${n}-secret`,
    });
    if (appOverrides.accountActivity === false) fakeX.registerApp({ consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret, name: 'Helpdesk App', accountActivity: false });
    return keys;
  }

  it('CrcValidationFailed: X could not reach the URL — the profile page says so, and polling is the way out', async () => {
    const { location, text } = await walkWizard(h, 'Unreachable', account(h.fakeX, 1), 'webhook');
    expect(location).toMatch(/^\/admin\/social-media-profiles\/twitter\/\d+$/);
    expect(plain(text)).toContain('The profile "Unreachable" is set up.');
    expect(plain(text)).toMatch(/X could not confirm the webhook at http:\/\/127\.0\.0\.1:\d+\/webhooks\/x\/\d+: its CRC check failed \(.*Unable to connect during CRC GET request/);
    expect(text).toContain('data-test="webhook-problem"');
    expect(h.fakeX.webhookRegistrations()).toEqual([]);
    const list = await page(h.admin, '/admin/social-media-profiles');
    expect(rowOf(list.text, 'Unreachable')).toContain('X marked the webhook invalid (its CRC check failed)');
  });

  it('client-not-enrolled (403 for the tier): points to polling', async () => {
    const { text } = await walkWizard(h, 'BasicTier', account(h.fakeX, 2, { accountActivity: false }), 'webhook');
    expect(plain(text)).toContain('This X app\'s access level does not include the Account Activity API, so X sends no webhooks (403 client-not-enrolled). Choose "Polling" in step 6');
    const list = await page(h.admin, '/admin/social-media-profiles');
    expect(plain(rowOf(list.text, 'BasicTier'))).toContain("This X app's access level has no Account Activity API: choose polling.");
  });

  it('WebhookLimitExceeded: names the URLs X already has for the app', async () => {
    const keys = account(h.fakeX, 3);
    h.fakeX.subscribeWebhook({ url: 'https://old-desk.example.com/webhooks/x/7', consumerKey: keys.consumerKey, forUserId: keys.userId });
    const { text } = await walkWizard(h, 'LimitReached', keys, 'webhook');
    expect(plain(text)).toContain("X allows only a few webhooks per app, and this app's are used by other addresses: https://old-desk.example.com/webhooks/x/7.");
  });

  it('polling mode never calls the webhook API', async () => {
    const { location } = await walkWizard(h, 'JustPolling', account(h.fakeX, 4), 'polling');
    expect(location).toBe('/admin/social-media-profiles');
    expect(h.fakeX.webhookRegistrations().filter((r) => r.consumerKey === 'app-4')).toEqual([]);
  });

  it('UrlValidationFailed at the real X rules (http, port, localhost); step 1 warned about BASE_URL beforehand', async () => {
    const created = await postAndFollow(strictAdmin.admin, '/admin/social-media-profiles/twitter/new', { name: 'LocalOnly' });
    expect(plain(created.text)).toContain("X will probably not be able to reach this instance's webhook: BASE_URL is http://localhost:3000.");
    expect(created.text).toContain('It does not use https');
    expect(created.text).toContain('It contains a port');
    expect(created.text).toContain('It points at this computer or a private network');
    const { text } = await walkWizard(strictAdmin, 'LocalOnly2', account(strictX, 5), 'webhook');
    expect(plain(text)).toMatch(/X does not accept http:\/\/localhost:3000\/webhooks\/x\/\d+ as a webhook address: it must be public, https and without a port \(.*The URL must use https/);
  });

  it('step 1 has no warning for a public https BASE_URL', async () => {
    const t = await createTestApp({ keepSchema: true, env: { SECRETS_KEY, BASE_URL: 'https://support.example.com' } });
    try {
      const admin = browserLike(t.app);
      await logIn(admin);
      const created = await postAndFollow(admin, '/admin/social-media-profiles/twitter/new', { name: 'Public' });
      expect(created.text).not.toContain('data-test="base-url-warning"');
    } finally {
      await t.close();
    }
  });
});

/** The table row of the profile with this name. */
function rowOf(html: string, name: string): string {
  const rows = html.split('<tr');
  const row = rows.find((candidate) => candidate.includes(`>${name}</a>`));
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}
