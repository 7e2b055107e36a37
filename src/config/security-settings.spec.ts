import { randomBytes } from 'node:crypto';
import { loadAppConfig } from './app-config';

describe('security settings', () => {
  it('leaves the session secret to the database unless SESSION_SECRET is set, and refuses a short one', () => {
    expect(loadAppConfig({ NODE_ENV: 'production' }).sessionSecret).toBeUndefined();
    expect(loadAppConfig({ SESSION_SECRET: '' }).sessionSecret).toBeUndefined();
    expect(loadAppConfig({ SESSION_SECRET: 'x'.repeat(32) }).sessionSecret).toBe('x'.repeat(32));
    expect(() => loadAppConfig({ SESSION_SECRET: 'too-short' })).toThrow('SESSION_SECRET must be at least 32 characters');
  });

  it('takes SECRETS_KEY as hex, base64 or base64url, and refuses anything else at start', () => {
    const key = randomBytes(32);
    for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) expect(loadAppConfig({ SECRETS_KEY: text }).secretsKey).toBe(text);
    expect(() => loadAppConfig({ SECRETS_KEY: 'ab'.repeat(31) })).toThrow('SECRETS_KEY must be 32 bytes');
  });

  it('limits failed logins to 5 per login and 20 per address in 15 minutes unless told otherwise', () => {
    expect(loadAppConfig({}).loginThrottle).toEqual({ maxFailuresPerLogin: 5, maxFailuresPerAddress: 20, windowMs: 15 * 60_000 });
    expect(loadAppConfig({ LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '50', LOGIN_FAILURE_WINDOW_MINUTES: '60' }).loginThrottle).toEqual({
      maxFailuresPerLogin: 3,
      maxFailuresPerAddress: 50,
      windowMs: 3_600_000,
    });
    expect(() => loadAppConfig({ LOGIN_MAX_FAILURES: '0', LOGIN_FAILURE_WINDOW_MINUTES: 'soon' })).toThrow(/LOGIN_MAX_FAILURES must be[\s\S]*LOGIN_FAILURE_WINDOW_MINUTES must be/);
  });
});
