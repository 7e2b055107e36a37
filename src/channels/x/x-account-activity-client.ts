import { createHash } from 'node:crypto';
import { idString, parseJsonExact } from './exact-json';
import type { XConsumerCredentials, XCredentials } from './x-api-client';
import { readErrorBody } from './x-error-response';
import { XInvalidCredentialsError, XUnexpectedResponseError } from './x-errors';
import { XTransport, type XAnswer, type XTransportOptions } from './x-transport';

/**
 * Receiving from X, set up by the app (docs/X.md): the V2 Webhooks API with the app-only bearer
 * token (POST /oauth2/token, client credentials), and Account Activity subscriptions of the
 * connected account with its OAuth 1.0a user context. Every failure is an XApiError; X's own
 * refusals are XWebhookRejectedError (CRC failed, URL not accepted, duplicate URL, too many
 * webhooks) and XNotEnrolledError (the app's access level has no Account Activity API).
 */

export interface XWebhook {
  /** X's webhook id (digits). */
  id: string;
  url: string;
  /** Whether X's last CRC check of the URL passed; X sends events only to valid webhooks. */
  valid: boolean;
  createdAt?: string;
}

export class XAccountActivityClient {
  private readonly transport: XTransport;
  /** X keeps one bearer token per app and hands out the same one again; so do we, per key and secret. */
  private readonly bearerTokens = new Map<string, Promise<string>>();

  constructor(options: XTransportOptions) {
    this.transport = new XTransport(options);
  }

  /** POST /oauth2/token with grant_type=client_credentials: the app's bearer token. */
  appBearerToken(consumer: XConsumerCredentials): Promise<string> {
    const key = cacheKey(consumer);
    let token = this.bearerTokens.get(key);
    if (!token) {
      token = this.requestBearerToken(consumer);
      this.bearerTokens.set(key, token);
      // A failed request is not remembered: the next call asks X again.
      token.catch(() => this.bearerTokens.delete(key));
    }
    return token;
  }

  /** GET /2/webhooks — the app's registered webhooks. */
  async listWebhooks(consumer: XConsumerCredentials): Promise<XWebhook[]> {
    const answer = await this.asApp(consumer, (token) => this.transport.send({ method: 'GET', path: '/2/webhooks', auth: { kind: 'bearer', token } }));
    const data = bodyOf(answer).data;
    if (data === undefined) return [];
    if (!Array.isArray(data)) throw unexpected('webhook list is not a list', answer.status);
    return data.map((item) => webhookOf(item, answer.status));
  }

  /** POST /2/webhooks — X runs the CRC against url before it answers; a failed check is a refusal. */
  async createWebhook(consumer: XConsumerCredentials, url: string): Promise<XWebhook> {
    const answer = await this.asApp(consumer, (token) => this.transport.send({ method: 'POST', path: '/2/webhooks', auth: { kind: 'bearer', token }, json: { url } }));
    return webhookOf(bodyOf(answer).data, answer.status);
  }

  /** PUT /2/webhooks/:id — X runs the CRC again; read `valid` from listWebhooks afterwards. */
  async revalidateWebhook(consumer: XConsumerCredentials, webhookId: string): Promise<void> {
    const path = `/2/webhooks/${checkedId(webhookId, 'webhookId')}`;
    await this.asApp(consumer, (token) => this.transport.send({ method: 'PUT', path, auth: { kind: 'bearer', token } }));
  }

  /** DELETE /2/webhooks/:id */
  async deleteWebhook(consumer: XConsumerCredentials, webhookId: string): Promise<void> {
    const path = `/2/webhooks/${checkedId(webhookId, 'webhookId')}`;
    await this.asApp(consumer, (token) => this.transport.send({ method: 'DELETE', path, auth: { kind: 'bearer', token } }));
  }

  /** POST …/subscriptions/all, as the account itself: its activity goes to the webhook from now on. */
  async subscribe(credentials: XCredentials, webhookId: string): Promise<boolean> {
    const answer = await this.transport.send({
      method: 'POST',
      path: `/2/account_activity/webhooks/${checkedId(webhookId, 'webhookId')}/subscriptions/all`,
      auth: { kind: 'oauth1', credentials: userContext(credentials) },
      json: {},
    });
    return subscribedOf(answer);
  }

