import { randomBytes } from 'node:crypto';
import { AaaDelivery, deliveryResult } from './fake-x/aaa-delivery';
import { FakeXAccountActivity } from './fake-x/account-activity';
import { FakeXAccounts, X_WEB_APP } from './fake-x/accounts';
import { FakeXAppTokens } from './fake-x/app-only-auth';
import { FakeXMediaStore } from './fake-x/media';
import { FakeXModes } from './fake-x/modes';
import { FakeXOAuth } from './fake-x/oauth-verification';
import { FakeXPosting } from './fake-x/posting';
import { FakeXRateLimits } from './fake-x/rate-limits';
import { FakeXRouter } from './fake-x/router';
import { startFakeXServer } from './fake-x/server';
import { FakeXThreeLegged } from './fake-x/three-legged';
import { FakeXIds, FakeXTimeline } from './fake-x/timeline';
import { FakeXTweetLookup } from './fake-x/tweet-lookup';
import type { FakeXApi, FakeXApiOptions } from './fake-x/types';
import { FakeXUserLookup } from './fake-x/user-lookup';
import { FakeXWebhookRegistry } from './fake-x/webhook-registry';
import { WebhookSender } from './fake-x/webhook-sender';

export type { FakeXMedia, FakeXMediaInput, FakeXUploadedMedia } from './fake-x/media';
export { TINY_MP4, TINY_PNG } from './fake-x/media';
export type { FakeXEndpoint } from './fake-x/rate-limits';
export type { FakeXDirectMessage, FakeXDirectMessageInput, FakeXPerson, FakeXTweet, FakeXTweetInput } from './fake-x/timeline';
export type * from './fake-x/types';
export type { FakeXWebhookRegistration } from './fake-x/webhook-registry';
export type { FakeXCrcResult, FakeXDelivery, FakeXWebhookSubscription } from './fake-x/webhook-sender';

/**
 * A local stand-in for api.x.com, for e2e and browser tests and demos (docs/X.md).
 * It verifies OAuth 1.0a exactly as X does — the port is part of the signed URL, JSON bodies are
 * not signed, unknown keys/tokens, bad signatures, stale timestamps and replayed nonces get X's
 * 401 bodies — and answers the endpoints socialdesk uses with X's shapes and string ids > 2^53.
 * It also plays X's side of Account Activity webhooks — app-only bearer tokens, webhook
 * registration with a real CRC check, subscriptions, signed event POSTs only to subscribed accounts
 * of valid webhooks, duplicates, the echo of what the app sends — and serves the v2 timelines a
 * poller reads, with rate limits.
 *
 * This file only puts the parts together; each concern lives in ./fake-x/.
 */

const FIRST_ID = 1_790_000_000_000_000_000n;
const DEFAULT_SLOW_DELAY_MS = 15_000;
const DEFAULT_TIMESTAMP_WINDOW_SECONDS = 300;
const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const DEFAULT_WEBHOOKS_PER_APP = 1;

