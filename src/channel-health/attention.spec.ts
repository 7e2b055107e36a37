import type { ChannelHealth } from '../social-media-profiles/channel-health';
import { attentionOf } from './attention';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

const healthy: Omit<ChannelHealth, 'attention'> = {
  profileId: 1,
  receivingMode: 'webhook',
  active: true,
  webhook: { id: '1790000000000000001', url: 'https://desk.example.com/webhooks/x/1', valid: true, subscribed: true, checkedAt: new Date(NOW) },
  polling: { streams: [], failures: 0 },
  needsReauthorisation: false,
  repliesFailed24h: 0,
  inboxFailed24h: 0,
};

describe('the one-line reason a profile needs attention', () => {
  it('has none for a working channel, nor for one switched off or not set up', () => {
    expect(attentionOf(healthy, NOW)).toBeUndefined();
    expect(attentionOf({ ...healthy, active: false, needsReauthorisation: true, repliesFailed24h: 3 }, NOW)).toBeUndefined();
  });

  it('puts a 401 first, from sending or from polling', () => {
    const everything = { ...healthy, needsReauthorisation: true, repliesFailed24h: 2, webhook: { ...healthy.webhook!, valid: false } };
    expect(attentionOf(everything, NOW)?.key).toBe('health.attention.reauthorise');
    expect(attentionOf({ ...healthy, polling: { streams: ['mentions'], failures: 3, outcome: 'unauthorized' } }, NOW)?.key).toBe('health.attention.reauthorise');
  });

  it.each([
    [undefined, 'health.attention.webhookNotSetUp'],
    [{ ...healthy.webhook!, id: null }, 'health.attention.webhookNotSetUp'],
    [{ ...healthy.webhook!, valid: false }, 'health.attention.webhookInvalid'],
    [{ ...healthy.webhook!, subscribed: false }, 'health.attention.notSubscribed'],
    [{ ...healthy.webhook!, problem: { key: 'receiving.problem.notEnrolled', params: {} } }, 'health.attention.notEnrolled'],
    [{ ...healthy.webhook!, problem: { key: 'receiving.problem.urlInvalid', params: {} } }, 'health.attention.urlInvalid'],
    [{ ...healthy.webhook!, problem: { key: 'receiving.problem.limitExceeded', params: {} } }, 'health.attention.webhookLimit'],
    [{ ...healthy.webhook!, problem: { key: 'x.error.server-error', params: {} } }, 'health.attention.webhookCheckFailed'],
  ])('names a webhook that does not work (%j) as %s', (webhook, key) => {
    expect(attentionOf({ ...healthy, webhook }, NOW)?.key).toBe(key);
  });

  it('ignores the webhook state of a profile that only polls', () => {
    expect(attentionOf({ ...healthy, receivingMode: 'polling', webhook: { ...healthy.webhook!, valid: false } }, NOW)).toBeUndefined();
  });

  it('says how often polling failed, when it tries next, and what X said (cut to one line)', () => {
    const error = `X answered with a server error: ${'Service Unavailable '.repeat(20)}`;
    const attention = attentionOf({ ...healthy, polling: { streams: ['dms'], failures: 4, outcome: 'failed', error, nextPollAt: new Date(NOW + 8 * 60_000) } }, NOW);
    expect(attention).toEqual({ key: 'health.attention.pollingFails', params: { failures: 4, next: '2026-01-01 12:08', error: `${error.slice(0, 120)}…` } });
  });

  it('does not count a rate-limit wait as trouble', () => {
    expect(attentionOf({ ...healthy, polling: { streams: ['dms'], failures: 0, outcome: 'rate-limited', rateLimitedUntil: new Date(NOW + 60_000) } }, NOW)).toBeUndefined();
  });

  it('then failed replies, then failed inbox events', () => {
    expect(attentionOf({ ...healthy, repliesFailed24h: 2, inboxFailed24h: 5 }, NOW)).toEqual({ key: 'health.attention.repliesFailed', params: { count: 2 } });
    expect(attentionOf({ ...healthy, inboxFailed24h: 5 }, NOW)).toEqual({ key: 'health.attention.inboxFailed', params: { count: 5 } });
  });
});
