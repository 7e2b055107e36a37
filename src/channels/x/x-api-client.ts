import { idString, parseJsonExact } from './exact-json';
import type { IncomingDirectMessage, IncomingTweet, IncomingXMessage } from './incoming-x-message';
import { percentEncode, type OAuth1Credentials } from './oauth1-signer';
import { readErrorBody, xErrorFromResponse } from './x-error-response';
import { XApiError, XUnexpectedResponseError, XUnreachableError } from './x-errors';
import { XTransport, type XAnswer, type XTransportOptions } from './x-transport';
import { userLookupFromV2, X_USERNAME, type XUserLookup } from './x-user-lookup';
import { compareIds, directMessagePageFromV2, tweetPageFromV2, type XV2Page } from './x-v2-mapper';

/**
 * The calls socialdesk makes to X, signed with OAuth 1.0a user context. Every failure is an
 * XApiError (see x-errors.ts); ids are strings end to end.
 */

export type XApiClientOptions = XTransportOptions;

export interface XConsumerCredentials {
  consumerKey: string;
  consumerSecret: string;
}

export interface XCredentials extends XConsumerCredentials {
  accessToken?: string;
  accessTokenSecret?: string;
}

export interface XUser {
  id: string;
  username: string;
  name: string;
}

export interface CreateTweetInput {
  text: string;
  inReplyToTweetId?: string;
  /** Media ids from uploadMedia (category tweet_image). */
  mediaIds?: string[];
}

/** A file to attach to a tweet or DM (POST /2/media/upload). */
export interface MediaUpload {
  bytes: Buffer;
  contentType: string;
  category: 'tweet_image' | 'dm_image';
}

/** A media file fetched from X. */
export interface DownloadedMedia {
  contentType: string;
  bytes: Buffer;
}

export interface SentDirectMessage {
  dmEventId: string;
  dmConversationId?: string;
}

export interface XRequestToken {
  oauthToken: string;
  oauthTokenSecret: string;
  /** RFC 5849 §2.1: the caller must refuse to continue unless this is true. */
  callbackConfirmed: boolean;
}

export interface XAccessToken {
  accessToken: string;
  accessTokenSecret: string;
  userId: string;
  screenName: string;
}

export interface XPollOptions {
  /** Only items newer than this id (the newestId of the previous poll). */
  sinceId?: string;
  /** Items per page (X: 10–100 for search, 5–100 for mentions, 1–100 for DMs); default 100. */
  maxResults?: number;
}

export interface XSearchOptions extends XPollOptions {
  /** X search syntax, e.g. `#support -is:retweet`. */
  query: string;
}

/**
 * GET /2/tweets/:id: the tweet, or why X has none for us. A deleted, unknown or protected tweet is
 * not an HTTP error: X answers 200 with only `errors` (Not Found Error, Authorization Error).
 */
export type XTweetLookup = { tweet: IncomingTweet } | { missing: string };

export interface XRateLimitStatus {
  limit?: number;
  remaining: number;
  resetAt: Date;
}

export interface XPollResult<T extends IncomingXMessage = IncomingXMessage> {
  /** Oldest first. */
  messages: T[];
  /** The cursor for the next poll; absent when nothing newer than sinceId came back. */
  newestId?: string;
  /** From the x-rate-limit-* headers of the last page read. */
  rateLimit?: XRateLimitStatus;
}

interface XCall {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  credentials: OAuth1Credentials;
  oauthParams?: Record<string, string>;
  json?: unknown;
}

const DEFAULT_POLL_PAGE_SIZE = 100;
// Catching up after a long pause stops here; older items beyond it are not fetched.
const MAX_POLL_PAGES = 10;
const TWEET_FIELDS = 'author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,entities,note_tweet,attachments';
// What a reply's parent must tell: its conversation, author, whom it answers, enough to route it, and its media.
const LOOKUP_TWEET_FIELDS = 'conversation_id,author_id,in_reply_to_user_id,referenced_tweets,entities,created_at,note_tweet,attachments';
const DM_EVENT_FIELDS = 'id,text,event_type,created_at,sender_id,dm_conversation_id,participant_ids,entities,attachments';
/** Photos, GIFs and videos attached to what a poll or lookup returns (docs/SEARCH-AND-MEDIA.md). */
const MEDIA_FIELDS = 'url,preview_image_url,variants,alt_text,width,height';

