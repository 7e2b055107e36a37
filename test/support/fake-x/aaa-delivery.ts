import type { FakeXAccounts } from './accounts';
import { directMessageEventsBody, tweetCreateEventsBody } from './aaa-events';
import type { FakeXDirectMessage, FakeXTimeline, FakeXTweet } from './timeline';
import type { FakeXDeliveryResult } from './types';
import type { FakeXWebhookRegistry } from './webhook-registry';
import type { FakeXDelivery, WebhookSender } from './webhook-sender';

/**
 * Which subscribed accounts Account Activity tells about a tweet or DM, and the envelopes it POSTs
 * to each of them (docs/X.md, "The webhook").
 */
export class AaaDelivery {
  constructor(
    private readonly webhooks: WebhookSender,
    private readonly timeline: FakeXTimeline,
    private readonly accounts: FakeXAccounts,
    private readonly registry: FakeXWebhookRegistry,
  ) {}

  /** The subscribed accounts AAA would tell about this tweet: its author, who it mentions or replies to, who is retweeted. */
  accountsConcernedBy(tweet: FakeXTweet): string[] {
    const retweeted = tweet.retweetOf ? this.timeline.tweet(tweet.retweetOf)?.author.id : undefined;
    const candidates = [tweet.author.id, ...tweet.mentions.map((person) => person.id), tweet.inReplyToUserId, retweeted];
    return [...new Set(candidates)].filter((id): id is string => id !== undefined && this.webhooks.isSubscribed(id));
  }

  async deliverTweetEvents(tweet: FakeXTweet, accounts: string[], echo: boolean): Promise<FakeXDelivery[]> {
    const perAccount = await Promise.all(accounts.map((account) => this.webhooks.deliver(account, tweetCreateEventsBody(account, tweet, this.timeline), 'tweet_create_events', echo)));
    return perAccount.flat();
  }

  async deliverDirectMessageEvents(message: FakeXDirectMessage, echo: boolean): Promise<FakeXDelivery[]> {
    const app = this.accounts.appInfoById(message.sourceAppId);
    const accounts = [...new Set([message.sender.id, message.recipient.id])].filter((id) => this.webhooks.isSubscribed(id));
    const perAccount = await Promise.all(accounts.map((account) => this.webhooks.deliver(account, directMessageEventsBody(account, message, app), 'direct_message_events', echo)));
    return perAccount.flat();
  }

  /** A test that delivers to an account nobody subscribed has a mistake in it; an invalid webhook is X's business. */
  requireSubscribed(userId: string): void {
    if (!this.registry.hasSubscriber(userId)) {
      throw new Error(`fake X: no webhook subscribed for user ${userId}; call subscribeWebhook first`);
    }
  }
}

export function deliveryResult(deliveries: FakeXDelivery[]): FakeXDeliveryResult {
  return { status: deliveries[0]?.status ?? 0, body: deliveries[0]?.body ?? '', deliveries };
}
