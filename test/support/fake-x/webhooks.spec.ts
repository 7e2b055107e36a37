import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJsonExact } from '../../../src/channels/x/exact-json';
import { crcResponseToken, isValidWebhookSignature } from '../../../src/channels/x/webhook-crypto';
import { XApiClient, type XCredentials } from '../../../src/channels/x/x-api-client';
import { startFakeXApi, type FakeXApi } from '../fake-x-api';
import { startFakeXControlServer } from './control-server';

// The fake X API playing X's side of Account Activity webhooks (docs/X.md, "Receiving"), checked by a
// tiny HTTP server standing in for socialdesk.

const APP = { consumerKey: 'wh-consumer-key', consumerSecret: 'wh-consumer-secret', name: 'socialdesk test', appId: '27009999' };
const HELPDESK = {
  id: '1498765432109876543',
  username: 'acme_help',
  name: 'ACME Help',
  accessToken: '1498765432109876543-whAccessToken',
  accessTokenSecret: 'wh-access-token-secret',
  consumerKey: APP.consumerKey,
};
const OTHER_DESK = { ...HELPDESK, id: '1498765432109876999', username: 'other_desk', name: 'Other Desk', accessToken: '1498765432109876999-other' };
const CREDENTIALS: XCredentials = { ...APP, accessToken: HELPDESK.accessToken, accessTokenSecret: HELPDESK.accessTokenSecret };
const ALICE = { id: '1205290247124217856', username: 'alice', name: 'Alice Example' };
const BOB = { id: '1205290247124217857', username: 'bob', name: 'Bob Example' };

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