  /** GET …/subscriptions/all, as the account: whether it is subscribed to the webhook. */
  async isSubscribed(credentials: XCredentials, webhookId: string): Promise<boolean> {
    const answer = await this.transport.send({
      method: 'GET',
      path: `/2/account_activity/webhooks/${checkedId(webhookId, 'webhookId')}/subscriptions/all`,
      auth: { kind: 'oauth1', credentials: userContext(credentials) },
    });
    return subscribedOf(answer);
  }

  /** DELETE …/subscriptions/:user_id/all, as the app: the account's activity stops coming. */
  async unsubscribe(consumer: XConsumerCredentials, webhookId: string, userId: string): Promise<void> {
    const path = `/2/account_activity/webhooks/${checkedId(webhookId, 'webhookId')}/subscriptions/${checkedId(userId, 'userId')}/all`;
    await this.asApp(consumer, (token) => this.transport.send({ method: 'DELETE', path, auth: { kind: 'bearer', token } }));
  }

  /** A call with the app's bearer token; once X refuses the token (invalidated meanwhile), a fresh one is tried. */
  private async asApp(consumer: XConsumerCredentials, call: (token: string) => Promise<XAnswer>): Promise<XAnswer> {
    const token = await this.appBearerToken(consumer);
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof XInvalidCredentialsError)) throw error;
      this.bearerTokens.delete(cacheKey(consumer));
      return call(await this.appBearerToken(consumer));
    }
  }

  private async requestBearerToken(consumer: XConsumerCredentials): Promise<string> {
    const answer = await this.transport.send({
      method: 'POST',
      path: '/oauth2/token',
      auth: { kind: 'basic', user: consumer.consumerKey, password: consumer.consumerSecret },
      form: { grant_type: 'client_credentials' },
    });
    const body = bodyOf(answer);
    if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer' || typeof body.access_token !== 'string' || !body.access_token) {
      throw unexpected('no bearer token in the answer', answer.status);
    }
    return body.access_token;
  }
}

function cacheKey(consumer: XConsumerCredentials): string {
  // The secret is part of the key, so a corrected secret gets its own token; only its hash is kept.
  return `${consumer.consumerKey}\n${createHash('sha256').update(consumer.consumerSecret).digest('hex')}`;
}

function userContext(credentials: XCredentials) {
  return {
    consumerKey: credentials.consumerKey,
    consumerSecret: credentials.consumerSecret,
    token: credentials.accessToken,
    tokenSecret: credentials.accessTokenSecret,
  };
}

/** Ids go into the path: anything but digits would change which endpoint is called. */
function checkedId(id: string, name: string): string {
  if (!/^\d{1,30}$/.test(id)) throw new TypeError(`${name} must be an X id (digits)`);
  return id;
}

function bodyOf(answer: XAnswer): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseJsonExact(answer.bodyText);
  } catch {
    throw unexpected('answer is not JSON', answer.status);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unexpected('answer is not a JSON object', answer.status);
  return body as Record<string, unknown>;
}

function webhookOf(item: unknown, status: number): XWebhook {
  const data = item as Record<string, unknown> | null | undefined;
  const id = idString(data?.id);
  if (!data || !id || typeof data.url !== 'string' || typeof data.valid !== 'boolean') {
    throw new XUnexpectedResponseError({ status, detail: 'webhook without id, url or valid' });
  }
  return { id, url: data.url, valid: data.valid, ...(typeof data.created_at === 'string' ? { createdAt: data.created_at } : {}) };
}

function subscribedOf(answer: XAnswer): boolean {
  const data = bodyOf(answer).data as { subscribed?: unknown } | undefined;
  if (typeof data?.subscribed !== 'boolean') throw new XUnexpectedResponseError({ status: answer.status, ...readErrorBody(answer.bodyText) });
  return data.subscribed;
}

function unexpected(detail: string, status?: number): XUnexpectedResponseError {
  return new XUnexpectedResponseError({ status, detail });
}
