import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { crcResponseToken } from '../../../src/channels/x/webhook-crypto';
import type { FakeXWebhookRegistry } from './webhook-registry';
import { webhookSignature } from './webhook-signature';

/**
 * The sending half of Account Activity webhooks (docs/X.md, "CRC and signatures", "Retries, duplicates, fan-out"): POSTs to the webhooks the
 * registry names for an account, signed over the raw body with the app's consumer secret;
 * the exact same bytes again on request (X's retries); and the CRC GET with X's check of the answer.
 */

export interface FakeXWebhookSubscription {
  url: string;
  consumerKey: string;
  forUserId: string;
}

export interface FakeXDelivery {
  url: string;
  /** for_user_id of the envelope; absent for deliverRaw. */
  forUserId?: string;
  kind: 'tweet_create_events' | 'direct_message_events' | 'raw';
  /** The raw JSON POSTed. */
  body: string;
  /** The x-twitter-webhooks-signature sent, if any. */
  signature?: string;
  /** Whether this is the echo of a tweet or DM the app sent through the API. */
  echo: boolean;
  /** The app's HTTP status; 0 when it did not answer (refused, timed out). */
  status: number;
  responseBody: string;
  error?: string;
}

export interface FakeXCrcResult {
  /** The app's HTTP status; 0 when it did not answer. */
  status: number;
  /** 200, the right response_token, and within X's 3 seconds. */
  ok: boolean;
  responseToken?: string;
  expectedToken: string;
  elapsedMs: number;
  /** Why the app did not answer (refused, timed out), when status is 0. */
  error?: string;
}

interface PostOptions {
  forUserId?: string;
  kind: FakeXDelivery['kind'];
  echo: boolean;
}

const CRC_DEADLINE_MS = 3_000;
const MAX_RESPONSE_BYTES = 100_000;

export class WebhookSender {
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly deliveries: FakeXDelivery[] = [];

  constructor(
    private readonly timeoutMs: number,
    /** Looked up at each delivery, so a re-registered app signs with its new secret. */
    private readonly consumerSecretOf: (consumerKey: string) => string | undefined,
    /** Where X sends an account's events now (valid webhooks it is subscribed to). */
    private readonly registry: FakeXWebhookRegistry,
  ) {}

  /** Whether X would deliver the account's events anywhere (a valid webhook has it subscribed). */
  isSubscribed(forUserId: string): boolean {
    return this.registry.targets(forUserId).length > 0;
  }

  secretForUrl(url: string): string | undefined {
    const consumerKey = this.registry.appAtUrl(url);
    return consumerKey === undefined ? undefined : this.consumerSecretOf(consumerKey);
  }

  /** POSTs the envelope to every app subscribed for the account, each signed with its own secret. */
  deliver(forUserId: string, body: string, kind: FakeXDelivery['kind'], echo: boolean): Promise<FakeXDelivery[]> {
    const targets = this.registry.targets(forUserId);
    return Promise.all(
      targets.map((target) => {
        const secret = this.consumerSecretOf(target.consumerKey);
        const signature = secret === undefined ? undefined : webhookSignature(body, secret);
        return this.post(target.url, body, signature, { forUserId, kind, echo });
      }),
    );
  }

  /** signature: a header value, null for none, undefined to sign with the given or subscribed secret. */
  deliverRaw(url: string, body: string, signature: string | null | undefined, consumerSecret?: string): Promise<FakeXDelivery> {
    const secret = consumerSecret ?? this.secretForUrl(url);
    const header = signature === undefined ? (secret === undefined ? undefined : webhookSignature(body, secret)) : (signature ?? undefined);
    return this.post(url, body, header, { kind: 'raw', echo: false });
  }

  /** X's retry: the very same bytes and signature to the same URL. */
  redeliverLast(): Promise<FakeXDelivery> {
    const last = this.deliveries.at(-1);
    if (!last) return Promise.reject(new Error('fake X: nothing was delivered yet'));
    return this.post(last.url, last.body, last.signature, { forUserId: last.forUserId, kind: last.kind, echo: last.echo });
  }

  crcCheck(url: string, crcToken: string, consumerSecret: string): Promise<FakeXCrcResult> {
    return this.track(this.checkCrc(url, crcToken, consumerSecret));
  }

  /** Registers work that tests may wait for with idle(). */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves once nothing is being delivered (including deliveries started meanwhile). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  clearLog(): void {
    this.deliveries.length = 0;
  }

  private async checkCrc(url: string, crcToken: string, consumerSecret: string): Promise<FakeXCrcResult> {
    const target = new URL(url);
    target.searchParams.set('crc_token', crcToken);
    target.searchParams.set('nonce', randomBytes(16).toString('hex'));
    const expectedToken = crcResponseToken(crcToken, consumerSecret);
    const started = Date.now();
    const answer = await send('GET', target, undefined, {}, this.timeoutMs);
    const elapsedMs = Date.now() - started;
    const responseToken = readResponseToken(answer.body);
    return {
      status: answer.status,
      ok: answer.status === 200 && responseToken === expectedToken && elapsedMs < CRC_DEADLINE_MS,
      ...(responseToken !== undefined ? { responseToken } : {}),
      expectedToken,
      elapsedMs,
      ...(answer.error ? { error: answer.error } : {}),
    };
  }

  private post(url: string, body: string, signature: string | undefined, options: PostOptions): Promise<FakeXDelivery> {
    return this.track(this.postOnce(url, body, signature, options));
  }

  private async postOnce(url: string, body: string, signature: string | undefined, options: PostOptions): Promise<FakeXDelivery> {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'fake-x-webhooks/1.0',
      ...(signature !== undefined ? { 'x-twitter-webhooks-signature': signature } : {}),
    };
    const answer = await send('POST', new URL(url), body, headers, this.timeoutMs);
    const delivery: FakeXDelivery = {
      url,
      ...(options.forUserId !== undefined ? { forUserId: options.forUserId } : {}),
      kind: options.kind,
      body,
      ...(signature !== undefined ? { signature } : {}),
      echo: options.echo,
      status: answer.status,
      responseBody: answer.body,
      ...(answer.error ? { error: answer.error } : {}),
    };
    this.deliveries.push(delivery);
    return delivery;
  }
}

interface SendResult {
  status: number;
  body: string;
  error?: string;
}

/** One request on a fresh connection (no keep-alive pool), never rejecting: failures are status 0. */
function send(method: 'GET' | 'POST', url: URL, body: string | undefined, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method,
        agent: false,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
      },
    );
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    request.end(body);
  });
}

function readResponseToken(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const token = (parsed as { response_token?: unknown } | null)?.response_token;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}
