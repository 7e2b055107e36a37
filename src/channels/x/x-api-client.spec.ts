import { createServer } from 'node:net';
import { startFakeXApi, type FakeXApi } from '../../../test/support/fake-x-api';
import { credentialsOf, HELPDESK, startFakeXClient, TEST_APP } from '../../../test/support/fake-x/client-fixture';
import { authorizationHeader, hmacSha1Signature, percentEncode, signingKey, signRequest } from './oauth1-signer';
import { XApiClient } from './x-api-client';
import { XApiError, XDuplicateError, XForbiddenError, XInvalidCredentialsError, XRateLimitedError, XServerError, XUnreachableError } from './x-errors';

// The real client against the fake X API over real HTTP on 127.0.0.1.

const APP = TEST_APP;
const CREDENTIALS = credentialsOf(HELPDESK);
const CUSTOMER_ID = '1205290247124217856';
const CALLBACK = 'http://localhost:3000/admin/profiles/x/callback';

let fake: FakeXApi;
let client: XApiClient;

beforeAll(async () => {
  ({ fake, client } = await startFakeXClient());
});

afterAll(() => fake.close());

beforeEach(() => fake.reset());

async function failureOf(promise: Promise<unknown>): Promise<XApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(XApiError);
    return error as XApiError;
  }
  throw new Error('expected the call to fail');
}

