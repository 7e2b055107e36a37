import type { FakeXIds } from './timeline';

/**
 * X's record of webhooks (V2 Webhooks API) and of the accounts subscribed to them (Account
 * Activity): which URL each app registered, whether its last CRC check passed, and whose events
 * go there. Events reach only subscribed accounts of webhooks that are valid.
 */

export interface FakeXWebhookRegistration {
  /** X's webhook id: digits, like every X id. */
  id: string;
  url: string;
  consumerKey: string;
  /** Whether the last CRC check passed; an invalid webhook gets no events. */
  valid: boolean;
  /** ISO 8601, as X writes `created_at`. */
  createdAt: string;
  /** Account ids subscribed to this webhook, in the order they subscribed. */
  subscribers: string[];
  /** Registered but its first CRC check still running: counts against the limit, not listed yet. */
  pending?: boolean;
}

export interface FakeXWebhookTarget {
  url: string;
  consumerKey: string;
}

export class FakeXWebhookRegistry {
  private readonly registrations: FakeXWebhookRegistration[] = [];

  constructor(
    private readonly ids: FakeXIds,
    private readonly now: () => number,
  ) {}

  /** A copy of every registration that is done (first CRC passed), oldest first. */
  all(): FakeXWebhookRegistration[] {
    return this.registrations.filter((registration) => !registration.pending).map((registration) => ({ ...registration, subscribers: [...registration.subscribers] }));
  }

  /** The app's registrations that are done (first CRC passed). */
  ofApp(consumerKey: string): FakeXWebhookRegistration[] {
    return this.registrations.filter((registration) => registration.consumerKey === consumerKey && !registration.pending);
  }

  /** The app's registrations including those whose first CRC is still running (for the limit and duplicates). */
  reservedBy(consumerKey: string): FakeXWebhookRegistration[] {
    return this.registrations.filter((registration) => registration.consumerKey === consumerKey);
  }

  byId(consumerKey: string, id: string): FakeXWebhookRegistration | undefined {
    return this.ofApp(consumerKey).find((registration) => registration.id === id);
  }

  byUrl(consumerKey: string, url: string): FakeXWebhookRegistration | undefined {
    return this.ofApp(consumerKey).find((registration) => registration.url === url);
  }

  /** pending: the URL is taken while X's first CRC check runs (two registrations at once cannot both pass the limit). */
  add(consumerKey: string, url: string, valid: boolean, pending = false): FakeXWebhookRegistration {
    const registration: FakeXWebhookRegistration = {
      id: this.ids.next(),
      url,
      consumerKey,
      valid,
      createdAt: new Date(this.now()).toISOString(),
      subscribers: [],
      ...(pending ? { pending } : {}),
    };
    this.registrations.push(registration);
    return registration;
  }

  remove(registration: FakeXWebhookRegistration): void {
    const index = this.registrations.indexOf(registration);
    if (index >= 0) this.registrations.splice(index, 1);
  }

  /** One webhook per (app, account): subscribing to another webhook of the same app moves the account. */
  subscribe(registration: FakeXWebhookRegistration, userId: string): void {
    for (const other of this.ofApp(registration.consumerKey)) this.unsubscribe(other, userId);
    registration.subscribers.push(userId);
  }

  unsubscribe(registration: FakeXWebhookRegistration, userId: string): boolean {
    const index = registration.subscribers.indexOf(userId);
    if (index < 0) return false;
    registration.subscribers.splice(index, 1);
    return true;
  }

  /** Where the account's events go now: valid webhooks it is subscribed to (one per app). */
  targets(userId: string): FakeXWebhookTarget[] {
    return this.registrations.filter((registration) => registration.valid && registration.subscribers.includes(userId)).map(({ url, consumerKey }) => ({ url, consumerKey }));
  }

  /** Whether any webhook, valid or not, has the account subscribed. */
  hasSubscriber(userId: string): boolean {
    return this.registrations.some((registration) => registration.subscribers.includes(userId));
  }

  /** The app that registered this URL (the first one, should several have). */
  appAtUrl(url: string): string | undefined {
    return this.registrations.find((registration) => registration.url === url)?.consumerKey;
  }
}