interface TinyApp {
  url: string;
  received: Received[];
  /** Event POSTs wait for release() from now on. */
  holdAnswers(): void;
  release(): void;
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/** socialdesk's webhook endpoint, reduced to recording what arrives and answering the CRC. */
async function startTinyApp(consumerSecret = APP.consumerSecret): Promise<TinyApp> {
  const received: Received[] = [];
  let held: Array<() => void> | undefined;
  let waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      received.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      waiters.forEach((wake) => wake());
      const crcToken = url.searchParams.get('crc_token');
      if (req.method === 'GET' && crcToken !== null) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ response_token: crcResponseToken(crcToken, consumerSecret) }));
        return;
      }
      const answer = () => {
        res.writeHead(url.pathname.endsWith('/missing') ? 404 : 200, { 'content-type': 'application/json' });
        res.end('{}');
      };
      if (held) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    holdAnswers: () => {
      held = [];
    },
    release: () => {
      const pending = held ?? [];
      held = undefined;
      pending.forEach((answer) => answer());
    },
    waitForRequests: (count) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (received.length < count) return;
          waiters = waiters.filter((waiter) => waiter !== check);
          resolve();
        };
        waiters.push(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let fake: FakeXApi;
let app: TinyApp;
let client: XApiClient;

beforeAll(async () => {
  fake = await startFakeXApi({ webhookTimeoutMs: 2_000 });
  fake.registerApp(APP);
  fake.registerUser(HELPDESK);
  fake.registerUser(OTHER_DESK);
  app = await startTinyApp();
  fake.subscribeWebhook({ url: `${app.url}/webhooks/x/1`, consumerKey: APP.consumerKey, forUserId: HELPDESK.id });
  client = new XApiClient({ baseUrl: fake.baseUrl, timeoutMs: 2_000 });
});

afterAll(async () => {
  await fake.waitForDeliveries();
  await Promise.all([fake.close(), app.close()]);
});

beforeEach(() => {
  fake.reset();
  app.received.length = 0;
});

function lastReceived(): Received {
  const last = app.received.at(-1);
  if (!last) throw new Error('the app received nothing');
  return last;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed webhook JSON, read field by field as a supertest body is
type JsonBody = Record<string, any>;

function bodyOf(received: Received): JsonBody {
  return parseJsonExact(received.rawBody) as JsonBody;
}

function isBigId(id: unknown): boolean {
  return typeof id === 'string' && /^\d+$/.test(id) && BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER);
}

describe('delivering a DM (direct_message_events)', () => {
  it('POSTs the AAA envelope, signed over the raw body with the consumer secret', async () => {
    const result = await fake.deliverDirectMessage({ from: ALICE, toUserId: HELPDESK.id, text: 'My order is late *again*' });

    expect(result.status).toBe(200);
    const received = lastReceived();
    expect(received).toMatchObject({ method: 'POST', path: '/webhooks/x/1' });
    expect(received.headers['content-type']).toMatch(/^application\/json/);
    expect(received.rawBody).toBe(result.body);
    const signature = received.headers['x-twitter-webhooks-signature'];
    expect(isValidWebhookSignature(received.rawBody, signature, APP.consumerSecret)).toBe(true);
    expect(isValidWebhookSignature(received.rawBody, signature, 'another-secret')).toBe(false);
    expect(isValidWebhookSignature(JSON.stringify(JSON.parse(received.rawBody), null, 1), signature, APP.consumerSecret)).toBe(false);
  });

  it('has the shape docs/X.md describes (What a delivery looks like): string ids, apps and users maps keyed by id strings', async () => {
    const { eventId } = await fake.deliverDirectMessage({ from: ALICE, toUserId: HELPDESK.id, text: 'Hello @acme_help' });

    expect(isBigId(eventId)).toBe(true);
    const body = bodyOf(lastReceived());
    expect(Object.keys(body)).toEqual(['for_user_id', 'direct_message_events', 'apps', 'users']);
    expect(body.for_user_id).toBe(HELPDESK.id);
    expect(body.direct_message_events).toEqual([
      {
        type: 'message_create',
        id: eventId,
        created_timestamp: expect.stringMatching(/^\d{13}$/),
        message_create: {
          target: { recipient_id: HELPDESK.id },
          sender_id: ALICE.id,
          source_app_id: '3033300',
          message_data: {
            text: 'Hello @acme_help',
            entities: {
              hashtags: [],
              urls: [],
              user_mentions: [{ screen_name: 'acme_help', name: 'ACME Help', id: HELPDESK.id, id_str: HELPDESK.id, indices: [6, 16] }],
              symbols: [],
            },
          },
        },
      },
    ]);
    expect(body.apps).toEqual({ '3033300': { id: '3033300', name: 'Twitter Web App', url: 'https://mobile.twitter.com' } });
    expect(Object.keys(body.users)).toEqual([ALICE.id, HELPDESK.id]);
    expect(body.users[ALICE.id]).toMatchObject({ id: ALICE.id, name: 'Alice Example', screen_name: 'alice' });
    // In the raw JSON the DM event id is a string, never a bare number.
    expect(lastReceived().rawBody).toContain(`"id":"${eventId}"`);
  });

  it('also lists the DM for polling', async () => {
    const { eventId } = await fake.deliverDirectMessage({ from: ALICE, toUserId: HELPDESK.id, text: 'hi' });
    await expect(client.getDirectMessageEvents(CREDENTIALS)).resolves.toMatchObject({ messages: [{ id: eventId }] });
  });

  it('refuses to deliver to an account without a webhook', async () => {
    await expect(fake.deliverDirectMessage({ from: ALICE, toUserId: OTHER_DESK.id, text: 'hi' })).rejects.toThrow(/no webhook/);
  });
});

describe('delivering a tweet (tweet_create_events)', () => {
  it('writes numeric ids as bare big JSON numbers next to exact *_str twins', async () => {
    const own = fake.postPublicTweet({ author: HELPDESK, text: 'How can we help?' });
    const { tweetId, status } = await fake.deliverTweet({ author: ALICE, text: '@acme_help my order #Late #late', inReplyToTweetId: own.tweetId });

    expect(status).toBe(200);
    const raw = lastReceived().rawBody;
    expect(raw).toContain(`"id":${tweetId},"id_str":"${tweetId}"`);
    expect(raw).toContain(`"in_reply_to_status_id":${own.tweetId},"in_reply_to_status_id_str":"${own.tweetId}"`);
    const naive = JSON.parse(raw).tweet_create_events[0];
    expect(String(naive.id)).not.toBe(tweetId); // what a naive JSON.parse does to it
    expect(naive.id_str).toBe(tweetId);

    const body = bodyOf(lastReceived());
    expect(body).toMatchObject({ for_user_id: HELPDESK.id, user_has_blocked: false });
    const tweet = body.tweet_create_events[0];
    expect(tweet).toMatchObject({
      id: tweetId,
      id_str: tweetId,
      text: '@acme_help my order #Late #late',
      created_at: expect.stringMatching(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}$/),
      timestamp_ms: expect.stringMatching(/^\d{13}$/),
      in_reply_to_status_id_str: own.tweetId,
      in_reply_to_user_id_str: HELPDESK.id,
      in_reply_to_screen_name: 'acme_help',
      user: { id: ALICE.id, id_str: ALICE.id, screen_name: 'alice', name: 'Alice Example' },
      entities: {
        hashtags: [
          { text: 'Late', indices: [20, 25] },
          { text: 'late', indices: [26, 31] },
        ],
        user_mentions: [{ screen_name: 'acme_help', name: 'ACME Help', id: HELPDESK.id, id_str: HELPDESK.id, indices: [0, 10] }],
        urls: [],
        symbols: [],
      },
    });
    expect(tweet).not.toHaveProperty('retweeted_status');
    expect(fake.tweets.map((known) => known.id)).toEqual([own.tweetId, tweetId]);
  });

  it('takes mentions and hashtags given explicitly', async () => {
    await fake.deliverTweet({ author: BOB, text: 'see the thread', mentions: [HELPDESK, ALICE], hashtags: ['Billing'] });
    const { entities } = bodyOf(lastReceived()).tweet_create_events[0];
    expect(entities.user_mentions.map((mention: { id_str: string }) => mention.id_str)).toEqual([HELPDESK.id, ALICE.id]);
    expect(entities.hashtags).toEqual([{ text: 'Billing' }]);
  });

  it("delivers a retweet of the account's tweet with retweeted_status", async () => {
    const own = fake.postPublicTweet({ author: HELPDESK, text: 'Service is back #status' });
    await fake.deliverTweet({ author: BOB, text: 'RT @acme_help: Service is back #status', retweetOf: own.tweetId });
    const tweet = bodyOf(lastReceived()).tweet_create_events[0];
    expect(tweet.retweeted_status).toMatchObject({ id_str: own.tweetId, user: { id_str: HELPDESK.id }, text: 'Service is back #status' });
  });

  it("refuses a stranger's tweet AAA would not deliver, unless told which account gets it", async () => {
    await expect(fake.deliverTweet({ author: BOB, text: 'I love #acme' })).rejects.toThrow(/no subscribed account/);
    expect(fake.tweets).toEqual([]);

    const { status } = await fake.deliverTweet({ author: BOB, text: 'I love #acme', forUserId: HELPDESK.id });
    expect(status).toBe(200);
    expect(bodyOf(lastReceived())).not.toHaveProperty('user_has_blocked');
  });

  it('sends one event per subscribed account the tweet concerns, each with its for_user_id', async () => {
    fake.subscribeWebhook({ url: `${app.url}/webhooks/x/2`, consumerKey: APP.consumerKey, forUserId: OTHER_DESK.id });
    const result = await fake.deliverTweet({ author: ALICE, text: '@acme_help @other_desk which of you?' });
    expect(result.deliveries.map((delivery) => [delivery.url.replace(app.url, ''), delivery.forUserId]).sort()).toEqual([
      ['/webhooks/x/1', HELPDESK.id],
      ['/webhooks/x/2', OTHER_DESK.id],
    ]);
    expect(new Set(app.received.map((received) => bodyOf(received).tweet_create_events[0].id_str))).toEqual(new Set([result.tweetId]));
  });
});

