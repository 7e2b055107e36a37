import { json, v11Error, v2TooManyRequests, callbackNotApproved, type Answer } from './answers';
import type { FakeRequest } from './http';
import type { Dialect } from './oauth-verification';
import { RATE_LIMIT_WINDOW_MS } from './rate-limits';
import type { FakeXMode, FakeXModeOptions } from './types';

/**
 * The trouble a test can switch on for every authenticated call: an app without access to the
 * endpoint (403 client-not-enrolled), a used-up rate limit, X failing (503), duplicate content,
 * or slow answers (handled by the server, which delays before routing).
 */
export class FakeXModes {
  private mode: FakeXMode = 'normal';
  private options: FakeXModeOptions = {};

  constructor(private readonly now: () => number) {}

  get current(): FakeXMode {
    return this.mode;
  }

  get currentOptions(): FakeXModeOptions {
    return this.options;
  }

  set(mode: FakeXMode, options: FakeXModeOptions = {}): void {
    this.mode = mode;
    this.options = options;
  }

  /** What X answers instead of the endpoint in this mode; undefined to let the endpoint answer. */
  answerFor(request: FakeRequest, dialect: Dialect): Answer | undefined {
    switch (this.mode) {
      case 'forbidden':
        if (dialect === 'v2') {
          return json(403, {
            client_id: '10000001',
            required_enrollment: 'Appropriate Level of API Access',
            registration_url: 'https://developer.x.com/en/portal/product',
            title: 'Client Forbidden',
            detail: 'This request must be made using an approved developer account that is enrolled in the requested endpoint.',
            reason: 'client-not-enrolled',
            type: 'https://api.x.com/2/problems/client-forbidden',
          });
        }
        return request.path === '/oauth/request_token' ? callbackNotApproved() : v11Error(403, 261, 'Your App cannot perform write actions.');
      case 'rate-limited': {
        const resetAt = this.options.resetAt ?? new Date(this.now() + RATE_LIMIT_WINDOW_MS);
        const headers = {
          'x-rate-limit-limit': '75',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.floor(resetAt.getTime() / 1000)),
        };
        const answer = dialect === 'v2' ? v2TooManyRequests() : v11Error(429, 88, 'Rate limit exceeded');
        return { ...answer, headers };
      }
      case 'server-error':
        return dialect === 'v2' ? json(503, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 }) : v11Error(503, 130, 'Over capacity');
      case 'duplicate':
        if (request.path === '/2/tweets') {
          return json(403, {
            detail: 'You are not allowed to create a Tweet with duplicate content.',
            type: 'about:blank',
            title: 'Forbidden',
            status: 403,
          });
        }
        if (request.path === '/1.1/statuses/update.json') return v11Error(403, 187, 'Status is a duplicate.');
        return undefined;
      default:
        return undefined;
    }
  }
}
