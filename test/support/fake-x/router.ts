import type { FakeXAccountActivity } from './account-activity';
import type { FakeXAccounts } from './accounts';
import { invalidRequest, jsonFields, rawJson, v11Error, v11Id, v2Data, v2TooManyRequests, type Answer } from './answers';
import type { FakeRequest } from './http';
import type { FakeXAppTokens } from './app-only-auth';
import type { FakeXModes } from './modes';
import { authFailure, type Auth, type AuthKind, type Dialect, type FakeXOAuth } from './oauth-verification';
import type { FakeXPosting } from './posting';
import type { FakeXEndpoint, FakeXRateLimits } from './rate-limits';
import type { FakeXThreeLegged } from './three-legged';
import type { FakeXMediaStore } from './media';
import type { FakeXTimeline } from './timeline';
import type { FakeXTweetLookup } from './tweet-lookup';
import type { FakeXUser } from './types';
import type { FakeXUserLookup } from './user-lookup';
import { dmEventsAnswer, mentionsAnswer, searchRecentAnswer } from './v2-timelines';

/** Everything the router hands requests to. */
export interface FakeXParts {
  accounts: FakeXAccounts;
  oauth: FakeXOAuth;
  modes: FakeXModes;
  rateLimits: FakeXRateLimits;
  threeLegged: FakeXThreeLegged;
  posting: FakeXPosting;
  timeline: FakeXTimeline;
  tweetLookup: FakeXTweetLookup;
  media: FakeXMediaStore;
  users: FakeXUserLookup;
  appTokens: FakeXAppTokens;
  accountActivity: FakeXAccountActivity;
  idsAsJsonNumbers: boolean;
}

/**
 * Which endpoint answers a request, and the order X checks things in: authentication first, then
 * the mode (forbidden, rate-limited, …), then the endpoint's own rate limit, then the endpoint.
 */
export class FakeXRouter {
  constructor(private readonly parts: FakeXParts) {}

