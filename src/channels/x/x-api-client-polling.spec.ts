import type { FakeXApi } from '../../../test/support/fake-x-api';
import { ALICE, credentialsOf, HELPDESK, startFakeXClient, TEST_APP } from '../../../test/support/fake-x/client-fixture';
import { signRequest } from './oauth1-signer';
import type { XApiClient } from './x-api-client';
import { XBadRequestError, XRateLimitedError } from './x-errors';

// The polling half of the client (search, mentions, DM events) against the fake X API over HTTP.

const OTHER_DESK = { ...HELPDESK, id: '1498765432109876999', username: 'other_desk', accessToken: '1498765432109876999-other' };
const CREDENTIALS = credentialsOf(HELPDESK);
const OTHER_CREDENTIALS = credentialsOf(OTHER_DESK);
const BOB = { id: '1205290247124217857', username: 'bob', name: 'Bob Example' };

let fake: FakeXApi;
let client: XApiClient;

beforeAll(async () => {
  ({ fake, client } = await startFakeXClient([HELPDESK, OTHER_DESK]));
});

afterAll(() => fake.close());

beforeEach(() => fake.reset());

describe('searchRecent (GET /2/tweets/search/recent)', () => {
  it('finds the #hashtag tweets, oldest first, without retweets, with authors and exact ids', async () => {
    const first = fake.postPublicTweet({ author: ALICE, text: 'My parcel is lost #Support' });
    fake.postPublicTweet({ author: BOB, text: 'nothing to see here' });
    const second = fake.postPublicTweet({ author: BOB, text: '#support also for me @acme_help' });
    fake.postPublicTweet({ author: BOB, text: 'RT @alice: My parcel is lost #Support', retweetOf: first.tweetId });

    const result = await client.searchRecent(CREDENTIALS, { query: '#support -is:retweet' });

    expect(result.messages).toEqual([
      {
        kind: 'tweet',
        id: first.tweetId,
        conversationId: first.tweetId,
        text: 'My parcel is lost #Support',
        author: { id: ALICE.id, handle: 'alice', name: 'Alice Example' },
        mentionedUserIds: [],
        hashtags: ['support'],
        isRetweet: false,
      },
      {
        kind: 'tweet',
        id: second.tweetId,
        conversationId: second.tweetId,
        text: '#support also for me @acme_help',
        author: { id: BOB.id, handle: 'bob', name: 'Bob Example' },
        mentionedUserIds: [HELPDESK.id],
        hashtags: ['support'],
        isRetweet: false,
      },
    ]);
    expect(result.newestId).toBe(second.tweetId);
    // Two ids a double cannot tell apart: they differ by 2 at ~1.79e18.
    expect(BigInt(second.tweetId) - BigInt(first.tweetId)).toBe(2n);
  });

  it('includes retweets unless the query excludes them, and flags them', async () => {
    const original = fake.postPublicTweet({ author: ALICE, text: 'Down again #outage' });
    fake.postPublicTweet({ author: BOB, text: 'RT @alice: Down again #outage', retweetOf: original.tweetId });
    const result = await client.searchRecent(CREDENTIALS, { query: '#outage' });
    expect(result.messages.map((tweet) => tweet.isRetweet)).toEqual([false, true]);
  });

  it('returns only tweets newer than sinceId, and no cursor when there is nothing new', async () => {
    fake.postPublicTweet({ author: ALICE, text: 'one #help' });
    const { newestId } = await client.searchRecent(CREDENTIALS, { query: '#help' });

    const nothingNew = await client.searchRecent(CREDENTIALS, { query: '#help', sinceId: newestId });
    expect(nothingNew.messages).toEqual([]);
    expect(nothingNew).not.toHaveProperty('newestId');

    const later = fake.postPublicTweet({ author: BOB, text: 'two #help' });
    const next = await client.searchRecent(CREDENTIALS, { query: '#help', sinceId: newestId });
    expect(next.messages.map((tweet) => tweet.id)).toEqual([later.tweetId]);
    expect(next.newestId).toBe(later.tweetId);
  });

  it('catches up over several pages when given a cursor, but reads one page without one', async () => {
    const cursor = fake.postPublicTweet({ author: ALICE, text: 'before #flood' }).tweetId;
    const posted = Array.from({ length: 25 }, (_, i) => fake.postPublicTweet({ author: BOB, text: `${i} #flood` }).tweetId);

    const caughtUp = await client.searchRecent(CREDENTIALS, { query: '#flood', sinceId: cursor, maxResults: 10 });
    expect(caughtUp.messages.map((tweet) => tweet.id)).toEqual(posted);
    expect(caughtUp.newestId).toBe(posted[24]);
    expect(caughtUp.rateLimit?.remaining).toBe(180 - 3); // three pages of 10, 10 and 5

    const firstPoll = await client.searchRecent(CREDENTIALS, { query: '#flood', maxResults: 10 });
    expect(firstPoll.messages.map((tweet) => tweet.id)).toEqual(posted.slice(15));
    expect(firstPoll.newestId).toBe(posted[24]);
  });

  it('reports a query X would refuse as a bad request', async () => {
    await expect(client.searchRecent(CREDENTIALS, { query: '#a OR #b' })).rejects.toBeInstanceOf(XBadRequestError);
    await expect(client.searchRecent(CREDENTIALS, { query: '#a', maxResults: 5 })).rejects.toBeInstanceOf(XBadRequestError);
  });
});

