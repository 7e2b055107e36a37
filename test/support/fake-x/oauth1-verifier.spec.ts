import { signRequest } from '../../../src/channels/x/oauth1-signer';
import { parseAuthorizationHeader, percentDecode, verifyOAuth1Request, type OAuth1SecretLookup } from './oauth1-verifier';

const APP = { consumerKey: 'app-key', consumerSecret: 'app-secret' };
const USER = { token: '42-user-token', tokenSecret: 'user-token-secret' };
const NOW = 1_700_000_000;

const secrets: OAuth1SecretLookup = {
  consumerSecret: (key) => (key === APP.consumerKey ? APP.consumerSecret : undefined),
  tokenSecret: (token, consumerKey) => (token === USER.token && consumerKey === APP.consumerKey ? USER.tokenSecret : undefined),
};

const tweetRequest = {
  method: 'POST',
  url: 'http://127.0.0.1:4010/1.1/statuses/update.json?trim_user=1',
  body: 'status=Thanks%20%2Aso%2A%20much%21',
  contentType: 'application/x-www-form-urlencoded',
};

function signedTweet(overrides: { consumerSecret?: string; timestamp?: number } = {}) {
  const { authorization } = signRequest(
    tweetRequest,
    { ...APP, ...USER, ...(overrides.consumerSecret ? { consumerSecret: overrides.consumerSecret } : {}) },
    { nonce: 'n0nce', timestamp: overrides.timestamp ?? NOW },
  );
  return { ...tweetRequest, authorization };
}

describe('OAuth 1.0a verification (what X does with a signed request)', () => {
  it('percent-decodes header values and refuses broken escapes', () => {
    expect(percentDecode('tnnArxj06cWHq44gCs1OSKk%2FjLY%3D')).toBe('tnnArxj06cWHq44gCs1OSKk/jLY=');
    expect(percentDecode('%E2%98%83')).toBe('☃');
    expect(percentDecode('%E2%98')).toBeUndefined();
    expect(percentDecode('%zz')).toBeUndefined();
  });

  it('accepts a request signed with the right secrets, form body included', () => {
    const result = verifyOAuth1Request(signedTweet(), secrets, { nowSeconds: NOW, maxClockSkewSeconds: 300 });
    expect(result).toEqual(expect.objectContaining({ ok: true, consumerKey: 'app-key', token: '42-user-token' }));
  });

  it('rejects a wrong consumer secret as a bad signature', () => {
    expect(verifyOAuth1Request(signedTweet({ consumerSecret: 'wrong' }), secrets)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects a tampered form body, query or port', () => {
    const signed = signedTweet();
    for (const tampered of [
      { ...signed, body: 'status=Thanks%20so%20much%21' },
      { ...signed, url: signed.url.replace('trim_user=1', 'trim_user=0') },
      { ...signed, url: signed.url.replace(':4010', ':4011') },
      { ...signed, method: 'PUT' },
    ]) {
      expect(verifyOAuth1Request(tampered, secrets)).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('ignores a JSON body, as X does', () => {
    const request = { method: 'POST', url: 'http://127.0.0.1:4010/2/tweets', contentType: 'application/json' };
    const { authorization } = signRequest({ ...request, body: '{"text":"a"}' }, { ...APP, ...USER });
    expect(verifyOAuth1Request({ ...request, body: '{"text":"b"}', authorization }, secrets).ok).toBe(true);
  });

  it('rejects unknown consumer keys and tokens', () => {
    const unknownApp = signRequest(tweetRequest, { ...APP, consumerKey: 'other', ...USER });
    const unknownToken = signRequest(tweetRequest, { ...APP, token: 'revoked', tokenSecret: 'x' });
    expect(verifyOAuth1Request({ ...tweetRequest, authorization: unknownApp.authorization }, secrets)).toEqual({
      ok: false,
      reason: 'unknown-consumer',
    });
    expect(verifyOAuth1Request({ ...tweetRequest, authorization: unknownToken.authorization }, secrets)).toEqual({
      ok: false,
      reason: 'unknown-token',
    });
  });

  it('uses an empty token secret when no oauth_token is sent (oauth/request_token)', () => {
    const request = { method: 'POST', url: 'http://127.0.0.1:4010/oauth/request_token' };
    const { authorization } = signRequest(request, APP, { extraOAuthParams: { oauth_callback: 'oob' } });
    expect(verifyOAuth1Request({ ...request, authorization }, secrets)).toEqual(expect.objectContaining({ ok: true, token: undefined }));
  });

  it('rejects timestamps outside the allowed clock skew', () => {
    const options = { nowSeconds: NOW, maxClockSkewSeconds: 300 };
    expect(verifyOAuth1Request(signedTweet({ timestamp: NOW - 301 }), secrets, options)).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    });
    expect(verifyOAuth1Request(signedTweet({ timestamp: NOW + 299 }), secrets, options).ok).toBe(true);
  });

  it('rejects missing, malformed or incomplete headers and other signature methods', () => {
    const signed = signedTweet();
    expect(verifyOAuth1Request({ ...signed, authorization: undefined }, secrets)).toEqual({
      ok: false,
      reason: 'missing-header',
    });
    const withoutNonce = signed.authorization.replace(/oauth_nonce="[^"]*", /, '');
    for (const authorization of ['Bearer abc', 'OAuth oauth_consumer_key=app-key', withoutNonce]) {
      expect(verifyOAuth1Request({ ...signed, authorization }, secrets)).toEqual({
        ok: false,
        reason: 'malformed-header',
      });
    }
    expect(verifyOAuth1Request({ ...signed, authorization: signed.authorization.replace('HMAC-SHA1', 'PLAINTEXT') }, secrets)).toEqual({ ok: false, reason: 'unsupported-signature-method' });
  });

  describe('parsing the Authorization header tolerantly', () => {
    it('accepts any order, no spaces after commas and a realm, which it ignores', () => {
      expect(parseAuthorizationHeader('OAuth realm="Photos",oauth_b="2" ,  oauth_a="a%20b"')).toEqual({
        oauth_a: 'a b',
        oauth_b: '2',
      });
    });

    it('refuses repeated parameters and unquoted values', () => {
      expect(parseAuthorizationHeader('OAuth oauth_a="1", oauth_a="2"')).toBeUndefined();
      expect(parseAuthorizationHeader('OAuth oauth_a=1')).toBeUndefined();
    });

    it('reads what twitter-api-v2 emits (comma without a space)', () => {
      const header = signedTweet().authorization.replace(/", /g, '",');
      expect(verifyOAuth1Request({ ...tweetRequest, authorization: header }, secrets).ok).toBe(true);
    });
  });
});
