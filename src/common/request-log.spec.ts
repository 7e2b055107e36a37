import { redactUrl } from './request-log';

describe('redactUrl', () => {
  it('replaces the values of OAuth, CRC, password and CSRF parameters, keeping the rest', () => {
    expect(redactUrl('/cb?oauth_token=abc&oauth_verifier=def&next=%2Fx')).toBe('/cb?oauth_token=[Redacted]&oauth_verifier=[Redacted]&next=%2Fx');
    expect(redactUrl('/webhooks/x/1?crc_token=abc&nonce=1')).toBe('/webhooks/x/1?crc_token=[Redacted]&nonce=1');
    expect(redactUrl('/login?Password=x&_csrf=y')).toBe('/login?Password=[Redacted]&_csrf=[Redacted]');
    expect(redactUrl('https://x.example/oauth/authorize?oauth_token=abc#frag')).toBe('https://x.example/oauth/authorize?oauth_token=[Redacted]');
  });

  it('judges escaped parameter names by what they mean', () => {
    expect(redactUrl('/cb?oauth%5Ftoken=abc')).toBe('/cb?oauth%5Ftoken=[Redacted]');
    expect(redactUrl('/cb?%E0%A4%A=1&token=2')).toBe('/cb?%E0%A4%A=1&token=[Redacted]');
  });

  it('leaves URLs without a query and anything that is not a string alone', () => {
    expect(redactUrl('/tickets')).toBe('/tickets');
    expect(redactUrl(undefined)).toBeUndefined();
  });
});
