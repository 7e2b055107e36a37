import type { FakeXCrcHold } from './account-activity';
import type { FakeXUploadedMedia } from './media';
import type { FakeXEndpoint } from './rate-limits';
import type { FakeXDirectMessage, FakeXDirectMessageInput, FakeXPerson, FakeXTweet, FakeXTweetInput } from './timeline';
import type { FakeXTweetVisibility } from './tweet-lookup';
import type { FakeXWebhookRegistration } from './webhook-registry';
import type { FakeXCrcResult, FakeXDelivery, FakeXWebhookSubscription } from './webhook-sender';

/** The fake X API's public shapes: what tests configure, what it records, and its handle. */

export type FakeXMode = 'normal' | 'forbidden' | 'rate-limited' | 'slow' | 'server-error' | 'duplicate';

export interface FakeXApp {
  consumerKey: string;
  consumerSecret: string;
  /** Shown on the authorize page. */
  name?: string;
  /** Allow-list for oauth_callback; when absent any absolute URL (or "oob") is accepted. */
  callbackUrls?: string[];
  /** The AAA `source_app_id` of DMs sent with this app; generated when absent. */
  appId?: string;
  /**
   * Whether the app's access level includes the Account Activity API (webhooks and
   * subscriptions); false answers those endpoints with 403 client-not-enrolled. Default true.
   */
  accountActivity?: boolean;
}

export interface FakeXUser {
  id: string;
  username: string;
  name: string;
  accessToken: string;
  accessTokenSecret: string;
  /** The app this access token was issued to. */
  consumerKey: string;
}

export interface FakeXSentTweet {
  kind: 'tweet';
  id: string;
  text: string;
  inReplyToTweetId?: string;
  authorId: string;
  consumerKey: string;
  /** Media ids attached (POST /2/media/upload), if any. */
  mediaIds?: string[];
}

export interface FakeXSentDirectMessage {
  kind: 'dm';
  dmEventId: string;
  dmConversationId: string;
  participantId: string;
  senderId: string;
  text: string;
  consumerKey: string;
  /** Media ids attached (POST /2/media/upload), if any. */
  mediaIds?: string[];
}

export type FakeXSent = FakeXSentTweet | FakeXSentDirectMessage;

export interface FakeXApiOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Milliseconds since the epoch, for the timestamp window and x-rate-limit-reset. */
  now?: () => number;
  /** Allowed |now − oauth_timestamp|; X answers code 135 beyond it. */
  timestampWindowSeconds?: number;
  /** How long 'slow' mode waits before answering. */
  slowDelayMs?: number;
  /** Write ids in v2 answers as bare JSON numbers (X doesn't; tests client robustness). */
  idsAsJsonNumbers?: boolean;
  /** How long a webhook POST or CRC GET waits for the app (X: 10 s for events). */
  webhookTimeoutMs?: number;
  /**
   * Accept webhook URLs on loopback hosts over http and with a port (http://localhost:3000/…), for
   * a demo on one machine. X itself takes only public https URLs without a port. Default false.
   */
  loopbackDemo?: boolean;
  /** Webhooks one app may register (X allows a few; WebhookLimitExceeded beyond). Default 1. */
  webhooksPerApp?: number;
  /** Receives a line for each webhook registration, CRC check and subscription change. */
  log?: (line: string) => void;
}

/**
 * When the echo of a tweet or DM the app sends (docs/X.md, "Sending") reaches the app's webhook:
 * 'after-response' (default) once the API answer is sent; 'before-response' before it — the fake
 * waits for the app's webhook answer, then answers the API call, so the app sees its own message
 * before it learns the id X gave it (the race Zammad's channel loses, docs/X.md, "Sending"); 'off' never.
 */
export type FakeXEchoMode = 'off' | 'after-response' | 'before-response';

export interface FakeXDeliveryResult {
  /** The app's HTTP status for the (first) delivery; 0 when it did not answer. */
  status: number;
  /** The raw JSON POSTed (of the first delivery). */
  body: string;
  /** One per subscribed account and app (usually one). */
  deliveries: FakeXDelivery[];
}

export interface FakeXTweetDelivery extends FakeXTweetInput {
  /**
   * The account whose webhook gets the tweet. By default every subscribed account the tweet
   * concerns (its author, the mentioned and the replied-to account, the retweeted author), as AAA
   * does; set it to push a tweet AAA would never deliver (a stranger's #hashtag).
   */
  forUserId?: string;
}

