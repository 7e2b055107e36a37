import type { FakeXAppInfo } from './aaa-events';
import type { FakeXPerson, FakeXTimeline } from './timeline';
import type { FakeXApp, FakeXUser } from './types';

/**
 * The apps (consumer key and secret) and the accounts that authorised them (access token and
 * secret) the fake knows: who may sign requests, and who a token belongs to.
 */

const FIRST_APP_ID = 27_000_001;
/** The app a customer's DMs come from (X's own web client). */
export const X_WEB_APP: FakeXAppInfo = { id: '3033300', name: 'Twitter Web App', url: 'https://mobile.twitter.com' };

export class FakeXAccounts {
  private readonly apps = new Map<string, FakeXApp>();
  private readonly users = new Map<string, FakeXUser>(); // by access token
  private nextAppId = FIRST_APP_ID;

  constructor(private readonly timeline: FakeXTimeline) {}

  registerApp(app: FakeXApp): void {
    this.apps.set(app.consumerKey, { ...app, appId: app.appId ?? this.apps.get(app.consumerKey)?.appId ?? String(this.nextAppId++) });
  }

  registerUser(user: FakeXUser): void {
    if (!this.apps.has(user.consumerKey)) throw new Error(`fake X: register app ${user.consumerKey} first`);
    if (!/^\d+$/.test(user.id)) throw new Error('fake X: user ids are digit strings');
    this.users.delete(user.accessToken); // re-registering moves the user to the end (the default signer-in)
    this.users.set(user.accessToken, { ...user });
    this.timeline.rememberPerson(personOf(user));
  }

  app(consumerKey: string): FakeXApp | undefined {
    return this.apps.get(consumerKey);
  }

  hasApp(consumerKey: string): boolean {
    return this.apps.has(consumerKey);
  }

  consumerSecret(consumerKey: string): string | undefined {
    return this.apps.get(consumerKey)?.consumerSecret;
  }

  /** The account an access token was issued to, if that token belongs to this app. */
  userByToken(accessToken: string, consumerKey?: string): FakeXUser | undefined {
    const user = this.users.get(accessToken);
    return consumerKey === undefined || user?.consumerKey === consumerKey ? user : undefined;
  }

  /** Any registered account with this id (the same person may have authorised several apps). */
  userById(userId: string): FakeXUser | undefined {
    return [...this.users.values()].find((user) => user.id === userId);
  }

  usersOfApp(consumerKey: string): FakeXUser[] {
    return [...this.users.values()].filter((user) => user.consumerKey === consumerKey);
  }

  findUser(consumerKey: string, userId: string): FakeXUser | undefined {
    return this.usersOfApp(consumerKey).find((user) => user.id === userId);
  }

  appInfo(consumerKey: string): FakeXAppInfo {
    const app = this.apps.get(consumerKey);
    if (!app?.appId) return X_WEB_APP;
    return { id: app.appId, name: app.name ?? 'socialdesk', url: 'https://example.com/socialdesk' };
  }

  appInfoById(appId: string): FakeXAppInfo {
    const app = [...this.apps.values()].find((candidate) => candidate.appId === appId);
    return app ? this.appInfo(app.consumerKey) : X_WEB_APP;
  }
}

export function personOf(user: FakeXUser): FakeXPerson {
  return { id: user.id, username: user.username, name: user.name };
}
