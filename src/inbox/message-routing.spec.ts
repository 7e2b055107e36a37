import type { IncomingTweet } from '../channels/x/incoming-x-message';
import { routeTweet } from './message-routing';

const profile = {
  accountId: '100',
  targetQueueId: 1,
  mentionsEnabled: true,
  hashtagQueues: [
    { hashtag: 'billing', queueId: 2 },
    { hashtag: 'support', queueId: 3 },
  ],
};
const tweet = (change: Partial<IncomingTweet> = {}): IncomingTweet => ({
  kind: 'tweet',
  id: '9',
  text: 'hi',
  author: { id: '5', handle: 'c', name: 'C' },
  mentionedUserIds: [],
  hashtags: [],
  isRetweet: false,
  ...change,
});

describe('routeTweet', () => {
  it('sends a mention of the profile to its target queue', () => {
    expect(routeTweet(tweet({ mentionedUserIds: ['100'] }), profile)).toEqual({ queueId: 1, reason: 'mention' });
  });

  it('counts a reply to the profile as a mention', () => {
    expect(routeTweet(tweet({ inReplyToUserId: '100' }), profile)).toEqual({ queueId: 1, reason: 'mention' });
  });

  it('routes by the first tracked hashtag in the admin’s order', () => {
    expect(routeTweet(tweet({ hashtags: ['support', 'billing'] }), profile)).toEqual({ queueId: 2, reason: 'hashtag' });
  });

  it('uses hashtags when mentions are switched off', () => {
    expect(routeTweet(tweet({ mentionedUserIds: ['100'], hashtags: ['support'] }), { ...profile, mentionsEnabled: false })).toEqual({ queueId: 3, reason: 'hashtag' });
    expect(routeTweet(tweet({ mentionedUserIds: ['100'] }), { ...profile, mentionsEnabled: false }).queueId).toBeUndefined();
  });

  it('ignores retweets, even of tracked hashtags', () => {
    expect(routeTweet(tweet({ isRetweet: true, hashtags: ['support'], mentionedUserIds: ['100'] }), profile)).toEqual({ queueId: undefined, reason: 'retweet' });
  });

  it('ignores untracked tweets', () => {
    expect(routeTweet(tweet({ hashtags: ['other'] }), profile)).toEqual({ queueId: undefined, reason: 'untracked' });
  });
});