export class XApiClient {
  private readonly transport: XTransport;

  constructor(options: XApiClientOptions) {
    this.transport = new XTransport(options);
  }

  /** GET /2/users/me — who the access token belongs to (the wizard's "verify credentials"). */
  async getMe(credentials: XCredentials): Promise<XUser> {
    const data = dataOf(await this.call({ method: 'GET', path: '/2/users/me', credentials: userContext(credentials) }));
    const id = idString(data.id);
    const username = data.username;
    if (!id || typeof username !== 'string') throw unexpected('user without id or username');
    return { id, username, name: typeof data.name === 'string' ? data.name : username };
  }

  /** POST /2/tweets — a tweet, or a reply when inReplyToTweetId is given. */
  async createTweet(credentials: XCredentials, input: CreateTweetInput): Promise<{ id: string }> {
    const json = {
      text: input.text,
      ...(input.inReplyToTweetId ? { reply: { in_reply_to_tweet_id: input.inReplyToTweetId } } : {}),
      ...(input.mediaIds?.length ? { media: { media_ids: input.mediaIds } } : {}),
    };
    const data = dataOf(await this.call({ method: 'POST', path: '/2/tweets', credentials: userContext(credentials), json }));
    const id = idString(data.id);
    if (!id) throw unexpected('created tweet without id');
    return { id };
  }

  /** POST /2/dm_conversations/with/:participantId/messages — a one-to-one DM. */
  async sendDirectMessage(credentials: XCredentials, participantId: string, text: string, mediaId?: string): Promise<SentDirectMessage> {
    // Ids go into the path: anything but digits would change which endpoint is called.
    if (!/^\d+$/.test(participantId)) throw new TypeError('participantId must be an X user id (digits)');
    const data = dataOf(
      await this.call({
        method: 'POST',
        path: `/2/dm_conversations/with/${participantId}/messages`,
        credentials: userContext(credentials),
        json: { text, ...(mediaId ? { attachments: [{ media_id: mediaId }] } : {}) },
      }),
    );
    const dmEventId = idString(data.dm_event_id);
    if (!dmEventId) throw unexpected('sent DM without dm_event_id');
    const dmConversationId = typeof data.dm_conversation_id === 'string' ? data.dm_conversation_id : undefined;
    return dmConversationId ? { dmEventId, dmConversationId } : { dmEventId };
  }

  /** GET /2/tweets/:id — one tweet with its conversation_id (the parent of a reply whose thread is unknown). */
  async getTweet(credentials: XCredentials, tweetId: string): Promise<XTweetLookup> {
    if (!/^\d{1,19}$/.test(tweetId)) throw new TypeError('tweetId must be an X id (digits)');
    const answer = await this.call({
      method: 'GET',
      path: `/2/tweets/${tweetId}`,
      query: { 'tweet.fields': LOOKUP_TWEET_FIELDS, expansions: 'author_id,attachments.media_keys', 'media.fields': MEDIA_FIELDS },
      credentials: userContext(credentials),
    });
    const body = jsonOf(answer) as { data?: unknown; includes?: unknown; errors?: unknown };
    if (body && typeof body.data === 'object' && body.data !== null) {
      const [tweet] = tweetPageFromV2({ data: [body.data], includes: body.includes }).messages;
      if (!tweet) throw unexpected('tweet without id or author_id', answer.status);
      return { tweet };
    }
    const { detail } = readErrorBody(answer.bodyText);
    if (!Array.isArray(body?.errors) || !detail) throw unexpected('neither data nor errors', answer.status);
    return { missing: detail };
  }

  /** GET /2/tweets/search/recent — tweets of the last 7 days matching the query (e.g. a #hashtag). */
  async searchRecent(credentials: XCredentials, options: XSearchOptions): Promise<XPollResult<IncomingTweet>> {
    if (!options.query.trim()) throw new TypeError('a search query is required');
    return this.pollTweets('/2/tweets/search/recent', 'next_token', credentials, { query: options.query }, options);
  }