describe('duplicates, bad signatures, CRC', () => {
  it('redelivers the very same bytes and signature (X retries)', async () => {
    await fake.deliverDirectMessage({ from: ALICE, toUserId: HELPDESK.id, text: 'once' });
    const again = await fake.redeliverLast();
    expect(again.status).toBe(200);
    const [first, second] = app.received;
    expect(second.rawBody).toBe(first.rawBody);
    expect(second.headers['x-twitter-webhooks-signature']).toBe(first.headers['x-twitter-webhooks-signature']);
  });

  it('sends raw bodies unsigned, with a chosen signature, or signed with the subscribed secret', async () => {
    const url = `${app.url}/webhooks/x/1`;
    const body = { for_user_id: HELPDESK.id, tweet_create_events: [] };
    await fake.deliverRaw(url, body, { signature: null });
    await fake.deliverRaw(url, body, { signature: 'sha256=forged' });
    await fake.deliverRaw(url, body);
    const [unsigned, forged, signed] = app.received;
    expect(unsigned.headers).not.toHaveProperty('x-twitter-webhooks-signature');
    expect(forged.headers['x-twitter-webhooks-signature']).toBe('sha256=forged');
    expect(isValidWebhookSignature(signed.rawBody, signed.headers['x-twitter-webhooks-signature'], APP.consumerSecret)).toBe(true);
  });

  it('runs the CRC like X: GET with crc_token and nonce, checks the response_token', async () => {
    const url = `${app.url}/webhooks/x/1`;
    const result = await fake.crcCheck(url, 'ab+cd/ef==token');
    expect(result).toMatchObject({ status: 200, ok: true, responseToken: crcResponseToken('ab+cd/ef==token', APP.consumerSecret) });
    const crc = lastReceived();
    expect(crc.method).toBe('GET');
    expect(crc.query.get('crc_token')).toBe('ab+cd/ef==token'); // "+" arrives as %2B, not as a space
    expect(crc.query.get('nonce')).toMatch(/^\w+$/);

    await expect(fake.crcCheck(url, undefined, { consumerSecret: 'another-secret' })).resolves.toMatchObject({ ok: false, status: 200 });
  });

  it('reports an app that does not answer as status 0, without throwing', async () => {
    const gone = await startTinyApp();
    await gone.close();
    const delivery = await fake.deliverRaw(`${gone.url}/webhooks/x/1`, '{}', { signature: null });
    expect(delivery.status).toBe(0);
    expect(delivery.error).toBeDefined();
  });
});

