import type { IncomingTweet } from '../channels/x/incoming-x-message';

export interface RoutingProfile {
  accountId: string;
  targetQueueId: number;
  mentionsEnabled: boolean;
  /** Tracked hashtag (lower case, no '#') → queue, in the order the admin listed them. */
  hashtagQueues: ReadonlyArray<{ hashtag: string; queueId: number }>;
}

export type TweetRoute = { queueId: number; reason: 'mention' | 'hashtag' } | { queueId: undefined; reason: 'retweet' | 'untracked' };

/**
 * Which queue a tweet that starts a conversation goes to: a mention of the profile → its target
 * queue; else the first tracked #hashtag it carries → that hashtag's queue; retweets and anything
 * else are not tickets.
 */
export function routeTweet(tweet: IncomingTweet, profile: RoutingProfile): TweetRoute {
  if (tweet.isRetweet) return { queueId: undefined, reason: 'retweet' };
  const mentionsProfile = tweet.mentionedUserIds.includes(profile.accountId) || tweet.inReplyToUserId === profile.accountId;
  if (mentionsProfile && profile.mentionsEnabled) return { queueId: profile.targetQueueId, reason: 'mention' };
  const tracked = profile.hashtagQueues.find((h) => tweet.hashtags.includes(h.hashtag));
  if (tracked) return { queueId: tracked.queueId, reason: 'hashtag' };
  return { queueId: undefined, reason: 'untracked' };
}