export interface FakeXRawDeliveryOptions {
  /** The header to send; null for none; by default signed with the secret of the app subscribed at the URL. */
  signature?: string | null;
  consumerSecret?: string;
}

export interface FakeXModeOptions {
  /** 'slow': delay before answering. */
  delayMs?: number;
  /** 'rate-limited': the x-rate-limit-reset sent; default now + 15 min. */
  resetAt?: Date;
}

export interface FakeXApi {
  baseUrl: string;
  /** Tweets and DMs received, oldest first. */
  readonly sent: FakeXSent[];
  /** Every tweet the fake knows (delivered, posted, or sent by the app), oldest first. */
  readonly tweets: readonly FakeXTweet[];
  /** Every DM the fake knows, oldest first. */
  readonly directMessages: readonly FakeXDirectMessage[];
  /** Every webhook POST made (events, echoes, raw, redeliveries), in the order answered. */
  readonly deliveries: readonly FakeXDelivery[];
  /** Media the app uploaded (POST /2/media/upload), oldest first. */
  readonly uploads: readonly FakeXUploadedMedia[];
  /** Requests for media files (tweet media, and DM media that need the account's signature). */
  readonly mediaFetches: readonly { path: string; signed: boolean; status: number }[];
  /** An X account others can find by @handle (GET /2/users/by/username/:username). */
  addPerson(person: FakeXPerson): void;
  /** From now on the lookup answers that this account is suspended. */
  suspendUser(username: string): void;
  registerApp(app: FakeXApp): void;
  registerUser(user: FakeXUser): void;
  setMode(mode: FakeXMode, options?: FakeXModeOptions): void;
  /** What clicking "Authorize app" does: returns the callback URL with oauth_token and oauth_verifier. */
  approveRequestToken(oauthToken: string, userId?: string): string;

  /**
   * A shortcut for tests: as if the app had registered url as a webhook (CRC passed) and
   * subscribed the account, so its events go there, signed with that app's consumer secret.
   */
  subscribeWebhook(subscription: FakeXWebhookSubscription): void;
  /** Every webhook registration with its subscribers, oldest first (copies). */
  webhookRegistrations(): FakeXWebhookRegistration[];
  /** X's periodic CRC check of every registered webhook: each becomes valid or invalid by the app's answer. */
  recheckWebhooks(): Promise<void>;
  /** CRC checks wait until released: a registration stays pending meanwhile (races between instances). */
  holdCrcChecks(): FakeXCrcHold;
  /** A DM to a subscribed account, POSTed as `direct_message_events`; also listed by GET /2/dm_events. */
  deliverDirectMessage(input: FakeXDirectMessageInput): Promise<FakeXDeliveryResult & { eventId: string }>;
  /** A tweet POSTed as `tweet_create_events`; also on the public timeline (search, mentions). */
  deliverTweet(input: FakeXTweetDelivery): Promise<FakeXDeliveryResult & { tweetId: string }>;
  /** A tweet on the public timeline only (found by polling, never pushed). */
  postPublicTweet(input: FakeXTweetInput): { tweetId: string };
  /** A DM listed by GET /2/dm_events only (never pushed). */
  postDirectMessage(input: FakeXDirectMessageInput): { eventId: string };
  /** Any body, with a chosen (or no) signature. */
  deliverRaw(url: string, body: string | object, options?: FakeXRawDeliveryOptions): Promise<FakeXDelivery>;
  /** The same bytes and signature as the last delivery, again (X's retries). */
  redeliverLast(): Promise<FakeXDelivery>;
  /** GET url?crc_token=…&nonce=…, checked like X: 200, the right response_token, within 3 s. */
  crcCheck(url: string, crcToken?: string, options?: { consumerSecret?: string }): Promise<FakeXCrcResult>;
  /** GET /2/tweets/:id answers a deleted tweet with "Not Found Error", a protected one with "Authorization Error". */
  setTweetVisibility(tweetId: string, visibility: FakeXTweetVisibility): void;
  setEchoMode(mode: FakeXEchoMode): void;
  /** Requests per 15-minute window per access token. */
  setRateLimit(endpoint: FakeXEndpoint, limit: number): void;
  /** Resolves once no webhook POST or CRC GET is under way (echoes included). */
  waitForDeliveries(): Promise<void>;

  /** Back to 'normal' with nothing sent, no tweets, DMs or deliveries, echoes 'after-response',
   * fresh rate limits; apps, users, webhooks and subscriptions are kept. */
  reset(): void;
  close(): Promise<void>;
}
