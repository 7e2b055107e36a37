import {
  authorizationHeader,
  baseStringUri,
  collectParameters,
  hmacSha1Signature,
  normalizeParameters,
  percentEncode,
  signatureBaseString,
  signingKey,
  signRequest,
  type OAuth1Credentials,
} from './oauth1-signer';

// X's "Creating a signature" example (docs/X.md, "Signing a request": known answers).
const X_EXAMPLE_CREDENTIALS: OAuth1Credentials = {
  consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
};
const X_EXAMPLE_OPTIONS = {
  nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
  timestamp: 1318622958,
};
const X_EXAMPLE_FORM = 'status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21';

function signXExample(endpoint: string) {
  return signRequest(
    {
      method: 'POST',
      url: `${endpoint}?include_entities=true`,
      body: X_EXAMPLE_FORM,
      contentType: 'application/x-www-form-urlencoded',
    },
    X_EXAMPLE_CREDENTIALS,
    X_EXAMPLE_OPTIONS,
  );
}

describe('OAuth 1.0a signing', () => {
  describe("X's published examples", () => {
    it('signs the current docs.x.com example (api.x.com/1.1)', () => {
      const signed = signXExample('https://api.x.com/1.1/statuses/update.json');
      expect(signed.signature).toBe('Ls93hJiZbQ3akF3HF3x1Bz8/zU4=');
      expect(Buffer.from(signed.signature, 'base64').toString('hex').toUpperCase()).toMatch(/^2ECF7784.*CD4E$/);
    });

    it('signs the developer.twitter.com example (api.twitter.com/1.1)', () => {
      expect(signXExample('https://api.twitter.com/1.1/statuses/update.json').signature).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
    });

    it('signs the original dev.twitter.com example (api.twitter.com/1)', () => {
      expect(signXExample('https://api.twitter.com/1/statuses/update.json').signature).toBe('tnnArxj06cWHq44gCs1OSKk/jLY=');
    });

    it('builds the documented base string, with exactly two literal "&"', () => {
      const { baseString } = signXExample('https://api.twitter.com/1.1/statuses/update.json');
      expect(baseString).toBe(
        'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue' +
          '%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog' +
          '%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg' +
          '%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958' +
          '%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0' +
          '%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
      );
      expect(baseString.split('&')).toHaveLength(3);
    });

    it('builds the documented signing key', () => {
      expect(signingKey(X_EXAMPLE_CREDENTIALS.consumerSecret, X_EXAMPLE_CREDENTIALS.tokenSecret)).toBe('kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE');
    });

    it('builds the documented Authorization header, signature percent-encoded', () => {
      const signed = signXExample('https://api.twitter.com/1/statuses/update.json');
      expect(signed.authorization).toBe(
        'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", ' +
          'oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", ' +
          'oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D", oauth_signature_method="HMAC-SHA1", ' +
          'oauth_timestamp="1318622958", ' +
          'oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"',
      );
    });
  });

  describe('RFC 5849 and OAuth Core 1.0 examples', () => {
    // RFC 5849 §1.2 — no oauth_version is sent, so none is signed.
    const rfcPhotos = { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44' };

    function signWithoutVersion(method: string, url: string, creds: OAuth1Credentials, extra: Record<string, string>, nonce: string, timestamp: number): string {
      const oauthParams: Record<string, string> = {
        oauth_consumer_key: creds.consumerKey,
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: String(timestamp),
        oauth_nonce: nonce,
        ...(creds.token ? { oauth_token: creds.token } : {}),
        ...extra,
      };
      const base = signatureBaseString(method, url, collectParameters({ url }, oauthParams));
      return hmacSha1Signature(base, signingKey(creds.consumerSecret, creds.tokenSecret));
    }

    it('signs the temporary-credentials request (§1.2)', () => {
      expect(signWithoutVersion('POST', 'https://photos.example.net/initiate', rfcPhotos, { oauth_callback: 'http://printer.example.com/ready' }, 'wIjqoS', 137131200)).toBe(
        '74KNZJeDHnMBp0EMJ9ZHt/XKycU=',
      );
    });

    it('signs the token request with the verifier (§1.2)', () => {
      expect(
        signWithoutVersion(
          'POST',
          'https://photos.example.net/token',
          { ...rfcPhotos, token: 'hh5s93j4hdidpola', tokenSecret: 'hdhd0244k9j7ao03' },
          { oauth_verifier: 'hfdp7dh39dks9884' },
          'walatlh',
          137131201,
        ),
      ).toBe('gKgrFCywp7rO0OXSjdot/IHF7IU=');
    });

    it('signs the protected-resource GET with query parameters (§1.2)', () => {
      expect(
        signWithoutVersion(
          'GET',
          'http://photos.example.net/photos?file=vacation.jpg&size=original',
          { ...rfcPhotos, token: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' },
          {},
          'chapoH',
          137131202,
        ),
      ).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
    });

    it('signs the OAuth Core 1.0 appendix A.5 request (with oauth_version)', () => {
      const signed = signRequest(
        { method: 'GET', url: 'http://photos.example.net/photos?file=vacation.jpg&size=original' },
        { ...rfcPhotos, token: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' },
        { nonce: 'kllo9940pd9333jh', timestamp: 1191242096 },
      );
      expect(signed.signature).toBe('tR3+Ty81lMeYAr/Fid0kMTYa/WM=');
    });

    it('reproduces the §3.4.1 base string: duplicate names, empty values, "+" in a form body', () => {
      const url = 'http://EXAMPLE.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b';
      const oauthParams = {
        oauth_consumer_key: '9djdj82h48djs9d2',
        oauth_token: 'kkk9d7dh3k39sjv7',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: '137131201',
        oauth_nonce: '7d8f3e4a',
        oauth_signature: 'ignored',
        realm: 'Example',
      };
      const pairs = collectParameters({ url, body: 'c2&a3=2+q', contentType: 'application/x-www-form-urlencoded' }, oauthParams);
      expect(normalizeParameters(pairs)).toBe(
        'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2' +
          '&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201' +
          '&oauth_token=kkk9d7dh3k39sjv7',
      );
      const base = signatureBaseString('post', url, pairs);
      expect(base).toBe(
        'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D' +
          '%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a' +
          '%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
      );
      // The RFC prints bYT5CMsGcbgUdFHObYMEfcx6bsw= here, which no conforming signer reproduces.
      expect(hmacSha1Signature(base, signingKey('j49sk3j29djd', 'dh893hdasih9'))).toBe('r6/TJjbCOr97/+UU0NsvSne7s5g=');
    });
  });

  describe('percent-encoding (RFC 3986)', () => {
    it.each([
      ['Ladies + Gentlemen', 'Ladies%20%2B%20Gentlemen'],
      ['An encoded string!', 'An%20encoded%20string%21'],
      ['Dogs, Cats & Mice', 'Dogs%2C%20Cats%20%26%20Mice'],
      ['☃', '%E2%98%83'],
    ])("encodes X's example %j as %j", (input, expected) => {
      expect(percentEncode(input)).toBe(expected);
    });

    it("escapes ! ' ( ) * which encodeURIComponent leaves alone", () => {
      expect(percentEncode("!'()*")).toBe('%21%27%28%29%2A');
    });

    it('leaves only ALPHA, DIGIT and - . _ ~ unescaped', () => {
      expect(percentEncode('AZaz09-._~')).toBe('AZaz09-._~');
      expect(percentEncode(' /?#[]@$&+,;=%:"<>\\^`{|}')).toBe('%20%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%25%3A%22%3C%3E%5C%5E%60%7B%7C%7D');
    });

    it('encodes astral characters as their four UTF-8 bytes with uppercase hex', () => {
      expect(percentEncode('😀é')).toBe('%F0%9F%98%80%C3%A9');
    });

    it('escapes * ( ) ! of a tweet inside the signed base string', () => {
      const request = {
        method: 'POST',
        url: 'https://api.x.com/1.1/statuses/update.json',
        body: 'status=' + percentEncode('@customer thanks *a lot* (really)!'),
        contentType: 'application/x-www-form-urlencoded',
      };
      const { baseString } = signRequest(request, X_EXAMPLE_CREDENTIALS, X_EXAMPLE_OPTIONS);
      expect(baseString).toContain('%252Aa%2520lot%252A%2520%2528really%2529%2521');
      expect(baseString).not.toMatch(/[*()!']/);
    });
  });

  describe('base string URI', () => {
    it.each([
      ['HTTPS://API.X.COM:443/2/users/me', 'https://api.x.com/2/users/me'],
      ['http://Example.com:80/request', 'http://example.com/request'],
      ['http://127.0.0.1:4010/2/tweets', 'http://127.0.0.1:4010/2/tweets'],
      ['https://api.x.com:8443/2/tweets', 'https://api.x.com:8443/2/tweets'],
      ['http://example.com:443/x', 'http://example.com:443/x'],
      ['https://api.x.com/2/users/me?user.fields=username#frag', 'https://api.x.com/2/users/me'],
    ])('normalises %s to %s', (input, expected) => {
      expect(baseStringUri(input)).toBe(expected);
    });

    it('keeps the port of a local fake in the signed base string', () => {
      const { baseString } = signRequest({ method: 'POST', url: 'http://127.0.0.1:4010/2/tweets' }, X_EXAMPLE_CREDENTIALS, X_EXAMPLE_OPTIONS);
      expect(baseString.startsWith('POST&http%3A%2F%2F127.0.0.1%3A4010%2F2%2Ftweets&')).toBe(true);
    });
  });

  describe('parameters', () => {
    it('signs query parameters form-decoded, so "," ends up as %252C', () => {
      const { baseString } = signRequest({ method: 'GET', url: 'https://api.x.com/2/users/me?user.fields=profile_image_url,username' }, X_EXAMPLE_CREDENTIALS, X_EXAMPLE_OPTIONS);
      expect(baseString).toContain('%26user.fields%3Dprofile_image_url%252Cusername');
    });

    it('does not sign a JSON body', () => {
      const url = 'https://api.x.com/2/tweets';
      const unsigned = signRequest({ method: 'POST', url }, X_EXAMPLE_CREDENTIALS, X_EXAMPLE_OPTIONS);
      const withJson = signRequest({ method: 'POST', url, body: '{"text":"a=b&c=d"}', contentType: 'application/json' }, X_EXAMPLE_CREDENTIALS, X_EXAMPLE_OPTIONS);
      expect(withJson.signature).toBe(unsigned.signature);
    });

    it('signs a form body, whatever the charset parameter or letter case of its content type', () => {
      const url = 'https://api.x.com/1.1/statuses/update.json';
      const unsigned = signRequest({ method: 'POST', url }, X_EXAMPLE_CREDENTIALS, X_EXAMPLE_OPTIONS);
      const withForm = signRequest({ method: 'POST', url, body: 'status=hi', contentType: 'Application/X-WWW-Form-Urlencoded; charset=utf-8' }, X_EXAMPLE_CREDENTIALS, X_EXAMPLE_OPTIONS);
      expect(withForm.signature).not.toBe(unsigned.signature);
      expect(withForm.baseString).toContain('%26status%3Dhi');
    });

    it('sorts by encoded name in byte order, ties by value, uppercase before lowercase', () => {
      expect(
        normalizeParameters([
          ['b', '2'],
          ['a', 'z'],
          ['B', '1'],
          ['a', 'y'],
          ['a_', '0'],
        ]),
      ).toBe('B=1&a=y&a=z&a_=0&b=2');
    });

    it('signs the request token call with key "consumer_secret&" and oauth_callback, without oauth_token', () => {
      const signed = signRequest(
        { method: 'POST', url: 'https://api.x.com/oauth/request_token' },
        { consumerKey: 'ck', consumerSecret: 'cs' },
        { ...X_EXAMPLE_OPTIONS, extraOAuthParams: { oauth_callback: 'http://localhost:3000/cb?x=1' } },
      );
      expect(signed.oauthParams).not.toHaveProperty('oauth_token');
      expect(signed.baseString).toContain('oauth_callback%3Dhttp%253A%252F%252Flocalhost%253A3000%252Fcb%253Fx%253D1');
      expect(signed.authorization).toContain('oauth_callback="http%3A%2F%2Flocalhost%3A3000%2Fcb%3Fx%3D1"');
      expect(signingKey('cs')).toBe('cs&');
    });

    it('takes nonce and timestamp from generators, once per request', () => {
      let calls = 0;
      const signed = signRequest({ method: 'GET', url: 'https://api.x.com/2/users/me' }, X_EXAMPLE_CREDENTIALS, {
        nonce: () => `nonce${++calls}`,
        timestamp: () => 1700000000,
      });
      expect(signed.oauthParams.oauth_nonce).toBe('nonce1');
      expect(signed.oauthParams.oauth_timestamp).toBe('1700000000');
      expect(calls).toBe(1);
    });

    it('makes an alphanumeric random nonce by default', () => {
      const a = signRequest({ method: 'GET', url: 'https://api.x.com/2/users/me' }, X_EXAMPLE_CREDENTIALS);
      const b = signRequest({ method: 'GET', url: 'https://api.x.com/2/users/me' }, X_EXAMPLE_CREDENTIALS);
      expect(a.oauthParams.oauth_nonce).toMatch(/^[A-Za-z0-9]{32,}$/);
      expect(a.oauthParams.oauth_nonce).not.toBe(b.oauthParams.oauth_nonce);
    });

    it('percent-encodes names and values in the Authorization header', () => {
      expect(authorizationHeader({ oauth_b: 'a b', oauth_a: '+/=' })).toBe('OAuth oauth_a="%2B%2F%3D", oauth_b="a%20b"');
    });
  });
});
