import type { MessageParams } from '../i18n/translator';
import type { ChannelHealth } from '../social-media-profiles/channel-health';

/** How long an X error may be in a one-line reason. */
const MAX_ERROR = 120;

/**
 * The one line that says why a profile needs an admin, most urgent first: X no longer accepts its
 * keys; its webhook does not work; polling keeps failing; replies or inbox events failed lately.
 * Nothing for profiles that are switched off or not set up (they say so elsewhere).
 */
export function attentionOf(health: Omit<ChannelHealth, 'attention'>, now: number): { key: string; params: MessageParams } | undefined {
  if (!health.active) return undefined;
  const { webhook, polling } = health;
  if (health.needsReauthorisation || polling.outcome === 'unauthorized') return { key: 'health.attention.reauthorise', params: {} };
  if (health.receivingMode !== 'polling') {
    if (!webhook || (webhook.id === null && !webhook.problem)) return { key: 'health.attention.webhookNotSetUp', params: {} };
    if (webhook.problem) return { key: webhookProblemLine(webhook.problem.key), params: {} };
    if (webhook.valid === false) return { key: 'health.attention.webhookInvalid', params: {} };
    if (webhook.subscribed === false) return { key: 'health.attention.notSubscribed', params: {} };
  }
  if (polling.outcome === 'failed') {
    const error = polling.error ?? '';
    return {
      key: 'health.attention.pollingFails',
      params: {
        failures: polling.failures,
        next: polling.nextPollAt && polling.nextPollAt.getTime() > now ? minute(polling.nextPollAt) : '—',
        error: error.length > MAX_ERROR ? `${error.slice(0, MAX_ERROR)}…` : error,
      },
    };
  }
  if (health.repliesFailed24h > 0) return { key: 'health.attention.repliesFailed', params: { count: health.repliesFailed24h } };
  if (health.inboxFailed24h > 0) return { key: 'health.attention.inboxFailed', params: { count: health.inboxFailed24h } };
  return undefined;
}

/** The short line for a webhook problem whose full text the profile page shows. */
function webhookProblemLine(problemKey: string): string {
  const known: Record<string, string> = {
    'receiving.problem.notEnrolled': 'health.attention.notEnrolled',
    'receiving.problem.crcFailed': 'health.attention.webhookInvalid',
    'receiving.problem.invalid': 'health.attention.webhookInvalid',
    'receiving.problem.urlInvalid': 'health.attention.urlInvalid',
    'receiving.problem.limitExceeded': 'health.attention.webhookLimit',
    'x.error.invalid-credentials': 'health.attention.reauthorise',
  };
  return known[problemKey] ?? 'health.attention.webhookCheckFailed';
}

/** `YYYY-MM-DD HH:MM` (UTC), as dates are shown everywhere in the admin area. */
export function minute(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}
