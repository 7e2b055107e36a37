import { collectParameters, hmacSha1Signature, signatureBaseString, signingKey, type SignableRequest } from '../../../src/channels/x/oauth1-signer';
import { constantTimeEqual } from './constant-time';

/** Server side of OAuth 1.0a, as X does it (docs/X.md, "Signing a request": verifying) — used by the fake X API. */

export interface IncomingSignedRequest extends SignableRequest {
  authorization?: string;
}

export interface OAuth1SecretLookup {
  consumerSecret(consumerKey: string): string | undefined;
  /** Secret of an access token, or of a request token during oauth/access_token. */
  tokenSecret(token: string, consumerKey: string): string | undefined;
}

export interface VerifyOptions {
  /** With maxClockSkewSeconds, rejects timestamps too far from now (X's v1.1 code 135). */
  nowSeconds?: number;
  maxClockSkewSeconds?: number;
}

export type OAuth1RejectionReason = 'missing-header' | 'malformed-header' | 'unsupported-signature-method' | 'unknown-consumer' | 'unknown-token' | 'stale-timestamp' | 'bad-signature';

export type OAuth1Verification = { ok: true; consumerKey: string; token?: string; oauthParams: Record<string, string> } | { ok: false; reason: OAuth1RejectionReason };

/** Decodes one percent-encoded token; returns undefined when it is not valid UTF-8 %XX text. */
export function percentDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

const REQUIRED_PARAMS = ['oauth_consumer_key', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp'];

/**
 * Parses `OAuth k="v", …` tolerantly: any order, any whitespace around commas, realm ignored
 * (RFC 5849 §3.5.1). Returns undefined for anything else, including repeated parameters.
 */
export function parseAuthorizationHeader(header: string): Record<string, string> | undefined {
  const match = /^\s*OAuth\s+(.*)$/is.exec(header);
  if (!match) return undefined;
  const params = new Map<string, string>();
  const field = /\s*([^\s=,]+)\s*=\s*"([^"]*)"\s*(?:,|$)/y;
  let rest = match[1].trimEnd();
  while (rest.length > 0) {
    field.lastIndex = 0;
    const found = field.exec(rest);
    if (!found) return undefined;
    const name = percentDecode(found[1]);
    const value = percentDecode(found[2]);
    if (name === undefined || value === undefined || params.has(name)) return undefined;
    params.set(name, value);
    rest = rest.slice(found[0].length);
  }
  params.delete('realm');
  return Object.fromEntries(params);
}

/** Rebuilds the base string from the request as received and compares signatures in constant time. */
export function verifyOAuth1Request(request: IncomingSignedRequest, secrets: OAuth1SecretLookup, options: VerifyOptions = {}): OAuth1Verification {
  if (!request.authorization) return reject('missing-header');
  const params = parseAuthorizationHeader(request.authorization);
  if (!params || REQUIRED_PARAMS.some((name) => !params[name])) return reject('malformed-header');
  if (params.oauth_signature_method !== 'HMAC-SHA1') return reject('unsupported-signature-method');

  const consumerKey = params.oauth_consumer_key;
  const consumerSecret = secrets.consumerSecret(consumerKey);
  if (consumerSecret === undefined) return reject('unknown-consumer');

  const token = params.oauth_token;
  const tokenSecret = token === undefined ? '' : secrets.tokenSecret(token, consumerKey);
  if (tokenSecret === undefined) return reject('unknown-token');

  if (isStale(params.oauth_timestamp, options)) return reject('stale-timestamp');

  const expected = hmacSha1Signature(signatureBaseString(request.method, request.url, collectParameters(request, params)), signingKey(consumerSecret, tokenSecret));
  if (!constantTimeEqual(expected, params.oauth_signature)) return reject('bad-signature');

  return { ok: true, consumerKey, token, oauthParams: params };
}

function isStale(timestamp: string, options: VerifyOptions): boolean {
  if (options.maxClockSkewSeconds === undefined) return false;
  if (!/^\d+$/.test(timestamp)) return true;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  return Math.abs(now - Number(timestamp)) > options.maxClockSkewSeconds;
}

function reject(reason: OAuth1RejectionReason): OAuth1Verification {
  return { ok: false, reason };
}
