import { idString, parseJsonExact } from './exact-json';
import { percentEncode, signRequest, type OAuth1Credentials } from './oauth1-signer';
import { readErrorBody, xErrorFromResponse } from './x-error-response';
import { XApiError, XUnexpectedResponseError, XUnreachableError } from './x-errors';

/**
 * The calls socialdesk makes to X, signed with OAuth 1.0a user context. Every failure is an
 * XApiError (see x-errors.ts); ids are strings end to end.
 */

export interface XApiClientOptions {
  /** e.g. https://api.x.com, or the local fake's http://127.0.0.1:4010 */
  baseUrl: string;
  timeoutMs?: number;
  /** Milliseconds since the epoch; drives oauth_timestamp. */
  now?: () => number;
  nonce?: () => string;
}

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

interface XCall {
  method: 'GET' | 'POST';
  path: string;
  credentials: OAuth1Credentials;
  oauthParams?: Record<string, string>;
  json?: unknown;
}

interface XAnswer {
  status: number;
  bodyText: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class XApiClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly nonce?: () => string;

  constructor(options: XApiClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`X API base URL must be http(s), got ${url.protocol}`);
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.nonce = options.nonce;
  }

  /** GET /2/users/me — who the access token belongs to (the wizard's "verify credentials"). */
  async getMe(credentials: XCredentials): Promise<XUser> {
    const data = dataOf(
      await this.call({ method: 'GET', path: '/2/users/me', credentials: userContext(credentials) }),
    );
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
    };
    const data = dataOf(
      await this.call({ method: 'POST', path: '/2/tweets', credentials: userContext(credentials), json }),
    );
    const id = idString(data.id);
    if (!id) throw unexpected('created tweet without id');
    return { id };
  }

  /** POST /2/dm_conversations/with/:participantId/messages — a one-to-one DM. */
  async sendDirectMessage(
    credentials: XCredentials,
    participantId: string,
    text: string,
  ): Promise<SentDirectMessage> {
    // Ids go into the path: anything but digits would change which endpoint is called.
    if (!/^\d+$/.test(participantId)) throw new TypeError('participantId must be an X user id (digits)');
    const data = dataOf(
      await this.call({
        method: 'POST',
        path: `/2/dm_conversations/with/${participantId}/messages`,
        credentials: userContext(credentials),
        json: { text },
      }),
    );
    const dmEventId = idString(data.dm_event_id);
    if (!dmEventId) throw unexpected('sent DM without dm_event_id');
    const dmConversationId = typeof data.dm_conversation_id === 'string' ? data.dm_conversation_id : undefined;
    return dmConversationId ? { dmEventId, dmConversationId } : { dmEventId };
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
    return `${this.baseUrl}/oauth/authorize?oauth_token=${percentEncode(oauthToken)}`;
  }

  /** 3-legged step 4: POST /oauth/access_token, signed with the request token and the verifier. */
  async accessToken(
    consumer: XConsumerCredentials,
    requestToken: string,
    requestTokenSecret: string,
    verifier: string,
  ): Promise<XAccessToken> {
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

  private async call(call: XCall): Promise<XAnswer> {
    const url = this.baseUrl + call.path;
    const body = call.json === undefined ? undefined : JSON.stringify(call.json);
    const contentType = body === undefined ? undefined : 'application/json';
    const { authorization } = signRequest({ method: call.method, url, body, contentType }, call.credentials, {
      nonce: this.nonce,
      timestamp: () => Math.floor(this.now() / 1000),
      extraOAuthParams: call.oauthParams,
    });

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await fetch(url, {
        method: call.method,
        headers: {
          authorization,
          accept: 'application/json',
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      const bodyText = await response.text();
      if (response.status < 200 || response.status >= 300) {
        throw xErrorFromResponse({ status: response.status, headers: response.headers, bodyText, nowMs: this.now() });
      }
      return { status: response.status, bodyText };
    } catch (error) {
      if (error instanceof XApiError) throw error;
      // fetch rejects with an AbortError once our timer fires, also while the body streams in.
      if (controller.signal.aborted) throw new XUnreachableError('timeout', { cause: error });
      throw new XUnreachableError('network', { cause: error });
    } finally {
      clearTimeout(timer);
    }
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

function unexpected(detail: string, status?: number): XUnexpectedResponseError {
  return new XUnexpectedResponseError({ status, detail });
}
