import { XBadRequestError, XDuplicateError, XForbiddenError, XInvalidCredentialsError, XRateLimitedError, XServerError, XUnexpectedResponseError, XUnreachableError } from '../channels/x/x-errors';
import { backoffDelay, decodeReason, deliveryOutcome, encodeReason, type DeliveryPolicy } from './delivery-outcome';

const NOW = Date.UTC(2025, 10, 21, 12, 0, 0);
const POLICY: DeliveryPolicy = { maxAttempts: 4, backoffBaseMs: 30_000, backoffMaxMs: 3_600_000 };

describe('deliveryOutcome: what a failed send means for the article', () => {
  describe('429 rate limited', () => {
    it('stays sending until x-rate-limit-reset, without using up an attempt', () => {
      const resetAt = new Date(NOW + 7 * 60_000);
      expect(deliveryOutcome(new XRateLimitedError(resetAt), 3, NOW, POLICY)).toEqual({
        kind: 'retry',
        nextAttemptAt: resetAt.getTime(),
        countsAsAttempt: false,
        reason: { key: 'tickets.delivery.error.rate-limited', params: { until: '2025-11-21 12:07:00 UTC' } },
      });
    });

    it('waits one backoff step when the reset lies in the past (clock skew)', () => {
      const outcome = deliveryOutcome(new XRateLimitedError(new Date(NOW - 5_000)), 0, NOW, POLICY);
      expect(outcome).toMatchObject({ kind: 'retry', nextAttemptAt: NOW + 30_000 });
    });

    it('is retried even after many 429s: the limit is X telling us when, not a failure', () => {
      expect(deliveryOutcome(new XRateLimitedError(new Date(NOW + 1000)), 99, NOW, POLICY).kind).toBe('retry');
    });
  });

  describe('5xx, timeouts and network errors', () => {
    it.each([
      ['a 5xx', new XServerError({ status: 503 }), 'tickets.delivery.error.server-error'],
      ['a timeout', new XUnreachableError('timeout'), 'tickets.delivery.error.unreachable-timeout'],
      ['a network error', new XUnreachableError('network'), 'tickets.delivery.error.unreachable-network'],
    ])('back off after %s: 30 s, then 60 s, then 120 s', (_name, error, key) => {
      expect(deliveryOutcome(error, 0, NOW, POLICY)).toMatchObject({ kind: 'retry', nextAttemptAt: NOW + 30_000, countsAsAttempt: true, reason: { key } });
      expect(deliveryOutcome(error, 1, NOW, POLICY)).toMatchObject({ kind: 'retry', nextAttemptAt: NOW + 60_000 });
      expect(deliveryOutcome(error, 2, NOW, POLICY)).toMatchObject({ kind: 'retry', nextAttemptAt: NOW + 120_000 });
    });

    it('gives up on the last attempt and says how many were made', () => {
      expect(deliveryOutcome(new XServerError({ status: 500 }), 3, NOW, POLICY)).toEqual({
        kind: 'failed',
        countsAsAttempt: true,
        reason: { key: 'tickets.delivery.error.gaveUp.server-error', params: { attempts: 4 } },
        flagProfile: false,
      });
    });

    it('caps the backoff', () => {
      expect(backoffDelay(20, POLICY)).toBe(3_600_000);
    });
  });

  it('401 fails and flags the profile for re-authorisation', () => {
    expect(deliveryOutcome(new XInvalidCredentialsError({ status: 401 }), 0, NOW, POLICY)).toEqual({
      kind: 'failed',
      countsAsAttempt: true,
      reason: { key: 'tickets.delivery.error.invalid-credentials' },
      flagProfile: true,
    });
  });

  it('a 403 duplicate fails at once and is never retried, with X’s words', () => {
    const error = new XDuplicateError({ status: 403, detail: 'You are not allowed to create a Tweet with duplicate content.' });
    expect(deliveryOutcome(error, 0, NOW, POLICY)).toEqual({
      kind: 'failed',
      countsAsAttempt: true,
      reason: { key: 'tickets.delivery.error.duplicate', params: { detail: 'You are not allowed to create a Tweet with duplicate content.' } },
      flagProfile: false,
    });
  });

  it.each([
    ['another 403', new XForbiddenError({ status: 403, detail: 'not enrolled' }), 'tickets.delivery.error.forbidden'],
    ['a 400', new XBadRequestError({ status: 400, detail: 'text too long' }), 'tickets.delivery.error.bad-request'],
    ['an unreadable 2xx (it may have been posted)', new XUnexpectedResponseError({ status: 201, detail: 'no id' }), 'tickets.delivery.error.unexpected-response'],
  ])('%s fails without retry and without flagging the profile', (_name, error, key) => {
    expect(deliveryOutcome(error, 0, NOW, POLICY)).toMatchObject({ kind: 'failed', flagProfile: false, reason: { key } });
  });

  it('a bug of ours fails the article with the message instead of retrying forever', () => {
    expect(deliveryOutcome(new TypeError('participantId must be digits'), 0, NOW, POLICY)).toMatchObject({
      kind: 'failed',
      reason: { key: 'tickets.delivery.error.internal', params: { detail: 'participantId must be digits' } },
    });
  });
});

describe('stored reasons', () => {
  it('round-trip through the delivery_error column', () => {
    const reason = { key: 'tickets.delivery.error.duplicate', params: { detail: 'a|b=c' } };
    expect(decodeReason(encodeReason(reason))).toEqual(reason);
  });

  it('show any other text as it is', () => {
    expect(decodeReason('boom')).toEqual({ key: 'tickets.delivery.error.text', params: { detail: 'boom' } });
    expect(decodeReason(null)).toBeUndefined();
  });
});
