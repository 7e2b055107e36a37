import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isFormContentType } from '../../../src/channels/x/oauth1-signer';
import type { FakeXAccounts } from './accounts';
import { json, v11Error, type Answer } from './answers';
import type { FakeRequest } from './http';

/**
 * App-only authentication (OAuth 2.0 client credentials): POST /oauth2/token trades the consumer
 * key and secret, sent as HTTP Basic credentials, for the app's bearer token. As X does, an app
 * has one bearer token at a time, and asking again returns the same one.
 */
export class FakeXAppTokens {
  private readonly tokens = new Map<string, string>(); // consumer key → bearer token

  constructor(private readonly accounts: FakeXAccounts) {}

  /** POST /oauth2/token */
  issue(request: FakeRequest): Answer {
    const consumerKey = this.basicCredentials(request.authorization);
    if (consumerKey === undefined) return unableToVerify();
    const form = isFormContentType(request.contentType) ? new URLSearchParams(request.body) : new URLSearchParams();
    const grantType = form.get('grant_type') ?? request.query.get('grant_type');
    if (grantType === null) return json(400, { errors: [{ code: 170, message: 'Missing required parameter: grant_type', label: 'forbidden_missing_parameter' }] });
    if (grantType !== 'client_credentials') return v11Error(400, 170, 'Missing or invalid grant_type (only client_credentials is allowed)');
    return json(200, { token_type: 'bearer', access_token: this.tokenOf(consumerKey) });
  }

  /** The app whose bearer token authorises this request, if any. */
  appOf(request: FakeRequest): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '');
    if (!match) return undefined;
    for (const [consumerKey, token] of this.tokens) {
      if (equal(token, match[1]) && this.accounts.hasApp(consumerKey)) return consumerKey;
    }
    return undefined;
  }

  /** X's oauth2/invalidate_token: the next token request yields a new one. */
  invalidate(consumerKey: string): void {
    this.tokens.delete(consumerKey);
  }

  private tokenOf(consumerKey: string): string {
    let token = this.tokens.get(consumerKey);
    if (!token) {
      // X's bearer tokens are long, start with A's and carry percent-encoded base64.
      token = `AAAAAAAAAAAAAAAAAAAAA${encodeURIComponent(randomBytes(60).toString('base64'))}`;
      this.tokens.set(consumerKey, token);
    }
    return token;
  }

  /** RFC 6749 §2.3.1: Basic base64(urlencode(key) ":" urlencode(secret)); the app's key when both match. */
  private basicCredentials(authorization: string | undefined): string | undefined {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    let key: string;
    let secret: string;
    try {
      key = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    } catch {
      return undefined;
    }
    const expected = this.accounts.consumerSecret(key);
    return expected !== undefined && equal(expected, secret) ? key : undefined;
  }
}

function unableToVerify(): Answer {
  return json(403, { errors: [{ code: 99, message: 'Unable to verify your credentials', label: 'authenticity_token_error' }] });
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
