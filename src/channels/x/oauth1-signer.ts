import { createHmac, randomBytes } from 'node:crypto';
import { formDecode, percentEncode } from './percent-encoding';

export { percentEncode } from './percent-encoding';

/** OAuth 1.0a HMAC-SHA1 request signing as X verifies it (RFC 5849 §3.4; docs/X.md, "Signing a request"). */

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  /** Access token; the request token during oauth/access_token; absent for oauth/request_token. */
  token?: string;
  tokenSecret?: string;
}

/** The parts of an HTTP request that take part in the signature. */
export interface SignableRequest {
  method: string;
  /** Absolute URL as requested, query included. */
  url: string;
  /** Raw body; its parameters are signed only when contentType is form-urlencoded. */
  body?: string;
  contentType?: string;
}

export interface SignOptions {
  /** Fixed value or generator; defaults to 32 random bytes, base64, non-word chars stripped. */
  nonce?: string | (() => string);
  /** Seconds since the epoch, fixed or generated; defaults to the current time. */
  timestamp?: number | string | (() => number | string);
  /** Extra protocol parameters such as oauth_callback or oauth_verifier. */
  extraOAuthParams?: Record<string, string>;
}

export interface SignedRequest {
  /** Value for the Authorization header. */
  authorization: string;
  /** Every oauth_* parameter sent, oauth_signature included. */
  oauthParams: Record<string, string>;
  baseString: string;
  signature: string;
}

export type ParameterPair = [name: string, value: string];

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export function signRequest(request: SignableRequest, credentials: OAuth1Credentials, options: SignOptions = {}): SignedRequest {
  const oauthParams: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_nonce: resolve(options.nonce) ?? defaultNonce(),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(resolve(options.timestamp) ?? Math.floor(Date.now() / 1000)),
    ...(credentials.token !== undefined ? { oauth_token: credentials.token } : {}),
    oauth_version: '1.0',
    ...options.extraOAuthParams,
  };
  const baseString = signatureBaseString(request.method, request.url, collectParameters(request, oauthParams));
  const signature = hmacSha1Signature(baseString, signingKey(credentials.consumerSecret, credentials.tokenSecret));
  const signedParams = { ...oauthParams, oauth_signature: signature };
  return {
    authorization: authorizationHeader(signedParams),
    oauthParams: signedParams,
    baseString,
    signature,
  };
}

/**
 * RFC 5849 §3.4.1.2: scheme and host lowercased, default port dropped, any other port kept,
 * no query, no fragment. (The WHATWG URL parser already lowercases and drops default ports.)
 */
export function baseStringUri(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/**
 * RFC 5849 §3.4.1.3.1: query parameters + oauth_* parameters (never oauth_signature or realm)
 * + the body's parameters only for a form-urlencoded body. JSON bodies are not signed.
 */
export function collectParameters(request: Pick<SignableRequest, 'url' | 'body' | 'contentType'>, oauthParams: Record<string, string>): ParameterPair[] {
  const pairs: ParameterPair[] = [...new URL(request.url).searchParams];
  for (const [name, value] of Object.entries(oauthParams)) {
    if (name !== 'oauth_signature' && name !== 'realm') pairs.push([name, value]);
  }
  if (request.body && isFormContentType(request.contentType)) {
    pairs.push(...formDecode(request.body));
  }
  return pairs;
}

/** RFC 5849 §3.4.1.3.2: encode, sort by name then value in byte order, join with & and =. */
export function normalizeParameters(pairs: ParameterPair[]): string {
  return pairs
    .map(([name, value]): ParameterPair => [percentEncode(name), percentEncode(value)])
    .sort(([nameA, valueA], [nameB, valueB]) => compareBytes(nameA, nameB) || compareBytes(valueA, valueB))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export function signatureBaseString(method: string, url: string | URL, pairs: ParameterPair[]): string {
  return [method.toUpperCase(), percentEncode(baseStringUri(url)), percentEncode(normalizeParameters(pairs))].join('&');
}

/** The "&" is always there, even without a token secret (oauth/request_token). */
export function signingKey(consumerSecret: string, tokenSecret = ''): string {
  return `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
}

export function hmacSha1Signature(baseString: string, key: string): string {
  return createHmac('sha1', key).update(baseString, 'utf8').digest('base64');
}

/** `OAuth k="v", …` with names and values percent-encoded, in name order like X's examples. */
export function authorizationHeader(oauthParams: Record<string, string>): string {
  const fields = Object.keys(oauthParams)
    .sort(compareBytes)
    .map((name) => `${percentEncode(name)}="${percentEncode(oauthParams[name])}"`);
  return `OAuth ${fields.join(', ')}`;
}

export function isFormContentType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === FORM_CONTENT_TYPE;
}

function defaultNonce(): string {
  return randomBytes(32).toString('base64').replace(/\W/g, '');
}

function resolve<T>(value: T | (() => T) | undefined): T | undefined {
  return typeof value === 'function' ? (value as () => T)() : value;
}

// Encoded strings are ASCII, so UTF-16 code unit order equals byte order (not localeCompare).
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