describe('XApiClient against the fake X API', () => {
  describe('verifying credentials (GET /2/users/me)', () => {
    it('returns the account of the access token with its id as an exact string', async () => {
      await expect(client.getMe(CREDENTIALS)).resolves.toEqual({
        id: '1498765432109876543',
        username: 'acme_help',
        name: 'ACME Help',
      });
    });

    it.each([
      ['a wrong consumer secret', { consumerSecret: 'wrong' }],
      ['a wrong access token secret', { accessTokenSecret: 'wrong' }],
      ['an unknown consumer key', { consumerKey: 'unknown' }],
      ['an unknown (revoked) access token', { accessToken: '1-revoked' }],
      ['no access token at all', { accessToken: undefined, accessTokenSecret: undefined }],
    ])('reports invalid credentials for %s', async (_, override) => {
      const error = await failureOf(client.getMe({ ...CREDENTIALS, ...override }));
      expect(error).toBeInstanceOf(XInvalidCredentialsError);
      expect(error).toMatchObject({ code: 'invalid-credentials', status: 401, detail: 'Unauthorized' });
    });

    it('reports invalid credentials when the clock is an hour off (stale timestamp)', async () => {
      const skewed = new XApiClient({ baseUrl: fake.baseUrl, now: () => Date.now() - 3_600_000 });
      expect(await failureOf(skewed.getMe(CREDENTIALS))).toBeInstanceOf(XInvalidCredentialsError);
    });

    it('is refused when a nonce is replayed', async () => {
      const replaying = new XApiClient({ baseUrl: fake.baseUrl, nonce: () => 'always-the-same-nonce' });
      await replaying.getMe(CREDENTIALS);
      expect(await failureOf(replaying.getMe(CREDENTIALS))).toBeInstanceOf(XInvalidCredentialsError);
    });

    it('never lets the secrets into the error message', async () => {
      const error = await failureOf(client.getMe({ ...CREDENTIALS, consumerSecret: 'wrong' }));
      expect(error.message).not.toContain(HELPDESK.accessTokenSecret);
      expect(error.message).not.toContain(HELPDESK.accessToken);
    });
  });

  describe('replying with a tweet (POST /2/tweets)', () => {
    it('posts the text as a reply and returns the new id as an exact string above 2^53', async () => {
      const text = "@customer Thanks *so* much (really)! Ladies + Gentlemen, 100% ☃ it's done";
      const { id } = await client.createTweet(CREDENTIALS, { text, inReplyToTweetId: '1207623566339919872' });

      expect(id).toMatch(/^\d+$/);
      expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      expect(fake.sent).toEqual([
        {
          kind: 'tweet',
          id,
          text,
          inReplyToTweetId: '1207623566339919872',
          authorId: HELPDESK.id,
          consumerKey: APP.consumerKey,
        },
      ]);
    });

    it('keeps consecutive ids exact (they differ by one, which a double cannot show)', async () => {
      const first = await client.createTweet(CREDENTIALS, { text: 'one' });
      const second = await client.createTweet(CREDENTIALS, { text: 'two' });
      expect(BigInt(second.id) - BigInt(first.id)).toBe(1n);
    });

    it('posts a standalone tweet without a reply object', async () => {
      await client.createTweet(CREDENTIALS, { text: 'hello' });
      expect(fake.sent[0]).not.toHaveProperty('inReplyToTweetId');
    });
  });

  describe('sending a direct message (POST /2/dm_conversations/with/:id/messages)', () => {
    it('returns the DM event id and the conversation id (smaller user id first)', async () => {
      const sent = await client.sendDirectMessage(CREDENTIALS, CUSTOMER_ID, 'We are on it *now*.');
      expect(sent.dmEventId).toMatch(/^\d{19}$/);
      expect(sent.dmConversationId).toBe(`${CUSTOMER_ID}-${HELPDESK.id}`);
      expect(fake.sent).toEqual([
        {
          kind: 'dm',
          dmEventId: sent.dmEventId,
          dmConversationId: sent.dmConversationId,
          participantId: CUSTOMER_ID,
          senderId: HELPDESK.id,
          text: 'We are on it *now*.',
          consumerKey: APP.consumerKey,
        },
      ]);
    });

    it('refuses a participant id that is not an X id before calling X', async () => {
      await expect(client.sendDirectMessage(CREDENTIALS, '../../2/tweets', 'hi')).rejects.toThrow(TypeError);
      expect(fake.sent).toEqual([]);
    });
  });

  describe("X's refusals, as typed errors", () => {
    it("forbidden: 403 with X's detail", async () => {
      fake.setMode('forbidden');
      const error = await failureOf(client.getMe(CREDENTIALS));
      expect(error).toBeInstanceOf(XForbiddenError);
      expect(error).toMatchObject({ code: 'not-enrolled', status: 403 });
      expect(error.detail).toMatch(/enrolled/);
    });

    it('duplicate: 403 duplicate content on a tweet', async () => {
      fake.setMode('duplicate');
      const error = await failureOf(client.createTweet(CREDENTIALS, { text: 'again' }));
      expect(error).toBeInstanceOf(XDuplicateError);
      expect(error.code).toBe('duplicate');
      expect(fake.sent).toEqual([]);
    });

    it('rate limited: 429 with resetAt taken from x-rate-limit-reset', async () => {
      const resetAt = new Date('2030-05-01T10:15:00Z');
      fake.setMode('rate-limited', { resetAt });
      const error = await failureOf(client.sendDirectMessage(CREDENTIALS, CUSTOMER_ID, 'hi'));
      expect(error).toBeInstanceOf(XRateLimitedError);
      expect((error as XRateLimitedError).resetAt).toEqual(resetAt);
      expect(error.retryable).toBe(true);
    });

    it('server error: 503', async () => {
      fake.setMode('server-error');
      const error = await failureOf(client.createTweet(CREDENTIALS, { text: 'hi' }));
      expect(error).toBeInstanceOf(XServerError);
      expect(error).toMatchObject({ code: 'server-error', status: 503 });
    });

    it('unreachable: gives up after its timeout when X is slow', async () => {
      // X would answer long after jest's own 5 s limit: the call can only end by giving up.
      fake.setMode('slow', { delayMs: 10 * 60_000 });
      const impatient = new XApiClient({ baseUrl: fake.baseUrl, timeoutMs: 100 });
      const error = await failureOf(impatient.getMe(CREDENTIALS));
      expect(error).toBeInstanceOf(XUnreachableError);
      expect(error).toMatchObject({ code: 'unreachable', reason: 'timeout' });
    });

    it('unreachable: nothing listens on the port', async () => {
      const closedPort = await freePort();
      const nowhere = new XApiClient({ baseUrl: `http://127.0.0.1:${closedPort}` });
      const error = await failureOf(nowhere.getMe(CREDENTIALS));
      expect(error).toMatchObject({ code: 'unreachable', reason: 'network' });
    });
  });

  describe('"Add account": the 3-legged flow end to end', () => {
    const consumer = { consumerKey: APP.consumerKey, consumerSecret: APP.consumerSecret };

    async function clickOnAuthorizePage(authorizeUrl: string, decision: 'allow' | 'deny'): Promise<URL> {
      const page = await fetch(authorizeUrl);
      const html = await page.text();
      expect(html).toContain('Authorize app');
      const token = /name="oauth_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const click = await fetch(new URL('/oauth/authorize', fake.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ oauth_token: token, user_id: HELPDESK.id, decision }).toString(),
        redirect: 'manual',
      });
      expect(click.status).toBe(302);
      return new URL(click.headers.get('location') ?? '');
    }

    it('gets a request token, is sent back with a verifier, and exchanges it for the account tokens', async () => {
      const requestToken = await client.requestToken(consumer, CALLBACK);
      expect(requestToken.callbackConfirmed).toBe(true);

      const authorizeUrl = client.authorizeUrl(requestToken.oauthToken);
      expect(authorizeUrl).toBe(`${fake.baseUrl}/oauth/authorize?oauth_token=${percentEncode(requestToken.oauthToken)}`);

      const callback = await clickOnAuthorizePage(authorizeUrl, 'allow');
      expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
      expect(callback.searchParams.get('oauth_token')).toBe(requestToken.oauthToken);

      const access = await client.accessToken(consumer, requestToken.oauthToken, requestToken.oauthTokenSecret, callback.searchParams.get('oauth_verifier') ?? '');
      expect(access).toEqual({
        accessToken: HELPDESK.accessToken,
        accessTokenSecret: HELPDESK.accessTokenSecret,
        userId: HELPDESK.id,
        screenName: HELPDESK.username,
      });
      await expect(client.getMe({ ...consumer, ...access })).resolves.toMatchObject({ id: HELPDESK.id });
    });

    it('refuses a wrong verifier, and a request token used twice', async () => {
      const requestToken = await client.requestToken(consumer, CALLBACK);
      const callback = new URL(fake.approveRequestToken(requestToken.oauthToken));
      const exchange = (verifier: string) => client.accessToken(consumer, requestToken.oauthToken, requestToken.oauthTokenSecret, verifier);

      expect(await failureOf(exchange('not-the-verifier'))).toBeInstanceOf(XInvalidCredentialsError);
      await exchange(callback.searchParams.get('oauth_verifier') ?? '');
      expect(await failureOf(exchange(callback.searchParams.get('oauth_verifier') ?? ''))).toBeInstanceOf(XInvalidCredentialsError);
    });

    it('refuses the exchange when signed with the wrong request token secret', async () => {
      const requestToken = await client.requestToken(consumer, CALLBACK);
      const verifier = new URL(fake.approveRequestToken(requestToken.oauthToken)).searchParams.get('oauth_verifier');
      const error = await failureOf(client.accessToken(consumer, requestToken.oauthToken, 'wrong', verifier ?? ''));
      expect(error).toMatchObject({ code: 'invalid-credentials', xErrorCode: 32 });
    });

    it('sends the admin back with denied=<token> on Cancel', async () => {
      const requestToken = await client.requestToken(consumer, CALLBACK);
      const callback = await clickOnAuthorizePage(client.authorizeUrl(requestToken.oauthToken), 'deny');
      expect(callback.searchParams.get('denied')).toBe(requestToken.oauthToken);
      expect(callback.searchParams.has('oauth_verifier')).toBe(false);
    });

    it('reports forbidden (code 415) for a callback URL the app has not approved', async () => {
      fake.registerApp({ ...APP, consumerKey: 'strict-app', callbackUrls: ['https://desk.example.com/cb'] });
      const error = await failureOf(client.requestToken({ consumerKey: 'strict-app', consumerSecret: APP.consumerSecret }, CALLBACK));
      expect(error).toMatchObject({ code: 'forbidden', xErrorCode: 415 });
    });

    it('reports invalid credentials for a wrong consumer secret at the first step', async () => {
      const error = await failureOf(client.requestToken({ ...consumer, consumerSecret: 'wrong' }, CALLBACK));
      expect(error).toMatchObject({ code: 'invalid-credentials', xErrorCode: 32 });
    });
  });

  describe('the fake verifies form bodies like X (v1.1 statuses/update)', () => {
    const body = 'status=' + percentEncode('Thanks *so* much!');
    const url = () => `${fake.baseUrl}/1.1/statuses/update.json`;
    const post = (authorization: string) =>
      fetch(url(), {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const userCredentials = { ...APP, token: HELPDESK.accessToken, tokenSecret: HELPDESK.accessTokenSecret };

    it('accepts a correctly signed form body with "*" and answers with numeric and string ids', async () => {
      const signed = signRequest({ method: 'POST', url: url(), body, contentType: 'application/x-www-form-urlencoded' }, userCredentials);
      const response = await post(signed.authorization);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/^\{"id":\d{19},"id_str":"\d{19}"/);
      expect(fake.sent[0]).toMatchObject({ kind: 'tweet', text: 'Thanks *so* much!' });
    });

    it('answers code 32 to a signer that percent-encodes with bare encodeURIComponent', async () => {
      const signed = signRequest({ method: 'POST', url: url(), body, contentType: 'application/x-www-form-urlencoded' }, userCredentials);
      // encodeURIComponent leaves "*" and "!" alone at both encoding levels of the base string.
      const sloppyBase = signed.baseString.replace(/%252A/g, '*').replace(/%2521/g, '!');
      const sloppySignature = hmacSha1Signature(sloppyBase, signingKey(userCredentials.consumerSecret, userCredentials.tokenSecret));
      const response = await post(authorizationHeader({ ...signed.oauthParams, oauth_signature: sloppySignature }));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [{ code: 32, message: 'Could not authenticate you.' }] });
      expect(fake.sent).toEqual([]);
    });
  });

  it('keeps ids exact even when X writes them as bare JSON numbers', async () => {
    const numeric = await startFakeXApi({ idsAsJsonNumbers: true });
    try {
      numeric.registerApp(APP);
      numeric.registerUser(HELPDESK);
      const numericClient = new XApiClient({ baseUrl: numeric.baseUrl });
      await expect(numericClient.getMe(CREDENTIALS)).resolves.toMatchObject({ id: '1498765432109876543' });
      const dm = await numericClient.sendDirectMessage(CREDENTIALS, CUSTOMER_ID, 'hi');
      expect(dm.dmEventId).toBe((numeric.sent[0] as { dmEventId: string }).dmEventId);
    } finally {
      await numeric.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
