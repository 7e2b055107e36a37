import { percentEncode, signRequest, type OAuth1Credentials } from './oauth1-signer';
import { xErrorFromResponse } from './x-error-response';
import { XApiError, XUnreachableError } from './x-errors';

/**
 * One HTTP call to X with the authentication the endpoint wants — OAuth 1.0a user or app context,
 * the app-only bearer token, or HTTP Basic for POST /oauth2/token — a timeout, and every non-2xx
 * turned into a typed XApiError (x-errors.ts). Shared by the clients of this folder.
 */

export interface XTransportOptions {
  /** e.g. https://api.x.com, or the local fake's http://127.0.0.1:4010 */
  baseUrl: string;
  timeoutMs?: number;
  /** Milliseconds since the epoch; drives oauth_timestamp. */
  now?: () => number;
  nonce?: () => string;
}

export type XAuthentication =
  { kind: 'oauth1'; credentials: OAuth1Credentials; oauthParams?: Record<string, string> } | { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string };

export interface XRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  auth: XAuthentication;
  /** Sent as application/json (never part of an OAuth 1.0a signature). */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
}

export interface XAnswer {
  status: number;
  bodyText: string;
  headers: Headers;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class XTransport {
  readonly baseUrl: string;
  readonly now: () => number;
  /** Every call gives up after this long (also the media downloads of XApiClient). */
  readonly timeoutMs: number;
  private readonly nonce?: () => string;

  constructor(options: XTransportOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`X API base URL must be http(s), got ${url.protocol}`);
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.nonce = options.nonce;
  }

  async send(request: XRequest): Promise<XAnswer> {
    const url = this.baseUrl + request.path + queryString(request.query);
    const { body, contentType } = encodeBody(request);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await fetch(url, {
        method: request.method,
        headers: {
          authorization: this.authorization(request, url, body, contentType),
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
      return { status: response.status, bodyText, headers: response.headers };
    } catch (error) {
      if (error instanceof XApiError) throw error;
      // fetch rejects with an AbortError once our timer fires, also while the body streams in.
      if (controller.signal.aborted) throw new XUnreachableError('timeout', { cause: error });
      throw new XUnreachableError('network', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** An OAuth 1.0a header for a GET of an absolute URL outside the API (DM media on ton.twitter.com). */
  oauth1Authorization(method: 'GET', url: string, credentials: OAuth1Credentials): string {
    return signRequest({ method, url }, credentials, { nonce: this.nonce, timestamp: () => Math.floor(this.now() / 1000) }).authorization;
  }

  private authorization(request: XRequest, url: string, body: string | undefined, contentType: string | undefined): string {
    const { auth } = request;
    if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
    if (auth.kind === 'basic') {
      // RFC 6749 §2.3.1, as X asks for its app-only token: each part form-encoded first.
      return `Basic ${Buffer.from(`${percentEncode(auth.user)}:${percentEncode(auth.password)}`).toString('base64')}`;
    }
    return signRequest({ method: request.method, url, body, contentType }, auth.credentials, {
      nonce: this.nonce,
      timestamp: () => Math.floor(this.now() / 1000),
      extraOAuthParams: auth.oauthParams,
    }).authorization;
  }
}

function encodeBody(request: XRequest): { body?: string; contentType?: string } {
  if (request.json !== undefined) return { body: JSON.stringify(request.json), contentType: 'application/json' };
  if (request.form !== undefined) {
    const body = Object.entries(request.form)
      .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
      .join('&');
    return { body, contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  }
  return {};
}

/** RFC 3986-encoded, so the signature base string and the URL sent agree byte for byte. */
function queryString(query: Record<string, string | undefined> | undefined): string {
  const pairs = Object.entries(query ?? {}).filter((pair): pair is [string, string] => pair[1] !== undefined);
  return pairs.length === 0 ? '' : '?' + pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
}
