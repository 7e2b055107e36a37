/**
 * X's per-user 15-minute windows (docs/X.md, "Rate limits"): one counter per (endpoint, access token),
 * the x-rate-limit-* headers on every authenticated answer, 429 once the window is used up.
 */

export type FakeXEndpoint =
  | 'GET /2/users/me'
  | 'POST /2/tweets'
  | 'POST /2/dm_conversations/with/:participant_id/messages'
  | 'GET /2/tweets/search/recent'
  | 'GET /2/users/:id/mentions'
  | 'GET /2/dm_events'
  | 'GET /2/tweets/:id'
  | 'GET /1.1/account/verify_credentials.json'
  | 'POST /1.1/statuses/update.json'
  | 'GET /2/users/by/username/:username'
  | 'POST /2/media/upload';

// X's tables change over time (and differ between its own pages); tests set what they need.
const DEFAULT_LIMITS: Record<FakeXEndpoint, number> = {
  'GET /2/users/me': 75,
  'POST /2/tweets': 100,
  'POST /2/dm_conversations/with/:participant_id/messages': 200,
  'GET /2/tweets/search/recent': 180,
  'GET /2/users/:id/mentions': 180,
  'GET /2/dm_events': 300,
  'GET /2/tweets/:id': 900,
  'GET /1.1/account/verify_credentials.json': 75,
  'POST /1.1/statuses/update.json': 300,
  'GET /2/users/by/username/:username': 900,
  'POST /2/media/upload': 500,
};

export const RATE_LIMIT_WINDOW_MS = 15 * 60_000;

export interface RateLimitVerdict {
  allowed: boolean;
  headers: Record<string, string>;
}

export class FakeXRateLimits {
  private readonly limits = new Map<FakeXEndpoint, number>();
  private readonly windows = new Map<string, { startedAtMs: number; used: number }>();

  constructor(private readonly now: () => number) {}

  setLimit(endpoint: FakeXEndpoint, limit: number): void {
    if (!(endpoint in DEFAULT_LIMITS)) throw new Error(`fake X: no rate limit for ${endpoint}`);
    if (!Number.isInteger(limit) || limit < 0) throw new Error('fake X: a rate limit is a whole number ≥ 0');
    this.limits.set(endpoint, limit);
    for (const key of this.windows.keys()) if (key.startsWith(`${endpoint}\n`)) this.windows.delete(key);
  }

  /** Counts one request; refuses it when the window is used up. */
  consume(endpoint: FakeXEndpoint, token: string): RateLimitVerdict {
    const limit = this.limits.get(endpoint) ?? DEFAULT_LIMITS[endpoint];
    const key = `${endpoint}\n${token}`;
    const nowMs = this.now();
    let window = this.windows.get(key);
    if (!window || nowMs >= window.startedAtMs + RATE_LIMIT_WINDOW_MS) {
      window = { startedAtMs: nowMs, used: 0 };
      this.windows.set(key, window);
    }
    const allowed = window.used < limit;
    if (allowed) window.used += 1;
    return {
      allowed,
      headers: {
        'x-rate-limit-limit': String(limit),
        'x-rate-limit-remaining': String(Math.max(0, limit - window.used)),
        'x-rate-limit-reset': String(Math.ceil((window.startedAtMs + RATE_LIMIT_WINDOW_MS) / 1000)),
      },
    };
  }

  /** Fresh windows and the default limits. */
  reset(): void {
    this.limits.clear();
    this.windows.clear();
  }
}
