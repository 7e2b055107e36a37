import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isFormContentType } from '../../src/channels/x/oauth1-signer';
import {
  verifyOAuth1Request,
  type OAuth1RejectionReason,
  type OAuth1SecretLookup,
} from '../../src/channels/x/oauth1-verifier';
import { directMessageEventsBody, tweetCreateEventsBody, type FakeXAppInfo } from './fake-x/aaa-events';
import {
  callbackNotApproved,
  escapeHtml,
  form,
  html,
  invalidRequest,
  json,
  rawJson,
  redirect,
  text,
  v11Error,
  v2TooManyRequests,
  v2Unauthorized,
  type Answer,
} from './fake-x/answers';
import { FakeXRateLimits, RATE_LIMIT_WINDOW_MS, type FakeXEndpoint } from './fake-x/rate-limits';
import {
  FakeXIds,
  FakeXTimeline,
  type FakeXDirectMessage,
  type FakeXDirectMessageInput,
  type FakeXPerson,
  type FakeXTweet,
  type FakeXTweetInput,
} from './fake-x/timeline';
import { dmEventsAnswer, mentionsAnswer, searchRecentAnswer } from './fake-x/v2-timelines';
import {
  WebhookSender,
  type FakeXCrcResult,
  type FakeXDelivery,
  type FakeXWebhookSubscription,
} from './fake-x/webhook-sender';

export type { FakeXEndpoint } from './fake-x/rate-limits';
export type {
  FakeXDirectMessage,
  FakeXDirectMessageInput,
  FakeXPerson,
  FakeXTweet,
  FakeXTweetInput,
} from './fake-x/timeline';
export type { FakeXCrcResult, FakeXDelivery, FakeXWebhookSubscription } from './fake-x/webhook-sender';

/**
 * A local stand-in for api.x.com, for e2e and browser tests (PROTOCOL.md §1.7, §2, §3, §4, §5).
 * It verifies OAuth 1.0a exactly as X does — the port is part of the signed URL, JSON bodies are
 * not signed, unknown keys/tokens, bad signatures, stale timestamps and replayed nonces get X's
 * 401 bodies — and answers the endpoints socialdesk uses with X's shapes and string ids > 2^53.
 * It also plays X's side of Account Activity webhooks (signed event POSTs, CRC, duplicates, the
 * echo of what the app sends) and serves the v2 timelines a poller reads, with rate limits.
 */

export type FakeXMode = 'normal' | 'forbidden' | 'rate-limited' | 'slow' | 'server-error' | 'duplicate';

export interface FakeXApp {
  consumerKey: string;
  consumerSecret: string;
  /** Shown on the authorize page. */
  name?: string;
  /** Allow-list for oauth_callback; when absent any absolute URL (or "oob") is accepted. */
  callbackUrls?: string[];
  /** The AAA `source_app_id` of DMs sent with this app; generated when absent. */
  appId?: string;
}

export interface FakeXUser {
  id: string;
  username: string;
  name: string;
  accessToken: string;
  accessTokenSecret: string;
  /** The app this access token was issued to. */
  consumerKey: string;
}

export interface FakeXSentTweet {
  kind: 'tweet';
  id: string;
  text: string;
  inReplyToTweetId?: string;
  authorId: string;
  consumerKey: string;
}

export interface FakeXSentDirectMessage {
  kind: 'dm';
  dmEventId: string;
  dmConversationId: string;
  participantId: string;
  senderId: string;
  text: string;
  consumerKey: string;
}

export type FakeXSent = FakeXSentTweet | FakeXSentDirectMessage;

export interface FakeXApiOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Milliseconds since the epoch, for the timestamp window and x-rate-limit-reset. */
  now?: () => number;
  /** Allowed |now − oauth_timestamp|; X answers code 135 beyond it. */
  timestampWindowSeconds?: number;
  /** How long 'slow' mode waits before answering. */
  slowDelayMs?: number;
  /** Write ids in v2 answers as bare JSON numbers (X doesn't; tests client robustness). */
  idsAsJsonNumbers?: boolean;
  /** How long a webhook POST or CRC GET waits for the app (X: 10 s for events). */
  webhookTimeoutMs?: number;
}

/**
 * When the echo of a tweet or DM the app sends (PROTOCOL.md §4.3) reaches the app's webhook:
 * 'after-response' (default) once the API answer is sent; 'before-response' before it — the fake
 * waits for the app's webhook answer, then answers the API call, so the app sees its own message
 * before it learns the id X gave it (Zammad's race, ZAMMAD.md §5); 'off' never.
 */