  /** GET /2/users/:id/mentions — tweets that mention (or reply to) the account. */
  async getMentions(credentials: XCredentials, userId: string, options: XPollOptions = {}): Promise<XPollResult<IncomingTweet>> {
    if (!/^\d+$/.test(userId)) throw new TypeError('userId must be an X user id (digits)');
    return this.pollTweets(`/2/users/${userId}/mentions`, 'pagination_token', credentials, {}, options);
  }

  /**
   * GET /2/dm_events — the account's one-to-one DMs, sent and received. X's endpoint has no
   * since_id (it answers 400 to one), so pages are read newest first until sinceId is reached.
   */
  async getDirectMessageEvents(credentials: XCredentials, options: XPollOptions = {}): Promise<XPollResult<IncomingDirectMessage>> {
    const sinceId = checkedSinceId(options.sinceId);
    const isNew = (id: string) => sinceId === undefined || compareIds(id, sinceId) > 0;
    const messages: IncomingDirectMessage[] = [];
    let newestId: string | undefined;
    let rateLimit: XRateLimitStatus | undefined;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_POLL_PAGES; page++) {
      const answer = await this.call({
        method: 'GET',
        path: '/2/dm_events',
        query: {
          'dm_event.fields': DM_EVENT_FIELDS,
          event_types: 'MessageCreate',
          expansions: 'sender_id,attachments.media_keys',
          'media.fields': MEDIA_FIELDS,
          max_results: String(options.maxResults ?? DEFAULT_POLL_PAGE_SIZE),
          pagination_token: pageToken,
        },
        credentials: userContext(credentials),
      });
      rateLimit = rateLimitOf(answer.headers) ?? rateLimit;
      const { messages: pageMessages, ids, nextToken } = directMessagePageFromV2(jsonOf(answer));
      messages.push(...pageMessages.filter((message) => isNew(message.id)));
      newestId = newest([newestId, ...ids.filter(isNew)]);
      const reachedCursor = ids.some((id) => !isNew(id));
      pageToken = nextToken;
      // Without a cursor there is nothing to catch up with: the newest page sets one.
      if (!pageToken || sinceId === undefined || reachedCursor) break;
    }
    return pollResult(messages, newestId, rateLimit);
  }

  /** 3-legged step 1: POST /oauth/request_token, signed by the app alone, with oauth_callback. */
  async requestToken(consumer: XConsumerCredentials, callbackUrl: string): Promise<XRequestToken> {
    const answer = await this.call({
      method: 'POST',
      path: '/oauth/request_token',
      credentials: { consumerKey: consumer.consumerKey, consumerSecret: consumer.consumerSecret },
      oauthParams: { oauth_callback: callbackUrl },
    });
    const form = new URLSearchParams(answer.bodyText);
    const oauthToken = form.get('oauth_token');
    const oauthTokenSecret = form.get('oauth_token_secret');
    if (!oauthToken || oauthTokenSecret === null) throw unexpected('request token missing', answer.status);
    return { oauthToken, oauthTokenSecret, callbackConfirmed: form.get('oauth_callback_confirmed') === 'true' };
  }

  /** 3-legged step 2: where to send the admin's browser. */
  authorizeUrl(oauthToken: string): string {
    return `${this.transport.baseUrl}/oauth/authorize?oauth_token=${percentEncode(oauthToken)}`;
  }

  /** 3-legged step 4: POST /oauth/access_token, signed with the request token and the verifier. */
  async accessToken(consumer: XConsumerCredentials, requestToken: string, requestTokenSecret: string, verifier: string): Promise<XAccessToken> {
    const answer = await this.call({
      method: 'POST',
      path: '/oauth/access_token',
      credentials: { ...consumer, token: requestToken, tokenSecret: requestTokenSecret },
      oauthParams: { oauth_verifier: verifier },
    });
    const form = new URLSearchParams(answer.bodyText);
    const accessToken = form.get('oauth_token');
    const accessTokenSecret = form.get('oauth_token_secret');
    const userId = idString(form.get('user_id') ?? undefined);
    const screenName = form.get('screen_name');
    if (!accessToken || !accessTokenSecret || !userId || !screenName) {
      throw unexpected('access token answer incomplete', answer.status);
    }
    return { accessToken, accessTokenSecret, userId, screenName };
  }

  /** GET /2/users/by/username/:username — who an @handle is (new outgoing DMs and tweets). */
  async userByUsername(credentials: XCredentials, username: string): Promise<XUserLookup> {
    // The name goes into the path: anything but X's username characters would change the endpoint.
    if (!X_USERNAME.test(username)) throw new TypeError('not an X username');
    const answer = await this.call({ method: 'GET', path: `/2/users/by/username/${username}`, credentials: userContext(credentials) });
    const lookup = userLookupFromV2(jsonOf(answer));
    if (!lookup) throw unexpected('user lookup without data or errors', answer.status);
    return lookup;
  }

  /**
   * POST /2/media/upload — one image, base64 in a JSON body (which OAuth 1.0a does not sign, so
   * the bytes cost nothing to sign). Returns the media id to attach; X keeps it for a day.
   */
  async uploadMedia(credentials: XCredentials, upload: MediaUpload): Promise<{ mediaId: string; expiresAfterSeconds: number }> {
    const data = dataOf(
      await this.call({
        method: 'POST',
        path: '/2/media/upload',
        credentials: userContext(credentials),
        json: { media: upload.bytes.toString('base64'), media_category: upload.category, media_type: upload.contentType },
      }),
    );
    const mediaId = idString(data.id);
    if (!mediaId) throw unexpected('uploaded media without id');
    const expires = Number(data.expires_after_secs);
    return { mediaId, expiresAfterSeconds: Number.isFinite(expires) && expires > 0 ? expires : 86_400 };
  }

  /**
   * A media file X serves: tweet media publicly (pbs.twimg.com, video.twimg.com), DM media only
   * to the account, with its OAuth 1.0a signature (ton.twitter.com). Never follows redirects;
   * stops reading past `maxBytes` (MediaTooLargeError). The caller decides which hosts to ask.
   */
  async downloadMedia(url: string, options: { credentials?: XCredentials; maxBytes: number }): Promise<DownloadedMedia> {
    const headers: Record<string, string> = { accept: 'image/*,video/mp4' };
    if (options.credentials) headers.authorization = this.transport.oauth1Authorization('GET', url, userContext(options.credentials));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.transport.timeoutMs);
    try {
      const response = await fetch(url, { headers, redirect: 'manual', signal: controller.signal });
      if (response.status < 200 || response.status >= 300) {
        throw xErrorFromResponse({ status: response.status, headers: response.headers, bodyText: (await response.text()).slice(0, 2_000), nowMs: this.transport.now() });
      }
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        controller.abort();
        throw new MediaTooLargeError(declared);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      // A reader rather than for-await: the body's async iterator is missing from the DOM typings a browser test may pull in.
      const reader = response.body?.getReader();
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader!.read()) {
        size += chunk.value.length;
        if (size > options.maxBytes) {
          controller.abort();
          throw new MediaTooLargeError(size);
        }
        chunks.push(Buffer.from(chunk.value));
      }
      return { contentType: (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase(), bytes: Buffer.concat(chunks) };
    } catch (error) {
      if (error instanceof XApiError || error instanceof MediaTooLargeError) throw error;
      if (controller.signal.aborted) throw new XUnreachableError('timeout', { cause: error });
      throw new XUnreachableError('network', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Search and mentions: since_id is X's, later pages follow next_token / pagination_token. */
  private async pollTweets(
    path: string,
    pageParameter: 'next_token' | 'pagination_token',
    credentials: XCredentials,
    query: Record<string, string>,
    options: XPollOptions,
  ): Promise<XPollResult<IncomingTweet>> {
    const sinceId = checkedSinceId(options.sinceId);
    const messages: IncomingTweet[] = [];
    let newestId: string | undefined;
    let rateLimit: XRateLimitStatus | undefined;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_POLL_PAGES; page++) {
      const answer = await this.call({
        method: 'GET',
        path,
        query: {
          ...query,
          since_id: sinceId,
          max_results: String(options.maxResults ?? DEFAULT_POLL_PAGE_SIZE),
          expansions: 'author_id,attachments.media_keys',
          'tweet.fields': TWEET_FIELDS,
          'media.fields': MEDIA_FIELDS,
          [pageParameter]: pageToken,
        },
        credentials: userContext(credentials),
      });
      rateLimit = rateLimitOf(answer.headers) ?? rateLimit;
      const tweets: XV2Page<IncomingTweet> = tweetPageFromV2(jsonOf(answer));
      messages.push(...tweets.messages);
      newestId = newest([newestId, tweets.newestId]);
      pageToken = tweets.nextToken;
      if (!pageToken || sinceId === undefined) break;
    }
    return pollResult(messages, newestId, rateLimit);
  }

  private call(call: XCall): Promise<XAnswer> {
    return this.transport.send({
      method: call.method,
      path: call.path,
      query: call.query,
      auth: { kind: 'oauth1', credentials: call.credentials, oauthParams: call.oauthParams },
      json: call.json,
    });
  }
}

