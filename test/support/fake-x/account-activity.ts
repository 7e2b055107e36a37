import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { FakeXAccounts } from './accounts';
import { json, v2Unauthorized, type Answer } from './answers';
import type { FakeXAppTokens } from './app-only-auth';
import { jsonBody, type FakeRequest } from './http';
import type { FakeXModes } from './modes';
import { authFailure, type FakeXOAuth } from './oauth-verification';
import type { FakeXWebhookRegistration, FakeXWebhookRegistry } from './webhook-registry';
import type { FakeXCrcResult, WebhookSender } from './webhook-sender';

/**
 * X's V2 Webhooks API and Account Activity subscriptions, as docs.x.com describes them:
 *
 *   POST   /2/webhooks {"url"}                 register; X runs the CRC first (bearer or user)
 *   GET    /2/webhooks                         the app's webhooks (bearer)
 *   PUT    /2/webhooks/:id                     run the CRC again; `valid` follows the answer
 *   DELETE /2/webhooks/:id                     (bearer)
 *   POST   /2/account_activity/webhooks/:id/subscriptions/all          subscribe (user context)
 *   GET    /2/account_activity/webhooks/:id/subscriptions/all          is the user subscribed? (user)
 *   DELETE /2/account_activity/webhooks/:id/subscriptions/:user/all    unsubscribe (bearer)
 *   GET    /2/account_activity/webhooks/:id/subscriptions/all/list     who is subscribed (bearer)
 *
 * Refusals come as X's 400 "Invalid Request" with the reason first in errors[0].message:
 * UrlValidationFailed (not public https without a port), DuplicateUrlFailed, WebhookLimitExceeded
 * (a few webhooks per app), CrcValidationFailed. An app whose access level lacks the Account
 * Activity API gets 403 client-not-enrolled.
 */

export interface FakeXAccountActivityOptions {
  /** Accept http, ports and loopback hosts (localhost, 127.0.0.1, ::1) for webhooks — a local demo, not X. */
  loopbackDemo: boolean;
  /** Webhooks one app may register; X allows only a few. */
  webhooksPerApp: number;
  /** A line about what happened, for the console of `npm run fake-x`. */
  log: (line: string) => void;
}

type Caller = { consumerKey: string; userId?: string };
type AllowedAuth = 'bearer' | 'user';

const WEBHOOKS = /^\/2\/webhooks(?:\/([^/]+))?$/;
const SUBSCRIPTIONS = /^\/2\/account_activity\/webhooks\/([^/]+)\/subscriptions\/(all|all\/list|([^/]+)\/all)$/;

export interface FakeXCrcHold {
  /** Resolves once a CRC check is waiting. */
  waiting: Promise<void>;
  /** Lets every held CRC check (and later ones) go. */
  release(): void;
}

export class FakeXAccountActivity {
  private hold?: { gate: Promise<void>; signalWaiting: () => void };

  constructor(
    private readonly registry: FakeXWebhookRegistry,
    private readonly accounts: FakeXAccounts,
    private readonly appTokens: FakeXAppTokens,
    private readonly oauth: FakeXOAuth,
    private readonly modes: FakeXModes,
    private readonly sender: WebhookSender,
    private readonly options: FakeXAccountActivityOptions,
  ) {}

  /** The answer for a webhooks or subscriptions request; undefined for any other path. */
  async route(request: FakeRequest): Promise<Answer | undefined> {
    const { method, path } = request;
    const webhooks = WEBHOOKS.exec(path);
    if (webhooks) {
      const id = webhooks[1];
      if (method === 'POST' && id === undefined) return this.call(request, ['bearer', 'user'], (caller) => this.create(request, caller));
      if (method === 'GET' && id === undefined) return this.call(request, ['bearer'], (caller) => this.list(caller));
      if (method === 'PUT' && id !== undefined) return this.call(request, ['bearer', 'user'], (caller) => this.revalidate(caller, id));
      if (method === 'DELETE' && id !== undefined) return this.call(request, ['bearer', 'user'], (caller) => this.remove(caller, id));
      return undefined;
    }
    const subscriptions = SUBSCRIPTIONS.exec(path);
    if (subscriptions) {
      const [, webhookId, which, userId] = subscriptions;
      if (which === 'all' && method === 'POST') return this.call(request, ['user'], (caller) => this.subscribe(caller, webhookId));
      if (which === 'all' && method === 'GET') return this.call(request, ['user'], (caller) => this.isSubscribed(caller, webhookId));
      if (which === 'all/list' && method === 'GET') return this.call(request, ['bearer'], (caller) => this.subscribers(caller, webhookId));
      if (userId !== undefined && method === 'DELETE') return this.call(request, ['bearer'], (caller) => this.unsubscribe(caller, webhookId, userId));
    }
    return undefined;
  }