export async function startFakeXApi(options: FakeXApiOptions = {}): Promise<FakeXApi> {
  const now = options.now ?? Date.now;
  const idsAsJsonNumbers = options.idsAsJsonNumbers ?? false;
  const ids = new FakeXIds(FIRST_ID);
  const timeline = new FakeXTimeline(ids, now);
  const accounts = new FakeXAccounts(timeline);
  const threeLegged = new FakeXThreeLegged(accounts);
  const oauth = new FakeXOAuth(accounts, {
    now,
    timestampWindowSeconds: options.timestampWindowSeconds ?? DEFAULT_TIMESTAMP_WINDOW_SECONDS,
    requestTokenSecret: (token, consumerKey) => threeLegged.requestTokenSecret(token, consumerKey),
  });
  const modes = new FakeXModes(now);
  const rateLimits = new FakeXRateLimits(now);
  const registry = new FakeXWebhookRegistry(ids, now);
  const webhooks = new WebhookSender(options.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS, (consumerKey) => accounts.consumerSecret(consumerKey), registry);
  const appTokens = new FakeXAppTokens(accounts);
  const accountActivity = new FakeXAccountActivity(registry, accounts, appTokens, oauth, modes, webhooks, {
    loopbackDemo: options.loopbackDemo ?? false,
    webhooksPerApp: options.webhooksPerApp ?? DEFAULT_WEBHOOKS_PER_APP,
    log: options.log ?? (() => undefined),
  });
  const aaa = new AaaDelivery(webhooks, timeline, accounts, registry);
  let baseUrl = '';
  const media = new FakeXMediaStore(() => baseUrl);
  timeline.mediaStore = media;
  const users = new FakeXUserLookup(timeline);
  const posting = new FakeXPosting(accounts, timeline, aaa, idsAsJsonNumbers, media);
  const tweetLookup = new FakeXTweetLookup(timeline);
  const router = new FakeXRouter({
    accounts,
    oauth,
    modes,
    rateLimits,
    threeLegged,
    posting,
    timeline,
    tweetLookup,
    media,
    users,
    appTokens,
    accountActivity,
    idsAsJsonNumbers,
  });
  const server = await startFakeXServer({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    route: (request) => router.route(request),
    modes,
    echoMode: () => posting.echoMode,
    webhooks,
    defaultSlowDelayMs: options.slowDelayMs ?? DEFAULT_SLOW_DELAY_MS,
  });
  baseUrl = server.baseUrl;

  return {
    baseUrl: server.baseUrl,
    sent: posting.sent,
    get tweets() {
      return timeline.tweets;
    },
    get directMessages() {
      return timeline.directMessages;
    },
    get deliveries() {
      return webhooks.deliveries;
    },
    uploads: media.uploads,
    mediaFetches: media.fetches,
    addPerson(person) {
      timeline.rememberPerson(person);
    },
    suspendUser(username) {
      users.suspend(username);
    },
    registerApp(app) {
      accounts.registerApp(app);
    },
    registerUser(user) {
      accounts.registerUser(user);
    },
    setMode(next, nextOptions = {}) {
      modes.set(next, nextOptions);
    },
    approveRequestToken(oauthToken, userId) {
      return threeLegged.approve(oauthToken, userId);
    },
    subscribeWebhook(subscription) {
      if (!accounts.hasApp(subscription.consumerKey)) throw new Error(`fake X: register app ${subscription.consumerKey} first`);
      if (!accounts.findUser(subscription.consumerKey, subscription.forUserId)) {
        throw new Error(`fake X: user ${subscription.forUserId} has not authorised app ${subscription.consumerKey}`);
      }
      const url = new URL(subscription.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`fake X: webhook URL must be http(s): ${subscription.url}`);
      const registration = registry.byUrl(subscription.consumerKey, subscription.url) ?? registry.add(subscription.consumerKey, subscription.url, true);
      registration.valid = true;
      registry.subscribe(registration, subscription.forUserId);
    },
    webhookRegistrations() {
      return registry.all();
    },
    recheckWebhooks() {
      return accountActivity.recheckAll();
    },
    holdCrcChecks() {
      return accountActivity.holdCrcChecks();
    },
    async deliverDirectMessage(input) {
      aaa.requireSubscribed(input.toUserId);
      const message = timeline.addDirectMessage(input, X_WEB_APP.id);
      return { eventId: message.id, ...deliveryResult(await aaa.deliverDirectMessageEvents(message, false)) };
    },
    async deliverTweet(input) {
      const { forUserId, ...tweetInput } = input;
      if (forUserId !== undefined) aaa.requireSubscribed(forUserId);
      const tweet = timeline.addTweet(tweetInput);
      const targets = forUserId !== undefined ? [forUserId] : aaa.accountsConcernedBy(tweet);
      if (targets.length === 0) {
        timeline.tweets.splice(timeline.tweets.indexOf(tweet), 1);
        throw new Error(
          'fake X: AAA delivers this tweet to no subscribed account (it neither mentions, replies to nor retweets one); ' + 'pass forUserId, or use postPublicTweet for a tweet found only by search',
        );
      }
      return { tweetId: tweet.id, ...deliveryResult(await aaa.deliverTweetEvents(tweet, targets, false)) };
    },
    postPublicTweet(input) {
      return { tweetId: timeline.addTweet(input).id };
    },
    postDirectMessage(input) {
      return { eventId: timeline.addDirectMessage(input, X_WEB_APP.id).id };
    },
    deliverRaw(url, body, rawOptions = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      return webhooks.deliverRaw(url, raw, rawOptions.signature, rawOptions.consumerSecret);
    },
    redeliverLast() {
      return webhooks.redeliverLast();
    },
    crcCheck(url, crcToken = randomBytes(32).toString('base64'), crcOptions = {}) {
      const secret = crcOptions.consumerSecret ?? webhooks.secretForUrl(url);
      if (secret === undefined) {
        return Promise.reject(new Error(`fake X: no app is subscribed at ${url}; pass consumerSecret`));
      }
      return webhooks.crcCheck(url, crcToken, secret);
    },
    setTweetVisibility(tweetId, visibility) {
      tweetLookup.setVisibility(tweetId, visibility);
    },
    setEchoMode(next) {
      posting.echoMode = next;
    },
    setRateLimit(endpoint, limit) {
      rateLimits.setLimit(endpoint, limit);
    },
    waitForDeliveries() {
      return webhooks.idle();
    },
    reset() {
      modes.set('normal');
      posting.clear();
      timeline.clear();
      tweetLookup.clear();
      rateLimits.reset();
      webhooks.clearLog();
      media.clear();
      users.clear();
    },
    close() {
      return server.close();
    },
  };
}