/** A media file larger than the caller allows; `size` is what was seen before stopping. */
export class MediaTooLargeError extends Error {
  constructor(readonly size: number) {
    super(`media file larger than allowed (${size} bytes seen)`);
  }
}

function userContext(credentials: XCredentials): OAuth1Credentials {
  return {
    consumerKey: credentials.consumerKey,
    consumerSecret: credentials.consumerSecret,
    token: credentials.accessToken,
    tokenSecret: credentials.accessTokenSecret,
  };
}

/** The `data` object of a v2 answer; a 2xx with only `errors[]` counts as unexpected. */
function dataOf(answer: XAnswer): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseJsonExact(answer.bodyText);
  } catch {
    throw unexpected('answer is not JSON', answer.status);
  }
  const data = (body as { data?: unknown } | null)?.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new XUnexpectedResponseError({ status: answer.status, ...readErrorBody(answer.bodyText) });
  }
  return data as Record<string, unknown>;
}

/** The whole parsed body of a 2xx answer (list endpoints leave `data` out when empty). */
function jsonOf(answer: XAnswer): unknown {
  try {
    return parseJsonExact(answer.bodyText);
  } catch {
    throw unexpected('answer is not JSON', answer.status);
  }
}

function checkedSinceId(sinceId: string | undefined): string | undefined {
  if (sinceId !== undefined && !/^\d+$/.test(sinceId)) throw new TypeError('sinceId must be an X id (digits)');
  return sinceId;
}

