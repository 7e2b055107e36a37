import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeXApi, type FakeXApi } from '../../../test/support/fake-x-api';
import { crcResponseToken } from './webhook-crypto';
import { XAccountActivityClient } from './x-account-activity-client';
import type { XCredentials } from './x-api-client';
import { XApiError, XInvalidCredentialsError, XNotEnrolledError, XWebhookRejectedError } from './x-errors';

// The client for receiving (V2 Webhooks API, Account Activity subscriptions) against the fake X,
// which runs a real CRC GET against a tiny HTTP server standing in for socialdesk's webhook.

const APP = { consumerKey: 'aa-consumer-key', consumerSecret: 'aa consumer/secret+&', name: 'socialdesk test', appId: '27001234' };
const ACCOUNT = { id: '1498765432109876543', username: 'acme_help', name: 'ACME Help', accessToken: '1498765432109876543-aa', accessTokenSecret: 'aa-token-secret', consumerKey: APP.consumerKey };
const CREDENTIALS: XCredentials = { ...APP, accessToken: ACCOUNT.accessToken, accessTokenSecret: ACCOUNT.accessTokenSecret };
const CONSUMER = { consumerKey: APP.consumerKey, consumerSecret: APP.consumerSecret };

interface CrcApp {
  url: string;
  /** How the next CRC GETs are answered. */
  answer: 'right' | 'wrong-token' | 'not-found';
  crcRequests: number;
  events: string[];
  close(): Promise<void>;
}

async function startCrcApp(secret = APP.consumerSecret): Promise<CrcApp> {
  const state = { answer: 'right' as CrcApp['answer'], crcRequests: 0, events: [] as string[] };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const token = url.searchParams.get('crc_token');
      if (req.method === 'GET' && token !== null) {
        state.crcRequests++;
        if (state.answer === 'not-found') {
          res.writeHead(404).end();
          return;
        }
        const responseToken = crcResponseToken(state.answer === 'right' ? token : `${token}x`, secret);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_token: responseToken }));
        return;
      }
      state.events.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

async function failureOf(promise: Promise<unknown>): Promise<XApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof XApiError) return error;
    throw error;
  }
  throw new Error('expected X to refuse');
}

let fake: FakeXApi;
let app: CrcApp;
let client: XAccountActivityClient;

beforeEach(async () => {
  fake = await startFakeXApi({ loopbackDemo: true, webhooksPerApp: 1, webhookTimeoutMs: 2_000 });
  fake.registerApp(APP);
  fake.registerUser(ACCOUNT);
  app = await startCrcApp();
  client = new XAccountActivityClient({ baseUrl: fake.baseUrl, timeoutMs: 3_000 });
});

afterEach(async () => {
  await fake.waitForDeliveries();
  await Promise.all([fake.close(), app.close()]);
});

describe('the app-only bearer token (POST /oauth2/token)', () => {
  it('is asked for once per app and reused; consumer keys with reserved characters are form-encoded first', async () => {
    const first = await client.appBearerToken(CONSUMER);
    expect(first).toMatch(/^AAAA/);
    await expect(client.appBearerToken(CONSUMER)).resolves.toBe(first);
    await expect(client.listWebhooks(CONSUMER)).resolves.toEqual([]);
  });

  it('a wrong consumer secret is invalid credentials, and is not remembered', async () => {
    const wrong = { ...CONSUMER, consumerSecret: 'wrong' };
    const error = await failureOf(client.listWebhooks(wrong));
    expect(error).toBeInstanceOf(XInvalidCredentialsError);
    expect(error).toMatchObject({ status: 403, xErrorCode: 99 });
    await expect(client.listWebhooks(CONSUMER)).resolves.toEqual([]);
  });
});