describe('echo of what the app sends', () => {
  it("'after-response': the API answers first; the DM comes back with sender_id == for_user_id", async () => {
    app.holdAnswers();
    const sent = await client.sendDirectMessage(CREDENTIALS, ALICE.id, 'We are on it'); // not waiting for the echo
    await app.waitForRequests(1);
    app.release();
    await fake.waitForDeliveries();

    const body = bodyOf(lastReceived());
    expect(body.for_user_id).toBe(HELPDESK.id);
    expect(body.direct_message_events[0]).toMatchObject({
      id: sent.dmEventId,
      message_create: { sender_id: HELPDESK.id, target: { recipient_id: ALICE.id }, source_app_id: APP.appId, message_data: { text: 'We are on it' } },
    });
    expect(body.apps[APP.appId]).toMatchObject({ id: APP.appId, name: APP.name });
    expect(fake.deliveries).toEqual([expect.objectContaining({ echo: true, status: 200, kind: 'direct_message_events' })]);
  });

  it("'before-response': the API call waits until the app has answered the echo", async () => {
    fake.setEchoMode('before-response');
    const own = fake.postPublicTweet({ author: ALICE, text: '@acme_help help!' });
    app.holdAnswers();
    let answered = false;
    const sending = client.createTweet(CREDENTIALS, { text: '@alice we are on it', inReplyToTweetId: own.tweetId }).then((tweet) => {
      answered = true;
      return tweet;
    });

    await app.waitForRequests(1);
    const echo = bodyOf(lastReceived()).tweet_create_events[0];
    expect(echo).toMatchObject({ user: { id_str: HELPDESK.id }, in_reply_to_status_id_str: own.tweetId, text: '@alice we are on it' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(answered).toBe(false); // the app has the echo, but not yet the id X gave the tweet

    app.release();
    const { id } = await sending;
    expect(id).toBe(echo.id_str);
  });

  it("'off': nothing comes back, but the tweet is on the timeline", async () => {
    fake.setEchoMode('off');
    const { id } = await client.createTweet(CREDENTIALS, { text: 'quiet' });
    await fake.waitForDeliveries();
    expect(app.received).toEqual([]);
    expect(fake.tweets.map((tweet) => tweet.id)).toEqual([id]);
  });
});

describe('the control endpoint of npm run fake-x', () => {
  it('listens on 127.0.0.1 and plays the customer: a DM to the demo account', async () => {
    const control = await startFakeXControlServer(fake, { consumerKey: APP.consumerKey, userId: HELPDESK.id, username: HELPDESK.username });
    try {
      expect(new URL(control.url).hostname).toBe('127.0.0.1');
      const post = (path: string, body: unknown, contentType = 'application/json') =>
        fetch(`${control.url}/_control/${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });

      const dm = await post('dm', { text: 'Hello from the CLI', from: 'carol' });
      expect(dm.status).toBe(200);
      expect(await dm.json()).toMatchObject({ status: 200 });
      expect(bodyOf(lastReceived()).users).toHaveProperty([bodyOf(lastReceived()).direct_message_events[0].message_create.sender_id, 'screen_name'], 'carol');

      const mention = await post('mention', { text: 'anyone?' });
      expect(await mention.json()).toMatchObject({ status: 200 });
      expect(bodyOf(lastReceived()).tweet_create_events[0].text).toBe('@acme_help anyone?');

      expect((await post('dm', { text: 'x' }, 'text/plain')).status).toBe(415);
      expect((await post('echo', { mode: 'sideways' })).status).toBe(400);

      const webhooks = (await (await fetch(`${control.url}/_control/webhooks`)).json()) as { webhooks: unknown[] };
      expect(webhooks.webhooks).toContainEqual(expect.objectContaining({ url: `${app.url}/webhooks/x/1`, valid: true, subscribed: true }));
      expect(await (await post('mode', { mode: 'server-error' })).json()).toEqual({ mode: 'server-error' });
      await expect(client.getMe(CREDENTIALS)).rejects.toMatchObject({ code: 'server-error' });
      expect((await post('mode', { mode: 'broken' })).status).toBe(400);
    } finally {
      await control.close();
    }
  });

  it('keeps a DM for polling when the account has no webhook subscription (no manual subscribe step)', async () => {
    const lonely = { ...HELPDESK, id: '1498765432109870001', username: 'lonely_desk', accessToken: '1498765432109870001-lonely' };
    fake.registerUser(lonely);
    const control = await startFakeXControlServer(fake, { consumerKey: APP.consumerKey, userId: lonely.id, username: lonely.username });
    try {
      const answer = await fetch(`${control.url}/_control/dm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'anyone?' }) });
      expect(await answer.json()).toMatchObject({ delivered: false, status: 0 });
      expect(app.received).toEqual([]);
      expect(fake.directMessages.at(-1)).toMatchObject({ text: 'anyone?', recipient: { id: lonely.id } });
      expect((await fetch(`${control.url}/_control/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    } finally {
      await control.close();
    }
  });
});