  async route(request: FakeRequest): Promise<Answer> {
    const { method, path } = request;
    if (method === 'POST' && path === '/oauth2/token') return this.parts.appTokens.issue(request);
    const accountActivity = await this.parts.accountActivity.route(request);
    if (accountActivity) return accountActivity;
    const { threeLegged, posting, timeline } = this.parts;
    const dm = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/.exec(path);
    const mentions = /^\/2\/users\/([^/]+)\/mentions$/.exec(path);
    const tweet = /^\/2\/tweets\/([^/]+)$/.exec(path);
    const byUsername = /^\/2\/users\/by\/username\/([^/]+)$/.exec(path);
    const mediaFile = this.parts.media.serve(request, () => this.signedAccount(request));
    if (mediaFile) return mediaFile;

    if (method === 'GET' && path === '/oauth/authorize') return threeLegged.authorizePage(request.query.get('oauth_token'));
    if (method === 'POST' && path === '/oauth/authorize') return threeLegged.authorizeDecision(new URLSearchParams(request.body));
    if (method === 'POST' && path === '/oauth/request_token') {
      return this.guarded(request, 'v1.1', 'app', (auth) => threeLegged.issueRequestToken(auth));
    }
    if (method === 'POST' && path === '/oauth/access_token') {
      return this.guarded(request, 'v1.1', 'request-token', (auth) => threeLegged.exchangeRequestToken(request, auth));
    }
    if (method === 'GET' && path === '/2/users/me') {
      return this.limited(request, 'v2', 'GET /2/users/me', (auth) => {
        const user = this.userOf(auth);
        return v2Data(200, { id: user.id, name: user.name, username: user.username }, this.parts.idsAsJsonNumbers);
      });
    }
    if (method === 'POST' && path === '/2/tweets') {
      return this.limited(request, 'v2', 'POST /2/tweets', (auth) => posting.createTweet(request, auth));
    }
    if (method === 'POST' && dm) {
      return this.limited(request, 'v2', 'POST /2/dm_conversations/with/:participant_id/messages', (auth) => posting.sendDirectMessage(request, auth, dm[1]));
    }
    if (method === 'GET' && path === '/2/tweets/search/recent') {
      return this.limited(request, 'v2', 'GET /2/tweets/search/recent', () => searchRecentAnswer(request.query, timeline));
    }
    if (method === 'GET' && mentions) {
      return this.limited(request, 'v2', 'GET /2/users/:id/mentions', () =>
        /^\d{1,19}$/.test(mentions[1]) ? mentionsAnswer(mentions[1], request.query, timeline) : invalidRequest(`The \`id\` query parameter value [${mentions[1]}] does not match ^[0-9]{1,19}$`),
      );
    }
    if (method === 'GET' && tweet && tweet[1] !== 'search') {
      return this.limited(request, 'v2', 'GET /2/tweets/:id', () => this.parts.tweetLookup.answer(tweet[1], request.query));
    }
    if (method === 'GET' && path === '/2/dm_events') {
      return this.limited(request, 'v2', 'GET /2/dm_events', (auth) => dmEventsAnswer(this.userOf(auth).id, request.query, timeline));
    }
    if (method === 'GET' && byUsername) {
      return this.limited(request, 'v2', 'GET /2/users/by/username/:username', () => this.parts.users.answer(byUsername[1], this.parts.idsAsJsonNumbers));
    }
    if (method === 'POST' && path === '/2/media/upload') {
      return this.limited(request, 'v2', 'POST /2/media/upload', (auth) => this.parts.media.upload(request, this.userOf(auth).id));
    }
    if (method === 'GET' && path === '/1.1/account/verify_credentials.json') {
      return this.limited(request, 'v1.1', 'GET /1.1/account/verify_credentials.json', (auth) => {
        const user = this.userOf(auth);
        return rawJson(200, `{${v11Id(user.id)},${jsonFields({ name: user.name, screen_name: user.username })}}`);
      });
    }
    if (method === 'POST' && path === '/1.1/statuses/update.json') {
      return this.limited(request, 'v1.1', 'POST /1.1/statuses/update.json', (auth) => posting.updateStatus(request, auth));
    }
    return v11Error(404, 34, 'Sorry, that page does not exist.');
  }

  /** Authenticates, applies the mode, then runs the endpoint — the order X answers in. */
  private guarded(request: FakeRequest, dialect: Dialect, kind: AuthKind, handle: (auth: Auth) => Answer): Answer {
    const auth = this.parts.oauth.authenticate(request, kind);
    if (typeof auth === 'string') return authFailure(dialect, auth);
    return this.parts.modes.answerFor(request, dialect) ?? handle(auth);
  }

  /** An API call with user context, counted against its rate limit (headers on every answer). */
  private limited(request: FakeRequest, dialect: Dialect, endpoint: FakeXEndpoint, handle: (auth: Auth) => Answer): Answer {
    const auth = this.parts.oauth.authenticate(request, 'user');
    if (typeof auth === 'string') return authFailure(dialect, auth);
    const verdict = this.parts.rateLimits.consume(endpoint, auth.token as string);
    const fromMode = this.parts.modes.answerFor(request, dialect);
    if (fromMode) return { ...fromMode, headers: { ...verdict.headers, ...fromMode.headers } };
    if (!verdict.allowed) {
      const refusal = dialect === 'v2' ? v2TooManyRequests() : v11Error(429, 88, 'Rate limit exceeded');
      return { ...refusal, headers: verdict.headers };
    }
    const answer = handle(auth);
    return { ...answer, headers: { ...verdict.headers, ...answer.headers } };
  }

  /** The account a request is signed for (DM media on ton.twitter.com), if the signature holds. */
  private signedAccount(request: FakeRequest): string | undefined {
    const auth = this.parts.oauth.authenticate(request, 'user');
    return typeof auth === 'string' ? undefined : this.parts.accounts.userByToken(auth.token as string)?.id;
  }

  private userOf(auth: Auth): FakeXUser {
    return this.parts.accounts.userByToken(auth.token as string) as FakeXUser;
  }
}