  /** X's periodic CRC of every webhook (hourly to daily on X); marks each valid or not. */
  async recheckAll(): Promise<void> {
    await Promise.all(
      this.registry.all().map(async ({ consumerKey, id }) => {
        const registration = this.registry.byId(consumerKey, id);
        if (registration) registration.valid = (await this.runCrc(registration.url, consumerKey)).ok;
      }),
    );
  }

  /** Authenticates the way the endpoint allows, then the mode and the app's access level, as X orders them. */
  private async call(request: FakeRequest, allowed: AllowedAuth[], handle: (caller: Caller) => Promise<Answer> | Answer): Promise<Answer> {
    const bearerApp = this.appTokens.appOf(request);
    let caller: Caller;
    if (bearerApp !== undefined) {
      if (!allowed.includes('bearer')) return unsupportedAuthentication('OAuth 2.0 Application-Only', ['OAuth 1.0a User Context', 'OAuth 2.0 User Context']);
      caller = { consumerKey: bearerApp };
    } else if (/^Bearer\s/i.test(request.authorization ?? '')) {
      return v2Unauthorized();
    } else {
      const auth = this.oauth.authenticate(request, 'user');
      if (typeof auth === 'string') return authFailure('v2', auth);
      if (!allowed.includes('user')) return unsupportedAuthentication('OAuth 1.0a User Context', ['OAuth 2.0 Application-Only']);
      caller = { consumerKey: auth.consumerKey, userId: this.accounts.userByToken(auth.token as string)?.id };
    }
    const fromMode = this.modes.answerFor(request, 'v2');
    if (fromMode) return fromMode;
    const app = this.accounts.app(caller.consumerKey);
    if (app?.accountActivity === false) return notEnrolled(app.appId ?? '');
    return handle(caller);
  }

  private async create(request: FakeRequest, caller: Caller): Promise<Answer> {
    const url = jsonBody(request)?.url;
    if (typeof url !== 'string' || url === '') return invalidRequest('The `url` field is required');
    const problem = urlProblem(url, this.options.loopbackDemo);
    if (problem) return webhookRefusal('UrlValidationFailed', problem);
    const reserved = this.registry.reservedBy(caller.consumerKey);
    if (reserved.some((registration) => registration.url === url)) return webhookRefusal('DuplicateUrlFailed', 'This URL is already registered as a webhook for this application');
    if (reserved.length >= this.options.webhooksPerApp) return webhookRefusal('WebhookLimitExceeded', 'Too many resources already created.');
    // Taken now, checked next: X decides duplicates and the limit at once, not after the CRC.
    const registration = this.registry.add(caller.consumerKey, url, false, true);
    const crc = await this.runCrc(url, caller.consumerKey);
    if (!crc.ok) {
      this.registry.remove(registration);
      this.options.log(`webhook NOT registered: the CRC check of ${url} failed (${crcFailure(crc)})`);
      return webhookRefusal('CrcValidationFailed', crcFailure(crc));
    }
    delete registration.pending;
    registration.valid = true;
    this.options.log(`webhook ${registration.id} registered: ${url} (CRC passed in ${crc.elapsedMs} ms)`);
    return json(200, { data: webhookJson(registration) });
  }

  private list(caller: Caller): Answer {
    const registrations = this.registry.ofApp(caller.consumerKey);
    return json(200, { ...(registrations.length > 0 ? { data: registrations.map(webhookJson) } : {}), meta: { result_count: registrations.length } });
  }

  private async revalidate(caller: Caller, id: string): Promise<Answer> {
    const registration = this.registry.byId(caller.consumerKey, id);
    if (!registration) return webhookNotFound(id);
    const crc = await this.runCrc(registration.url, caller.consumerKey);
    registration.valid = crc.ok;
    this.options.log(`webhook ${id}: CRC check ${crc.ok ? 'passed' : `FAILED (${crcFailure(crc)}); marked invalid, no events go there`}`);
    return json(200, { data: { attempted: true } });
  }

  private remove(caller: Caller, id: string): Answer {
    const registration = this.registry.byId(caller.consumerKey, id);
    if (!registration) return webhookNotFound(id);
    this.registry.remove(registration);
    this.options.log(`webhook ${id} deleted (${registration.url})`);
    return json(200, { data: { deleted: true } });
  }

  private subscribe(caller: Caller, webhookId: string): Answer {
    const registration = this.registry.byId(caller.consumerKey, webhookId);
    if (!registration) return webhookNotFound(webhookId);
    const userId = caller.userId as string;
    if (!registration.subscribers.includes(userId)) this.registry.subscribe(registration, userId);
    this.options.log(`account ${this.handleOf(userId)} subscribed to webhook ${webhookId}${registration.valid ? '' : ' (the webhook is invalid: nothing is delivered until a CRC check passes)'}`);
    return json(200, { data: { subscribed: true } });
  }

  private isSubscribed(caller: Caller, webhookId: string): Answer {
    const registration = this.registry.byId(caller.consumerKey, webhookId);
    if (!registration) return webhookNotFound(webhookId);
    return json(200, { data: { subscribed: registration.subscribers.includes(caller.userId as string) } });
  }