describe('getMentions (GET /2/users/:id/mentions)', () => {
  it('returns tweets that @-mention the account or reply to it, and nothing else', async () => {
    const own = fake.postPublicTweet({ author: HELPDESK, text: 'We are here to help' });
    const mention = fake.postPublicTweet({ author: ALICE, text: '@acme_help where is my order?' });
    fake.postPublicTweet({ author: BOB, text: '@alice hello' });
    const reply = fake.postPublicTweet({ author: BOB, text: 'thanks', inReplyToTweetId: own.tweetId });

    const result = await client.getMentions(CREDENTIALS, HELPDESK.id);

    expect(result.messages.map((tweet) => tweet.id)).toEqual([mention.tweetId, reply.tweetId]);
    expect(result.messages[1]).toMatchObject({
      inReplyToTweetId: own.tweetId,
      inReplyToUserId: HELPDESK.id,
      mentionedUserIds: [HELPDESK.id],
      author: { id: BOB.id, handle: 'bob' },
    });
    expect(result.newestId).toBe(reply.tweetId);
  });

  it('follows since_id', async () => {
    const seen = fake.postPublicTweet({ author: ALICE, text: '@acme_help one' });
    const fresh = fake.postPublicTweet({ author: ALICE, text: '@acme_help two' });
    const result = await client.getMentions(CREDENTIALS, HELPDESK.id, { sinceId: seen.tweetId });
    expect(result.messages.map((tweet) => tweet.id)).toEqual([fresh.tweetId]);
  });

  it('refuses a user id that is not digits before calling X', async () => {
    await expect(client.getMentions(CREDENTIALS, '../tweets')).rejects.toThrow(TypeError);
  });
});

