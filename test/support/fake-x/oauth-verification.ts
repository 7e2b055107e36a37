import { verifyOAuth1Request, type OAuth1RejectionReason, type OAuth1SecretLookup } from './oauth1-verifier';
import type { FakeXAccounts } from './accounts';
import { v11Error, v2Unauthorized, type Answer } from './answers';
import type { FakeRequest } from './http';

/**
 * OAuth 1.0a, checked as X checks it (docs/X.md, "Authentication"): the signature over the URL as requested
 * (port included), the timestamp window, replayed nonces, and X's 401 bodies for each failure.
 */

export interface Auth {
  consumerKey: string;
  token?: string;
  oauthParams: Record<string, string>;
}
/** 'user': an access token; 'app': the app alone (request_token); 'request-token': during access_token. */
export type AuthKind = 'user' | 'app' | 'request-token';
export type Dialect = 'v2' | 'v1.1';
export type AuthRejection = OAuth1RejectionReason | 'replayed-nonce';

export interface FakeXOAuthOptions {
  now: () => number;
  /** Allowed |now − oauth_timestamp|; X answers code 135 beyond it. */
  timestampWindowSeconds: number;
  /** The secret of a request token issued to this app (the 3-legged flow keeps those). */
  requestTokenSecret: (token: string, consumerKey: string) => string | undefined;
}

export class FakeXOAuth {
  private readonly seenNonces = new Set<string>();

  constructor(
    private readonly accounts: FakeXAccounts,
    private readonly options: FakeXOAuthOptions,
  ) {}

  authenticate(request: FakeRequest, kind: AuthKind): Auth | AuthRejection {
    const result = verifyOAuth1Request(request, this.secretsFor(kind), {
      nowSeconds: Math.floor(this.options.now() / 1000),
      maxClockSkewSeconds: this.options.timestampWindowSeconds,
    });
    if (!result.ok) return result.reason;
    if (kind !== 'app' && result.token === undefined) return 'unknown-token';
    const nonceKey = `${result.consumerKey}\n${result.oauthParams.oauth_timestamp}\n${result.oauthParams.oauth_nonce}`;
    if (this.seenNonces.has(nonceKey)) return 'replayed-nonce';
    this.seenNonces.add(nonceKey);
    return { consumerKey: result.consumerKey, token: result.token, oauthParams: result.oauthParams };
  }

  private secretsFor(kind: AuthKind): OAuth1SecretLookup {
    return {
      consumerSecret: (key) => this.accounts.consumerSecret(key),
      tokenSecret: (token, consumerKey) => (kind === 'request-token' ? this.options.requestTokenSecret(token, consumerKey) : this.accounts.userByToken(token, consumerKey)?.accessTokenSecret),
    };
  }
}

export function authFailure(dialect: Dialect, reason: AuthRejection): Answer {
  if (dialect === 'v2') return v2Unauthorized();
  if (reason === 'missing-header') return v11Error(400, 215, 'Bad authentication data.');
  if (reason === 'stale-timestamp') return v11Error(401, 135, 'Timestamp out of bounds.');
  return v11Error(401, 32, 'Could not authenticate you.');
}