export type FakeXEchoMode = 'off' | 'after-response' | 'before-response';

export interface FakeXDeliveryResult {
  /** The app's HTTP status for the (first) delivery; 0 when it did not answer. */
  status: number;
  /** The raw JSON POSTed (of the first delivery). */
  body: string;
  /** One per subscribed account and app (usually one). */
  deliveries: FakeXDelivery[];
}

export interface FakeXTweetDelivery extends FakeXTweetInput {
  /**
   * The account whose webhook gets the tweet. By default every subscribed account the tweet
   * concerns (its author, the mentioned and the replied-to account, the retweeted author), as AAA
   * does; set it to push a tweet AAA would never deliver (a stranger's #hashtag).
   */
  forUserId?: string;
}

export interface FakeXRawDeliveryOptions {
  /** The header to send; null for none; by default signed with the secret of the app subscribed at the URL. */
  signature?: string | null;
  consumerSecret?: string;
}


export interface FakeXModeOptions {
  /** 'slow': delay before answering. */
  delayMs?: number;
  /** 'rate-limited': the x-rate-limit-reset sent; default now + 15 min. */
  resetAt?: Date;
}

export interface FakeXApi {
  baseUrl: string;
  /** Tweets and DMs received, oldest first. */
  readonly sent: FakeXSent[];
  /** Every tweet the fake knows (delivered, posted, or sent by the app), oldest first. */
  readonly tweets: readonly FakeXTweet[];
  /** Every DM the fake knows, oldest first. */
  readonly directMessages: readonly FakeXDirectMessage[];
  /** Every webhook POST made (events, echoes, raw, redeliveries), in the order answered. */
  readonly deliveries: readonly FakeXDelivery[];
  registerApp(app: FakeXApp): void;
  registerUser(user: FakeXUser): void;
  setMode(mode: FakeXMode, options?: FakeXModeOptions): void;
  /** What clicking "Authorize app" does: returns the callback URL with oauth_token and oauth_verifier. */
  approveRequestToken(oauthToken: string, userId?: string): string;

  /** Account Activity: events for that account go to url, signed with that app's consumer secret. */
  subscribeWebhook(subscription: FakeXWebhookSubscription): void;
  /** A DM to a subscribed account, POSTed as `direct_message_events`; also listed by GET /2/dm_events. */
  deliverDirectMessage(input: FakeXDirectMessageInput): Promise<FakeXDeliveryResult & { eventId: string }>;
  /** A tweet POSTed as `tweet_create_events`; also on the public timeline (search, mentions). */
  deliverTweet(input: FakeXTweetDelivery): Promise<FakeXDeliveryResult & { tweetId: string }>;
  /** A tweet on the public timeline only (found by polling, never pushed). */
  postPublicTweet(input: FakeXTweetInput): { tweetId: string };
  /** A DM listed by GET /2/dm_events only (never pushed). */
  postDirectMessage(input: FakeXDirectMessageInput): { eventId: string };
  /** Any body, with a chosen (or no) signature. */
  deliverRaw(url: string, body: string | object, options?: FakeXRawDeliveryOptions): Promise<FakeXDelivery>;
  /** The same bytes and signature as the last delivery, again (X's retries). */
  redeliverLast(): Promise<FakeXDelivery>;
  /** GET url?crc_token=…&nonce=…, checked like X: 200, the right response_token, within 3 s. */
  crcCheck(url: string, crcToken?: string, options?: { consumerSecret?: string }): Promise<FakeXCrcResult>;
  setEchoMode(mode: FakeXEchoMode): void;
  /** Requests per 15-minute window per access token. */
  setRateLimit(endpoint: FakeXEndpoint, limit: number): void;
  /** Resolves once no webhook POST or CRC GET is under way (echoes included). */
  waitForDeliveries(): Promise<void>;

  /** Back to 'normal' with nothing sent, no tweets, DMs or deliveries, echoes 'after-response',
   * fresh rate limits; apps, users and webhook subscriptions are kept. */
  reset(): void;
  close(): Promise<void>;
}

interface RequestTokenGrant {
  consumerKey: string;
  secret: string;
  callback: string;
  verifier?: string;
  userId?: string;
}

interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  url: string;
  contentType?: string;
  body: string;
  authorization?: string;
}

type Auth = { consumerKey: string; token?: string; oauthParams: Record<string, string> };
type AuthKind = 'user' | 'app' | 'request-token';
type Dialect = 'v2' | 'v1.1';