describe('getDirectMessageEvents (GET /2/dm_events)', () => {
  it("returns the account's DMs in both directions, oldest first, with the sender's handle", async () => {
    const incoming = fake.postDirectMessage({ from: ALICE, toUserId: HELPDESK.id, text: 'My order is late *again*' });
    fake.postDirectMessage({ from: BOB, toUserId: ALICE.id, text: 'not for the help desk' });
    const sent = await client.sendDirectMessage(CREDENTIALS, ALICE.id, 'Sorry, looking into it');

    const result = await client.getDirectMessageEvents(CREDENTIALS);

    expect(result.messages).toEqual([
      {
        kind: 'dm',
        id: incoming.eventId,
        text: 'My order is late *again*',
        sender: { id: ALICE.id, handle: 'alice', name: 'Alice Example' },
        recipientId: HELPDESK.id,
      },
      {
        kind: 'dm',
        id: sent.dmEventId,
        text: 'Sorry, looking into it',
        sender: { id: HELPDESK.id, handle: 'acme_help', name: 'ACME Help' },
        recipientId: ALICE.id,
      },
    ]);
    expect(result.newestId).toBe(sent.dmEventId);
  });

  it('pages back only as far as sinceId (the endpoint itself has no since_id)', async () => {
    const cursor = fake.postDirectMessage({ from: ALICE, toUserId: HELPDESK.id, text: 'old' }).eventId;
    const fresh = ['a', 'b', 'c'].map((text) => fake.postDirectMessage({ from: ALICE, toUserId: HELPDESK.id, text }).eventId);
    for (let i = 0; i < 5; i++) fake.postDirectMessage({ from: BOB, toUserId: OTHER_DESK.id, text: `elsewhere ${i}` });

    const result = await client.getDirectMessageEvents(CREDENTIALS, { sinceId: cursor, maxResults: 2 });

    expect(result.messages.map((dm) => dm.text)).toEqual(['a', 'b', 'c']);
    expect(result.newestId).toBe(fresh[2]);
    expect(result.rateLimit?.remaining).toBe(300 - 2); // [c, b], then [a, old]: the cursor is reached

    const again = await client.getDirectMessageEvents(CREDENTIALS, { sinceId: result.newestId });
    expect(again.messages).toEqual([]);
    expect(again).not.toHaveProperty('newestId');
  });

  it('the fake answers since_id on /2/dm_events with 400, as X does', async () => {
    const url = `${fake.baseUrl}/2/dm_events?since_id=1`;
    const { authorization } = signRequest({ method: 'GET', url }, { ...TEST_APP, token: HELPDESK.accessToken, tokenSecret: HELPDESK.accessTokenSecret });
    const response = await fetch(url, { headers: { authorization } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0].message).toMatch(/^The query parameter \[since_id\] is not one of \[/);
  });
});

describe('rate limits', () => {
  it('reports x-rate-limit-* of every answer, and a 429 with its reset once the window is used up', async () => {
    fake.setRateLimit('GET /2/tweets/search/recent', 2);

    const first = await client.searchRecent(CREDENTIALS, { query: '#any' });
    const second = await client.searchRecent(CREDENTIALS, { query: '#any' });
    expect(first.rateLimit).toMatchObject({ limit: 2, remaining: 1 });
    expect(second.rateLimit).toMatchObject({ limit: 2, remaining: 0 });
    const resetAt = second.rateLimit?.resetAt as Date;
    expect(resetAt.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    const refusal = client.searchRecent(CREDENTIALS, { query: '#any' });
    await expect(refusal).rejects.toBeInstanceOf(XRateLimitedError);
    await expect(refusal).rejects.toMatchObject({ status: 429, resetAt });
  });

  it('counts per endpoint and per access token', async () => {
    fake.setRateLimit('GET /2/users/:id/mentions', 1);
    await client.getMentions(CREDENTIALS, HELPDESK.id);
    await expect(client.getMentions(CREDENTIALS, HELPDESK.id)).rejects.toBeInstanceOf(XRateLimitedError);
    await expect(client.getMentions(OTHER_CREDENTIALS, OTHER_DESK.id)).resolves.toMatchObject({ rateLimit: { remaining: 0 } });
    await expect(client.getDirectMessageEvents(CREDENTIALS)).resolves.toMatchObject({ rateLimit: { limit: 300 } });
  });

  it("still honours setMode('rate-limited')", async () => {
    const resetAt = new Date('2030-05-01T10:15:00Z');
    fake.setMode('rate-limited', { resetAt });
    await expect(client.getDirectMessageEvents(CREDENTIALS)).rejects.toMatchObject({ code: 'rate-limited', resetAt });
  });
});