describe('registering a webhook (V2 Webhooks API)', () => {
  it('X runs a real CRC against the URL before it registers it, and lists it as valid', async () => {
    const url = `${app.url}/webhooks/x/1`;
    const webhook = await client.createWebhook(CONSUMER, url);
    expect(webhook).toMatchObject({ id: expect.stringMatching(/^\d{19}$/), url, valid: true, createdAt: expect.any(String) });
    expect(app.crcRequests).toBe(1);
    await expect(client.listWebhooks(CONSUMER)).resolves.toEqual([webhook]);
  });

  it.each([
    ['wrong-token', /Invalid response_token/],
    ['not-found', /Non-200 response code/],
  ] as const)('a CRC answered %s is CrcValidationFailed, and nothing is registered', async (answer, detail) => {
    app.answer = answer;
    const error = await failureOf(client.createWebhook(CONSUMER, `${app.url}/webhooks/x/1`));
    expect(error).toBeInstanceOf(XWebhookRejectedError);
    expect(error).toMatchObject({ code: 'webhook-crc-failed', status: 400 });
    expect(error.detail).toMatch(detail);
    await expect(client.listWebhooks(CONSUMER)).resolves.toEqual([]);
  });

  it('an address nobody answers at is CrcValidationFailed too', async () => {
    const gone = await startCrcApp();
    await gone.close();
    const error = await failureOf(client.createWebhook(CONSUMER, `${gone.url}/webhooks/x/1`));
    expect(error).toMatchObject({ code: 'webhook-crc-failed' });
    expect(error.detail).toMatch(/Unable to connect/);
  });

  it('the same URL twice is DuplicateUrlFailed; a second URL beyond the app limit is WebhookLimitExceeded', async () => {
    await client.createWebhook(CONSUMER, `${app.url}/webhooks/x/1`);
    await expect(failureOf(client.createWebhook(CONSUMER, `${app.url}/webhooks/x/1`))).resolves.toMatchObject({ code: 'webhook-duplicate-url' });
    await expect(failureOf(client.createWebhook(CONSUMER, `${app.url}/webhooks/x/2`))).resolves.toMatchObject({ code: 'webhook-limit-exceeded' });
    expect(await client.listWebhooks(CONSUMER)).toHaveLength(1);
  });

  it('PUT runs the CRC again: a wrong answer makes the webhook invalid, a right one valid again', async () => {
    const { id } = await client.createWebhook(CONSUMER, `${app.url}/webhooks/x/1`);
    app.answer = 'wrong-token';
    await client.revalidateWebhook(CONSUMER, id);
    await expect(client.listWebhooks(CONSUMER)).resolves.toEqual([expect.objectContaining({ id, valid: false })]);
    app.answer = 'right';
    await client.revalidateWebhook(CONSUMER, id);
    await expect(client.listWebhooks(CONSUMER)).resolves.toEqual([expect.objectContaining({ id, valid: true })]);
    expect(app.crcRequests).toBe(3);
  });

  it('DELETE removes it; a webhook id X does not know is a 404', async () => {
    const { id } = await client.createWebhook(CONSUMER, `${app.url}/webhooks/x/1`);
    await client.deleteWebhook(CONSUMER, id);
    await expect(client.listWebhooks(CONSUMER)).resolves.toEqual([]);
    await expect(failureOf(client.revalidateWebhook(CONSUMER, id))).resolves.toMatchObject({ status: 404 });
  });

  it('an app whose access level has no Account Activity API gets 403 client-not-enrolled', async () => {
    fake.registerApp({ ...APP, accountActivity: false });
    const error = await failureOf(client.createWebhook(CONSUMER, `${app.url}/webhooks/x/1`));
    expect(error).toBeInstanceOf(XNotEnrolledError);
    expect(error).toMatchObject({ code: 'not-enrolled', status: 403, problemReason: 'client-not-enrolled' });
  });
});