  private subscribers(caller: Caller, webhookId: string): Answer {
    const registration = this.registry.byId(caller.consumerKey, webhookId);
    if (!registration) return webhookNotFound(webhookId);
    return json(200, {
      data: {
        application_id: this.accounts.app(caller.consumerKey)?.appId ?? '',
        webhook_id: registration.id,
        webhook_url: registration.url,
        subscriptions: registration.subscribers.map((userId) => ({ user_id: userId })),
      },
    });
  }

  private unsubscribe(caller: Caller, webhookId: string, userId: string): Answer {
    const registration = this.registry.byId(caller.consumerKey, webhookId);
    if (!registration) return webhookNotFound(webhookId);
    if (!/^\d{1,19}$/.test(userId)) return invalidRequest(`The \`user_id\` path parameter value [${userId}] is not valid`);
    if (this.registry.unsubscribe(registration, userId)) this.options.log(`account ${this.handleOf(userId)} unsubscribed from webhook ${webhookId}`);
    return json(200, { data: { subscribed: false } });
  }

  /** For tests of races: CRC checks wait (a registration stays pending) until released. */
  holdCrcChecks(): FakeXCrcHold {
    let release!: () => void;
    let signalWaiting!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const waiting = new Promise<void>((resolve) => (signalWaiting = resolve));
    this.hold = { gate, signalWaiting };
    return {
      waiting,
      release: () => {
        this.hold = undefined;
        release();
      },
    };
  }

  private async runCrc(url: string, consumerKey: string): Promise<FakeXCrcResult> {
    if (this.hold) {
      this.hold.signalWaiting();
      await this.hold.gate;
    }
    return this.sender.crcCheck(url, randomBytes(32).toString('base64'), this.accounts.consumerSecret(consumerKey) ?? '');
  }

  private handleOf(userId: string): string {
    const user = this.accounts.userById(userId);
    return user ? `@${user.username}` : userId;
  }
}

/** Why X refuses a webhook URL (docs.x.com: public https, no port), or undefined when it takes it. */
export function urlProblem(raw: string, loopbackDemo: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'The URL is not valid';
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback = host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
  if (loopbackDemo && loopback && (url.protocol === 'http:' || url.protocol === 'https:')) return undefined;
  if (url.protocol !== 'https:') return 'The URL must use https';
  if (url.port !== '') return 'The URL must not contain a port';
  if (loopback || isPrivateAddress(host) || !host.includes('.')) return 'The URL must be reachable from the internet';
  return undefined;
}

function isPrivateAddress(host: string): boolean {
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number);
    return a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIP(host) === 6) return /^(fc|fd|fe8|fe9|fea|feb)/.test(host) || host === '::';
  return host.endsWith('.local') || host.endsWith('.internal');
}

function crcFailure(crc: FakeXCrcResult): string {
  if (crc.status === 0) return `Unable to connect during CRC GET request${crc.error ? ` (${crc.error})` : ''}`;
  if (crc.status !== 200) return `Non-200 response code during CRC GET request (i.e. 404, 500, etc): ${crc.status}`;
  if (crc.responseToken !== crc.expectedToken) return 'Invalid response_token';
  return 'High latency on CRC GET request. Your webhook should respond in less than 3 seconds.';
}

function webhookJson(registration: FakeXWebhookRegistration) {
  return { id: registration.id, url: registration.url, valid: registration.valid, created_at: registration.createdAt };
}

function invalidRequest(message: string): Answer {
  return json(400, {
    errors: [{ message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.x.com/2/problems/invalid-request',
  });
}

function webhookRefusal(reason: 'UrlValidationFailed' | 'DuplicateUrlFailed' | 'WebhookLimitExceeded' | 'CrcValidationFailed', explanation: string): Answer {
  return invalidRequest(`${reason}: ${explanation}`);
}

function webhookNotFound(id: string): Answer {
  return json(404, {
    title: 'Not Found Error',
    detail: `Could not find webhook with id: [${id}].`,
    type: 'https://api.x.com/2/problems/resource-not-found',
    resource_type: 'webhook',
    resource_id: id,
    status: 404,
  });
}

function unsupportedAuthentication(used: string, supported: string[]): Answer {
  return json(403, {
    title: 'Unsupported Authentication',
    detail: `Authenticating with ${used} is forbidden for this endpoint.  Supported authentication types are [${supported.join(', ')}].`,
    type: 'https://api.x.com/2/problems/unsupported-authentication',
    status: 403,
  });
}

function notEnrolled(appId: string): Answer {
  return json(403, {
    client_id: appId,
    required_enrollment: 'Account Activity API',
    registration_url: 'https://developer.x.com/en/portal/products',
    title: 'Client Forbidden',
    detail: 'This request must be made using an approved developer account that is enrolled in the requested endpoint. Learn more by visiting our documentation.',
    reason: 'client-not-enrolled',
    type: 'https://api.x.com/2/problems/client-forbidden',
  });
}