function newest(ids: Array<string | undefined>): string | undefined {
  return ids.reduce<string | undefined>((max, id) => (id !== undefined && (max === undefined || compareIds(id, max) > 0) ? id : max), undefined);
}

function pollResult<T extends IncomingXMessage>(messages: T[], newestId: string | undefined, rateLimit: XRateLimitStatus | undefined): XPollResult<T> {
  // Pages overlap when new items arrive between two page requests.
  const byId = new Map(messages.map((message) => [message.id, message]));
  return {
    messages: [...byId.values()].sort((a, b) => compareIds(a.id, b.id)),
    ...(newestId !== undefined ? { newestId } : {}),
    ...(rateLimit ? { rateLimit } : {}),
  };
}

function rateLimitOf(headers: Headers): XRateLimitStatus | undefined {
  const remaining = headers.get('x-rate-limit-remaining')?.trim();
  const reset = headers.get('x-rate-limit-reset')?.trim();
  if (!remaining || !reset || !/^\d+$/.test(remaining) || !/^\d+$/.test(reset)) return undefined;
  const limit = headers.get('x-rate-limit-limit')?.trim();
  return {
    ...(limit && /^\d+$/.test(limit) ? { limit: Number(limit) } : {}),
    remaining: Number(remaining),
    resetAt: new Date(Number(reset) * 1000),
  };
}

function unexpected(detail: string, status?: number): XUnexpectedResponseError {
  return new XUnexpectedResponseError({ status, detail });
}