describe('the URL rules of X (public https, no port)', () => {
  let strict: FakeXApi;
  let strictClient: XAccountActivityClient;
  beforeEach(async () => {
    strict = await startFakeXApi();
    strict.registerApp(APP);
    strictClient = new XAccountActivityClient({ baseUrl: strict.baseUrl, timeoutMs: 3_000 });
  });
  afterEach(() => strict.close());

  it.each([
    ['http://support.example.com/webhooks/x/1', /https/],
    ['https://support.example.com:8443/webhooks/x/1', /port/],
    ['https://localhost/webhooks/x/1', /internet/],
    ['https://192.168.1.20/webhooks/x/1', /internet/],
    ['https://10.0.0.5/webhooks/x/1', /internet/],
  ])('%s is UrlValidationFailed without the loopback demo', async (url, detail) => {
    const error = await failureOf(strictClient.createWebhook(CONSUMER, url));
    expect(error).toMatchObject({ code: 'webhook-url-invalid' });
    expect(error.detail).toMatch(detail);
  });

  it('the loopback demo accepts http://127.0.0.1:port and http://localhost:port only', async () => {
    const error = await failureOf(client.createWebhook(CONSUMER, 'http://192.168.1.20:3000/webhooks/x/1'));
    expect(error).toMatchObject({ code: 'webhook-url-invalid' });
    await expect(client.createWebhook(CONSUMER, `${app.url}/webhooks/x/1`)).resolves.toMatchObject({ valid: true });
  });
});

describe('subscriptions (Account Activity)', () => {
  async function registered() {
    const webhook = await client.createWebhook(CONSUMER, `${app.url}/webhooks/x/1`);
    return webhook.id;
  }

  it('subscribing as the account sends its events to the webhook; unsubscribing as the app stops them', async () => {
    const id = await registered();
    await expect(client.isSubscribed(CREDENTIALS, id)).resolves.toBe(false);
    await expect(client.subscribe(CREDENTIALS, id)).resolves.toBe(true);
    await expect(client.isSubscribed(CREDENTIALS, id)).resolves.toBe(true);
    await fake.deliverDirectMessage({ from: { id: '1205290247124217856', username: 'alice', name: 'Alice' }, toUserId: ACCOUNT.id, text: 'hello' });
    expect(app.events).toHaveLength(1);

    await client.unsubscribe(CONSUMER, id, ACCOUNT.id);
    await expect(client.isSubscribed(CREDENTIALS, id)).resolves.toBe(false);
    expect(fake.webhookRegistrations()[0].subscribers).toEqual([]);
  });

  it('an invalid webhook keeps its subscribers but X delivers nothing to it', async () => {
    const id = await registered();
    await client.subscribe(CREDENTIALS, id);
    app.answer = 'wrong-token';
    await fake.recheckWebhooks();
    const result = await fake.deliverDirectMessage({ from: { id: '1205290247124217856', username: 'alice', name: 'Alice' }, toUserId: ACCOUNT.id, text: 'lost?' });
    expect(result.deliveries).toEqual([]);
    expect(app.events).toEqual([]);
    await expect(client.isSubscribed(CREDENTIALS, id)).resolves.toBe(true);
  });

  it('X takes each kind of authentication only where it belongs', async () => {
    const id = await registered();
    const token = await client.appBearerToken(CONSUMER);
    const asApp = await fetch(`${fake.baseUrl}/2/account_activity/webhooks/${id}/subscriptions/all`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(asApp.status).toBe(403);
    expect(await asApp.json()).toMatchObject({ title: 'Unsupported Authentication' });
    const forged = await fetch(`${fake.baseUrl}/2/webhooks`, { headers: { authorization: 'Bearer AAAAforged' } });
    expect(forged.status).toBe(401);
  });

  it('rejects ids that would change the path before calling X', async () => {
    await expect(client.subscribe(CREDENTIALS, '1/../../x')).rejects.toThrow(TypeError);
    await expect(client.unsubscribe(CONSUMER, '123', '1?x')).rejects.toThrow(TypeError);
  });
});