const FIRST_ID = 1_790_000_000_000_000_000n;
const DEFAULT_SLOW_DELAY_MS = 15_000;
const DEFAULT_TIMESTAMP_WINDOW_SECONDS = 300;
const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 1_000_000;
const FIRST_APP_ID = 27_000_001;
/** The app a customer's DMs come from (X's own web client). */
const X_WEB_APP: FakeXAppInfo = { id: '3033300', name: 'Twitter Web App', url: 'https://mobile.twitter.com' };

export async function startFakeXApi(options: FakeXApiOptions = {}): Promise<FakeXApi> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const apps = new Map<string, FakeXApp>();
  const users = new Map<string, FakeXUser>(); // by access token
  const requestTokens = new Map<string, RequestTokenGrant>();
  const seenNonces = new Set<string>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  const sent: FakeXSent[] = [];
  const ids = new FakeXIds(FIRST_ID);
  const timeline = new FakeXTimeline(ids, now);
  const rateLimits = new FakeXRateLimits(now);
  const webhooks = new WebhookSender(
    options.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
    (consumerKey) => apps.get(consumerKey)?.consumerSecret,
  );
  let nextAppId = FIRST_APP_ID;
  let mode: FakeXMode = 'normal';
  let modeOptions: FakeXModeOptions = {};
  let echoMode: FakeXEchoMode = 'after-response';

  // ---- OAuth 1.0a, as X checks it ------------------------------------------------------------

  function secretsFor(kind: AuthKind): OAuth1SecretLookup {
    return {
      consumerSecret: (key) => apps.get(key)?.consumerSecret,
      tokenSecret: (token, consumerKey) => {
        if (kind === 'request-token') {
          const grant = requestTokens.get(token);
          return grant?.consumerKey === consumerKey ? grant.secret : undefined;
        }
        const user = users.get(token);
        return user?.consumerKey === consumerKey ? user.accessTokenSecret : undefined;
      },
    };
  }

  function authenticate(request: FakeRequest, kind: AuthKind): Auth | OAuth1RejectionReason | 'replayed-nonce' {
    const result = verifyOAuth1Request(request, secretsFor(kind), {
      nowSeconds: Math.floor(now() / 1000),
      maxClockSkewSeconds: options.timestampWindowSeconds ?? DEFAULT_TIMESTAMP_WINDOW_SECONDS,
    });
    if (!result.ok) return result.reason;
    if (kind !== 'app' && result.token === undefined) return 'unknown-token';
    const nonceKey = `${result.consumerKey}\n${result.oauthParams.oauth_timestamp}\n${result.oauthParams.oauth_nonce}`;
    if (seenNonces.has(nonceKey)) return 'replayed-nonce';
    seenNonces.add(nonceKey);
    return { consumerKey: result.consumerKey, token: result.token, oauthParams: result.oauthParams };
  }

  function authFailure(dialect: Dialect, reason: OAuth1RejectionReason | 'replayed-nonce'): Answer {
    if (dialect === 'v2') return v2Unauthorized();
    if (reason === 'missing-header') return v11Error(400, 215, 'Bad authentication data.');
    if (reason === 'stale-timestamp') return v11Error(401, 135, 'Timestamp out of bounds.');
    return v11Error(401, 32, 'Could not authenticate you.');
  }

  // ---- modes ---------------------------------------------------------------------------------

  function modeAnswer(request: FakeRequest, dialect: Dialect): Answer | undefined {
    switch (mode) {
      case 'forbidden':
        if (dialect === 'v2') {
          return json(403, {
            client_id: '10000001',
            required_enrollment: 'Appropriate Level of API Access',
            registration_url: 'https://developer.x.com/en/portal/product',
            title: 'Client Forbidden',
            detail:
              'This request must be made using an approved developer account that is enrolled in the requested endpoint.',
            reason: 'client-not-enrolled',
            type: 'https://api.x.com/2/problems/client-forbidden',
          });
        }
        return request.path === '/oauth/request_token'
          ? callbackNotApproved()
          : v11Error(403, 261, 'Your App cannot perform write actions.');
      case 'rate-limited': {
        const resetAt = modeOptions.resetAt ?? new Date(now() + RATE_LIMIT_WINDOW_MS);
        const headers = {
          'x-rate-limit-limit': '75',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.floor(resetAt.getTime() / 1000)),
        };
        const answer = dialect === 'v2' ? v2TooManyRequests() : v11Error(429, 88, 'Rate limit exceeded');
        return { ...answer, headers };
      }
      case 'server-error':
        return dialect === 'v2'
          ? json(503, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 })
          : v11Error(503, 130, 'Over capacity');
      case 'duplicate':
        if (request.path === '/2/tweets') {
          return json(403, {
            detail: 'You are not allowed to create a Tweet with duplicate content.',
            type: 'about:blank',
            title: 'Forbidden',
            status: 403,
          });
        }
        if (request.path === '/1.1/statuses/update.json') return v11Error(403, 187, 'Status is a duplicate.');
        return undefined;
      default:
        return undefined;
    }
  }

  // ---- endpoints -----------------------------------------------------------------------------

  /** Authenticates, applies the mode, then runs the endpoint — the order X answers in. */
  function guarded(request: FakeRequest, dialect: Dialect, kind: AuthKind, handle: (auth: Auth) => Answer): Answer {
    const auth = authenticate(request, kind);
    if (typeof auth === 'string') return authFailure(dialect, auth);
    return modeAnswer(request, dialect) ?? handle(auth);
  }

  /** An API call with user context, counted against its rate limit (headers on every answer). */
  function limited(request: FakeRequest, dialect: Dialect, endpoint: FakeXEndpoint, handle: (auth: Auth) => Answer): Answer {
    const auth = authenticate(request, 'user');
    if (typeof auth === 'string') return authFailure(dialect, auth);
    const verdict = rateLimits.consume(endpoint, auth.token as string);
    const fromMode = modeAnswer(request, dialect);
    if (fromMode) return { ...fromMode, headers: { ...verdict.headers, ...fromMode.headers } };
    if (!verdict.allowed) {
      const refusal = dialect === 'v2' ? v2TooManyRequests() : v11Error(429, 88, 'Rate limit exceeded');
      return { ...refusal, headers: verdict.headers };
    }
    const answer = handle(auth);
    return { ...answer, headers: { ...verdict.headers, ...answer.headers } };
  }

  function userOf(auth: Auth): FakeXUser {
    return users.get(auth.token as string) as FakeXUser;
  }

  function route(request: FakeRequest): Answer {
    const { method, path } = request;
    const dm = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/.exec(path);
    const mentions = /^\/2\/users\/([^/]+)\/mentions$/.exec(path);

    if (method === 'GET' && path === '/oauth/authorize') return authorizePage(request.query.get('oauth_token'));
    if (method === 'POST' && path === '/oauth/authorize') return authorizeDecision(new URLSearchParams(request.body));
    if (method === 'POST' && path === '/oauth/request_token') {
      return guarded(request, 'v1.1', 'app', (auth) => issueRequestToken(auth));
    }
    if (method === 'POST' && path === '/oauth/access_token') {
      return guarded(request, 'v1.1', 'request-token', (auth) => exchangeRequestToken(request, auth));
    }
    if (method === 'GET' && path === '/2/users/me') {
      return limited(request, 'v2', 'GET /2/users/me', (auth) => {
        const user = userOf(auth);
        return v2Data(200, { id: user.id, name: user.name, username: user.username });
      });
    }
    if (method === 'POST' && path === '/2/tweets') {
      return limited(request, 'v2', 'POST /2/tweets', (auth) => createTweet(request, auth));
    }
    if (method === 'POST' && dm) {
      return limited(request, 'v2', 'POST /2/dm_conversations/with/:participant_id/messages', (auth) =>
        sendDirectMessage(request, auth, dm[1]),
      );
    }
    if (method === 'GET' && path === '/2/tweets/search/recent') {
      return limited(request, 'v2', 'GET /2/tweets/search/recent', () => searchRecentAnswer(request.query, timeline));
    }
    if (method === 'GET' && mentions) {
      return limited(request, 'v2', 'GET /2/users/:id/mentions', () =>
        /^\d{1,19}$/.test(mentions[1])
          ? mentionsAnswer(mentions[1], request.query, timeline)
          : invalidRequest(`The \`id\` query parameter value [${mentions[1]}] does not match ^[0-9]{1,19}$`),
      );
    }
    if (method === 'GET' && path === '/2/dm_events') {
      return limited(request, 'v2', 'GET /2/dm_events', (auth) => dmEventsAnswer(userOf(auth).id, request.query, timeline));
    }
    if (method === 'GET' && path === '/1.1/account/verify_credentials.json') {
      return limited(request, 'v1.1', 'GET /1.1/account/verify_credentials.json', (auth) => {
        const user = userOf(auth);
        return rawJson(200, `{${v11Id(user.id)},${jsonFields({ name: user.name, screen_name: user.username })}}`);
      });
    }
    if (method === 'POST' && path === '/1.1/statuses/update.json') {
      return limited(request, 'v1.1', 'POST /1.1/statuses/update.json', (auth) => updateStatus(request, auth));
    }
    return v11Error(404, 34, 'Sorry, that page does not exist.');
  }

  function issueRequestToken(auth: Auth): Answer {
    const callback = auth.oauthParams.oauth_callback;
    if (!callback) {
      return v11Error(400, 417, "Desktop applications only support the oauth_callback value 'oob'");
    }
    const allowList = apps.get(auth.consumerKey)?.callbackUrls;
    const approved = callback === 'oob' || (isAbsoluteUrl(callback) && (!allowList || allowList.includes(callback)));
    if (!approved) return callbackNotApproved();
    const token = randomToken(24);
    const secret = randomToken(32);
    requestTokens.set(token, { consumerKey: auth.consumerKey, secret, callback });
    return form(200, { oauth_token: token, oauth_token_secret: secret, oauth_callback_confirmed: 'true' });
  }

  function exchangeRequestToken(request: FakeRequest, auth: Auth): Answer {
    const grant = requestTokens.get(auth.token as string) as RequestTokenGrant;
    const verifier =
      auth.oauthParams.oauth_verifier ??
      (isFormContentType(request.contentType) ? new URLSearchParams(request.body).get('oauth_verifier') : null) ??
      request.query.get('oauth_verifier');
    const user = grant.userId ? findUser(grant.consumerKey, grant.userId) : undefined;
    if (!grant.verifier || verifier !== grant.verifier || !user) {
      return text(401, 'Error processing your OAuth request: Invalid oauth_verifier parameter');
    }
    requestTokens.delete(auth.token as string); // a request token is good for one exchange
    return form(200, {
      oauth_token: user.accessToken,
      oauth_token_secret: user.accessTokenSecret,
      user_id: user.id,
      screen_name: user.username,
    });
  }

  function createTweet(request: FakeRequest, auth: Auth): Answer {
    const body = jsonBody(request);
    const text = body?.text;
    const reply = body?.reply as { in_reply_to_tweet_id?: unknown } | undefined;
    const inReplyTo = reply?.in_reply_to_tweet_id;
    if (typeof text !== 'string' || text.length === 0) return invalidRequest('text: a non-empty string is required');
    if (inReplyTo !== undefined && !(typeof inReplyTo === 'string' && /^\d+$/.test(inReplyTo))) {
      return invalidRequest('reply.in_reply_to_tweet_id: must be a numeric id string');
    }
    const { id, echo } = recordSentTweet(auth, text, inReplyTo);
    return withEcho(v2Data(201, { id, text, edit_history_tweet_ids: [id] }), echo);
  }

  function sendDirectMessage(request: FakeRequest, auth: Auth, participantId: string): Answer {
    const text = jsonBody(request)?.text;
    if (!/^\d+$/.test(participantId)) return invalidRequest('participant_id: must be a numeric id');
    if (typeof text !== 'string' || text.length === 0) return invalidRequest('text: a non-empty string is required');
    const sender = userOf(auth);
    const message = timeline.addDirectMessage({ from: personOf(sender), toUserId: participantId, text }, appInfo(auth.consumerKey).id);
    const dmEventId = message.id;
    const dmConversationId = [sender.id, participantId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).join('-');
    sent.push({
      kind: 'dm',
      dmEventId,
      dmConversationId,
      participantId,
      senderId: sender.id,
      text,
      consumerKey: auth.consumerKey,
    });
    return withEcho(v2Data(201, { dm_conversation_id: dmConversationId, dm_event_id: dmEventId }), () =>
      deliverDirectMessageEvents(message, true),
    );
  }

  function updateStatus(request: FakeRequest, auth: Auth): Answer {
    const params = isFormContentType(request.contentType) ? new URLSearchParams(request.body) : request.query;
    const text = params.get('status');
    // X ignores an in_reply_to_status_id it cannot resolve rather than failing the update.
    const inReplyTo = /^\d+$/.test(params.get('in_reply_to_status_id') ?? '') ? (params.get('in_reply_to_status_id') as string) : undefined;
    if (!text) return v11Error(400, 170, 'Missing required parameter: status.');
    const user = userOf(auth);
    const { id, echo } = recordSentTweet(auth, text, inReplyTo);
    return withEcho(
      rawJson(200, `{${v11Id(id)},${jsonFields({ text })},"user":{${v11Id(user.id)},${jsonFields({ screen_name: user.username })}}}`),
      echo,
    );
  }

  /** A tweet the app sent: in `sent`, on the timeline, and echoed to the author's webhook. */
  function recordSentTweet(auth: Auth, text: string, inReplyTo: string | undefined): { id: string; echo: () => Promise<unknown> } {
    const user = userOf(auth);
    const tweet = timeline.addTweet({ author: personOf(user), text, ...(inReplyTo ? { inReplyToTweetId: inReplyTo } : {}) });
    sent.push({
      kind: 'tweet',
      id: tweet.id,
      text,
      ...(inReplyTo ? { inReplyToTweetId: inReplyTo } : {}),
      authorId: user.id,
      consumerKey: auth.consumerKey,
    });
    return { id: tweet.id, echo: () => deliverTweetEvents(tweet, accountsConcernedBy(tweet), true) };
  }

  function withEcho(answer: Answer, echo: () => Promise<unknown>): Answer {
    return echoMode === 'off' ? answer : { ...answer, echoes: [echo] };
  }

  // ---- Account Activity webhooks -------------------------------------------------------------

  function personOf(user: FakeXUser): FakeXPerson {
    return { id: user.id, username: user.username, name: user.name };
  }

  function appInfo(consumerKey: string): FakeXAppInfo {
    const app = apps.get(consumerKey);
    if (!app?.appId) return X_WEB_APP;
    return { id: app.appId, name: app.name ?? 'socialdesk', url: 'https://example.com/socialdesk' };
  }

  function appInfoById(appId: string): FakeXAppInfo {
    const app = [...apps.values()].find((candidate) => candidate.appId === appId);
    return app ? appInfo(app.consumerKey) : X_WEB_APP;
  }

  /** The subscribed accounts AAA would tell about this tweet: its author, who it mentions or replies to, who is retweeted. */
  function accountsConcernedBy(tweet: FakeXTweet): string[] {
    const retweeted = tweet.retweetOf ? timeline.tweet(tweet.retweetOf)?.author.id : undefined;
    const candidates = [tweet.author.id, ...tweet.mentions.map((person) => person.id), tweet.inReplyToUserId, retweeted];
    return [...new Set(candidates)].filter((id): id is string => id !== undefined && webhooks.isSubscribed(id));
  }

  async function deliverTweetEvents(tweet: FakeXTweet, accounts: string[], echo: boolean): Promise<FakeXDelivery[]> {
    const perAccount = await Promise.all(
      accounts.map((account) =>
        webhooks.deliver(account, tweetCreateEventsBody(account, tweet, timeline), 'tweet_create_events', echo),
      ),
    );
    return perAccount.flat();
  }

  async function deliverDirectMessageEvents(message: FakeXDirectMessage, echo: boolean): Promise<FakeXDelivery[]> {
    const app = appInfoById(message.sourceAppId);
    const accounts = [...new Set([message.sender.id, message.recipient.id])].filter((id) => webhooks.isSubscribed(id));
    const perAccount = await Promise.all(
      accounts.map((account) =>
        webhooks.deliver(account, directMessageEventsBody(account, message, app), 'direct_message_events', echo),
      ),
    );
    return perAccount.flat();
  }

  function deliveryResult(deliveries: FakeXDelivery[]): FakeXDeliveryResult {
    return { status: deliveries[0]?.status ?? 0, body: deliveries[0]?.body ?? '', deliveries };
  }

  function requireSubscribed(userId: string): void {
    if (!webhooks.isSubscribed(userId)) {
      throw new Error(`fake X: no webhook subscribed for user ${userId}; call subscribeWebhook first`);
    }
  }

  // ---- the browser part of the 3-legged flow -------------------------------------------------

  function usersOfApp(consumerKey: string): FakeXUser[] {
    return [...users.values()].filter((user) => user.consumerKey === consumerKey);
  }

  function findUser(consumerKey: string, userId: string): FakeXUser | undefined {
    return usersOfApp(consumerKey).find((user) => user.id === userId);
  }

  function authorizePage(oauthToken: string | null): Answer {
    const grant = oauthToken ? requestTokens.get(oauthToken) : undefined;
    if (!oauthToken || !grant) {
      return html(400, '<h1>Whoa there!</h1><p>The request token for this page is invalid.</p>');
    }
    const appName = escapeHtml(apps.get(grant.consumerKey)?.name ?? 'socialdesk');
    // The most recently registered account of the app is the one "signed in" by default.
    const candidates = usersOfApp(grant.consumerKey).reverse();
    if (candidates.length === 0) return html(200, `<h1>Authorize ${appName}</h1><p>No X account to sign in with.</p>`);
    const options = candidates
      .map((user) => `<option value="${escapeHtml(user.id)}">@${escapeHtml(user.username)} (${escapeHtml(user.name)})</option>`)
      .join('');
    return html(
      200,
      `<h1>Authorize ${appName} to access your account?</h1>
<form method="post" action="/oauth/authorize">
  <input type="hidden" name="oauth_token" value="${escapeHtml(oauthToken)}">
  <label>Signed in as <select name="user_id">${options}</select></label>
  <button type="submit" name="decision" value="allow" id="allow">Authorize app</button>
  <button type="submit" name="decision" value="deny" id="cancel">Cancel</button>
</form>`,
    );
  }

  function authorizeDecision(formBody: URLSearchParams): Answer {
    const oauthToken = formBody.get('oauth_token') ?? '';
    const grant = requestTokens.get(oauthToken);
    if (!grant) return html(400, '<h1>Whoa there!</h1><p>The request token for this page is invalid.</p>');
    if (formBody.get('decision') === 'deny') {
      requestTokens.delete(oauthToken);
      return grant.callback === 'oob'
        ? html(200, '<p>You did not authorize the app.</p>')
        : redirect(withQuery(grant.callback, { denied: oauthToken }));
    }
    const target = approve(oauthToken, formBody.get('user_id') ?? undefined);
    return target.startsWith('oob:')
      ? html(200, `<p>Enter this PIN to complete authorization: <code id="pin">${escapeHtml(target.slice(4))}</code></p>`)
      : redirect(target);
  }

  function approve(oauthToken: string, userId?: string): string {
    const grant = requestTokens.get(oauthToken);
    if (!grant) throw new Error(`fake X: unknown request token ${oauthToken}`);
    const user = userId ? findUser(grant.consumerKey, userId) : usersOfApp(grant.consumerKey).at(-1);
    if (!user) throw new Error(`fake X: no registered user ${userId ?? ''} for app ${grant.consumerKey}`);
    grant.userId = user.id;
    grant.verifier = randomToken(32);
    if (grant.callback === 'oob') return `oob:${grant.verifier}`;
    return withQuery(grant.callback, { oauth_token: oauthToken, oauth_verifier: grant.verifier });
  }

  // ---- answer shapes -------------------------------------------------------------------------

  function v2Data(status: number, data: Record<string, unknown>): Answer {
    if (!options.idsAsJsonNumbers) return json(status, { data });
    // Ids as bare numbers, exactly as long as they are: JSON.stringify cannot write them.
    const fields = Object.entries(data).map(([key, value]) =>
      /(^|_)id$/.test(key) && typeof value === 'string' && /^\d+$/.test(value)
        ? `${JSON.stringify(key)}:${value}`
        : `${JSON.stringify(key)}:${JSON.stringify(value)}`,
    );
    return rawJson(status, `{"data":{${fields.join(',')}}}`);
  }

  // ---- HTTP plumbing -------------------------------------------------------------------------

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const requestUrl = new URL(req.url ?? '/', `http://${req.headers.host ?? `${host}:${port()}`}`);
    const request: FakeRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: requestUrl.pathname,
      query: requestUrl.searchParams,
      url: requestUrl.href,
      contentType: req.headers['content-type'],
      body,
      authorization: req.headers.authorization,
    };
    const isBrowserPage = request.path === '/oauth/authorize';
    if (mode === 'slow' && !isBrowserPage) {
      await delay(modeOptions.delayMs ?? options.slowDelayMs ?? DEFAULT_SLOW_DELAY_MS);
      if (res.destroyed || res.writableEnded) return;
    }
    const answer = route(request);
    const echoes = answer.echoes ?? [];
    const runEchoes = () => Promise.all(echoes.map((echo) => echo()));
    if (echoes.length > 0 && echoMode === 'before-response') await runEchoes();
    res.writeHead(answer.status, { 'content-type': answer.contentType, ...answer.headers });
    if (echoes.length > 0 && echoMode === 'after-response') {
      // 'close' also fires when the client went away, so waitForDeliveries() cannot hang on it.
      const answered = new Promise<void>((resolve) => res.once('close', () => resolve()));
      webhooks.track(answered.then(runEchoes));
    }
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake X failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (): number => (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port()}`,
    sent,
    get tweets() {
      return timeline.tweets;
    },
    get directMessages() {
      return timeline.directMessages;
    },
    get deliveries() {
      return webhooks.deliveries;
    },
    registerApp(app) {
      apps.set(app.consumerKey, { ...app, appId: app.appId ?? apps.get(app.consumerKey)?.appId ?? String(nextAppId++) });
    },
    registerUser(user) {
      if (!apps.has(user.consumerKey)) throw new Error(`fake X: register app ${user.consumerKey} first`);
      if (!/^\d+$/.test(user.id)) throw new Error('fake X: user ids are digit strings');
      users.delete(user.accessToken); // re-registering moves the user to the end (the default signer-in)
      users.set(user.accessToken, { ...user });
      timeline.rememberPerson(personOf(user));
    },
    setMode(next, nextOptions = {}) {
      mode = next;
      modeOptions = nextOptions;
    },
    approveRequestToken(oauthToken, userId) {
      return approve(oauthToken, userId);
    },
    subscribeWebhook(subscription) {
      if (!apps.has(subscription.consumerKey)) throw new Error(`fake X: register app ${subscription.consumerKey} first`);
      if (!findUser(subscription.consumerKey, subscription.forUserId)) {
        throw new Error(`fake X: user ${subscription.forUserId} has not authorised app ${subscription.consumerKey}`);
      }
      webhooks.subscribe({ url: subscription.url, consumerKey: subscription.consumerKey, forUserId: subscription.forUserId });
    },
    async deliverDirectMessage(input) {
      requireSubscribed(input.toUserId);
      const message = timeline.addDirectMessage(input, X_WEB_APP.id);
      return { eventId: message.id, ...deliveryResult(await deliverDirectMessageEvents(message, false)) };
    },
    async deliverTweet(input) {
      const { forUserId, ...tweetInput } = input;
      if (forUserId !== undefined) requireSubscribed(forUserId);
      const tweet = timeline.addTweet(tweetInput);
      const accounts = forUserId !== undefined ? [forUserId] : accountsConcernedBy(tweet);
      if (accounts.length === 0) {
        timeline.tweets.splice(timeline.tweets.indexOf(tweet), 1);
        throw new Error(
          'fake X: AAA delivers this tweet to no subscribed account (it neither mentions, replies to nor retweets one); ' +
            'pass forUserId, or use postPublicTweet for a tweet found only by search',
        );
      }
      return { tweetId: tweet.id, ...deliveryResult(await deliverTweetEvents(tweet, accounts, false)) };
    },
    postPublicTweet(input) {
      return { tweetId: timeline.addTweet(input).id };
    },
    postDirectMessage(input) {
      return { eventId: timeline.addDirectMessage(input, X_WEB_APP.id).id };
    },
    deliverRaw(url, body, rawOptions = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      return webhooks.deliverRaw(url, raw, rawOptions.signature, rawOptions.consumerSecret);
    },
    redeliverLast() {
      return webhooks.redeliverLast();
    },
    crcCheck(url, crcToken = randomBytes(32).toString('base64'), crcOptions = {}) {
      const secret = crcOptions.consumerSecret ?? webhooks.secretForUrl(url);
      if (secret === undefined) {
        return Promise.reject(new Error(`fake X: no app is subscribed at ${url}; pass consumerSecret`));
      }
      return webhooks.crcCheck(url, crcToken, secret);
    },
    setEchoMode(next) {
      echoMode = next;
    },
    setRateLimit(endpoint, limit) {
      rateLimits.setLimit(endpoint, limit);
    },
    waitForDeliveries() {
      return webhooks.idle();
    },
    reset() {
      mode = 'normal';
      modeOptions = {};
      echoMode = 'after-response';
      sent.length = 0;
      timeline.clear();
      rateLimits.reset();
      webhooks.clearLog();
    },
    close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function jsonBody(request: FakeRequest): Record<string, unknown> | undefined {
  if (!/^application\/json\b/i.test(request.contentType ?? '')) return undefined;
  try {
    const parsed: unknown = JSON.parse(request.body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** v1.1 objects carry the id twice: as a (lossy in JavaScript) number and as id_str. */
function v11Id(id: string): string {
  return `"id":${id},"id_str":"${id}"`;
}

/** `"a":"…","b":"…"` for embedding next to hand-written numeric ids. */
function jsonFields(fields: Record<string, string>): string {
  return JSON.stringify(fields).slice(1, -1);
}

function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.href;
}

function isAbsoluteUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
