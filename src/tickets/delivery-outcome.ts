import { XApiError, XDuplicateError, XInvalidCredentialsError, XRateLimitedError, XServerError, XUnreachableError } from '../channels/x/x-errors';
import type { MessageParams } from '../i18n/translator';

/** How the delivery worker retries (from config; tests shorten it). */
export interface DeliveryPolicy {
  /** Tries against 5xx/timeouts/network errors before the article is failed. */
  maxAttempts: number;
  /** First wait after a 5xx/timeout; doubles with every further try. */
  backoffBaseMs: number;
  /** The doubling stops here. */
  backoffMaxMs: number;
}

export const DELIVERY_POLICY = Symbol('DELIVERY_POLICY');

/** Why an article is not (yet) sent, as a catalog key: shown in each agent's language. */
export interface DeliveryReason {
  key: string;
  params?: MessageParams;
}

export type DeliveryOutcome =
  /** Stays `sending`; tried again at `nextAttemptAt`. 429s do not use up an attempt. */
  | { kind: 'retry'; nextAttemptAt: number; countsAsAttempt: boolean; reason: DeliveryReason }
  /** `failed`, not retried; `flagProfile` marks the profile as needing re-authorisation. */
  | { kind: 'failed'; countsAsAttempt: boolean; reason: DeliveryReason; flagProfile: boolean };

const MAX_DETAIL = 300;

function detailOf(error: Error): string {
  const detail = (error instanceof XApiError ? error.detail : undefined) ?? error.message;
  return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail;
}

/** Wait before the next try after `attemptsSoFar` failed tries: base × 2^n, capped. */
export function backoffDelay(attemptsSoFar: number, policy: DeliveryPolicy): number {
  return Math.min(policy.backoffBaseMs * 2 ** attemptsSoFar, policy.backoffMaxMs);
}

/**
 * What a failed send means for the article (docs/X.md, "Sending"): 429 waits for
 * x-rate-limit-reset; 5xx, timeouts and network errors back off and give up after maxAttempts;
 * 401 fails and flags the profile; duplicates and other refusals fail at once, since repeating
 * the same request cannot succeed.
 */
export function deliveryOutcome(error: unknown, attemptsSoFar: number, now: number, policy: DeliveryPolicy): DeliveryOutcome {
  if (error instanceof XRateLimitedError) {
    const reset = error.resetAt.getTime();
    const nextAttemptAt = Number.isFinite(reset) && reset > now ? reset : now + policy.backoffBaseMs;
    return { kind: 'retry', nextAttemptAt, countsAsAttempt: false, reason: { key: 'tickets.delivery.error.rate-limited', params: { until: utc(nextAttemptAt) } } };
  }
  if (error instanceof XServerError || error instanceof XUnreachableError) {
    const cause = error instanceof XServerError ? 'server-error' : `unreachable-${error.reason}`;
    const attempts = attemptsSoFar + 1;
    if (attempts >= policy.maxAttempts) {
      return { kind: 'failed', countsAsAttempt: true, reason: { key: `tickets.delivery.error.gaveUp.${cause}`, params: { attempts } }, flagProfile: false };
    }
    const nextAttemptAt = now + backoffDelay(attemptsSoFar, policy);
    return { kind: 'retry', nextAttemptAt, countsAsAttempt: true, reason: { key: `tickets.delivery.error.${cause}`, params: { until: utc(nextAttemptAt) } } };
  }
  if (error instanceof XInvalidCredentialsError) {
    return { kind: 'failed', countsAsAttempt: true, reason: { key: 'tickets.delivery.error.invalid-credentials' }, flagProfile: true };
  }
  if (error instanceof XDuplicateError) {
    return { kind: 'failed', countsAsAttempt: true, reason: { key: 'tickets.delivery.error.duplicate', params: { detail: detailOf(error) } }, flagProfile: false };
  }
  if (error instanceof XApiError) {
    // forbidden, bad-request, unexpected-response: repeating the same request will not help; an
    // unreadable 2xx may even have been posted, so it must not be sent again on its own.
    return { kind: 'failed', countsAsAttempt: true, reason: { key: `tickets.delivery.error.${error.code}`, params: { detail: detailOf(error) } }, flagProfile: false };
  }
  const message = error instanceof Error ? detailOf(error) : String(error);
  return { kind: 'failed', countsAsAttempt: true, reason: { key: 'tickets.delivery.error.internal', params: { detail: message } }, flagProfile: false };
}

function utc(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Stored in `articles.delivery_error` as JSON, so it can be shown in every language. */
export function encodeReason(reason: DeliveryReason): string {
  return JSON.stringify(reason);
}

/** Reads back what encodeReason wrote; any other text (written by hand or by older code) is shown as it is. */
export function decodeReason(stored: string | null): DeliveryReason | undefined {
  if (!stored) return undefined;
  try {
    const parsed = JSON.parse(stored) as Partial<DeliveryReason> | null;
    if (parsed && typeof parsed.key === 'string') return { key: parsed.key, params: parsed.params ?? {} };
  } catch {
    // not ours: fall through
  }
  return { key: 'tickets.delivery.error.text', params: { detail: stored } };
}
