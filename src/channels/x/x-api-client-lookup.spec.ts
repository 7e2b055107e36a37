import type { FakeXApi } from '../../../test/support/fake-x-api';
import { ALICE, credentialsOf, HELPDESK, startFakeXClient } from '../../../test/support/fake-x/client-fixture';
import { XApiClient } from './x-api-client';
import { XRateLimitedError, XServerError, XUnreachableError } from './x-errors';

// GET /2/tweets/:id — a reply's parent, with its conversation — against the fake X API over HTTP.

const CREDENTIALS = credentialsOf(HELPDESK);

let fake: FakeXApi;
let client: XApiClient;

beforeAll(async () => {
  ({ fake, client } = await startFakeXClient());
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('getTweet (GET /2/tweets/:id)', () => {
  it('returns the tweet with its conversation, author, and whom it answers', async () => {
    const root = fake.postPublicTweet({ author: ALICE, text: '@acme_help my order #late' });
    const middle = fake.postPublicTweet({ author: HELPDESK, text: '@alice which order?', inReplyToTweetId: root.tweetId });
    const reply = fake.postPublicTweet({ author: ALICE, text: 'number 42', inReplyToTweetId: middle.tweetId });

    expect(await client.getTweet(CREDENTIALS, reply.tweetId)).toEqual({
      tweet: {
        kind: 'tweet',
        id: reply.tweetId,
        text: 'number 42',
        author: { id: ALICE.id, handle: 'alice', name: 'Alice Example' },
        inReplyToTweetId: middle.tweetId,
        inReplyToUserId: HELPDESK.id,
        conversationId: root.tweetId,
        mentionedUserIds: [HELPDESK.id],
        hashtags: [],
        isRetweet: false,
      },
    });
    expect(await client.getTweet(CREDENTIALS, root.tweetId)).toMatchObject({ tweet: { conversationId: root.tweetId, hashtags: ['late'] } });
  });

  it('reports a deleted, unknown or protected tweet as missing with X’s words (a 200 with only errors)', async () => {
    const gone = fake.postPublicTweet({ author: ALICE, text: 'deleted later' });
    const hidden = fake.postPublicTweet({ author: ALICE, text: 'protected account' });
    fake.setTweetVisibility(gone.tweetId, 'deleted');
    fake.setTweetVisibility(hidden.tweetId, 'protected');
    expect(await client.getTweet(CREDENTIALS, gone.tweetId)).toEqual({ missing: `Could not find tweet with id: [${gone.tweetId}].` });
    expect(await client.getTweet(CREDENTIALS, '1790000000000099999')).toEqual({ missing: 'Could not find tweet with id: [1790000000000099999].' });
    expect(await client.getTweet(CREDENTIALS, hidden.tweetId)).toEqual({ missing: `Sorry, you are not authorized to see the Tweet with id: [${hidden.tweetId}].` });
  });

  it('throws what a caller may retry: 429 with the reset time, 503, no answer', async () => {
    const tweet = fake.postPublicTweet({ author: ALICE, text: 'hello' });
    fake.setRateLimit('GET /2/tweets/:id', 1);
    await client.getTweet(CREDENTIALS, tweet.tweetId);
    const limited = await client.getTweet(CREDENTIALS, tweet.tweetId).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(XRateLimitedError);
    expect((limited as XRateLimitedError).resetAt.getTime()).toBeGreaterThan(Date.now());

    fake.reset();
    fake.setMode('server-error');
    await expect(client.getTweet(CREDENTIALS, tweet.tweetId)).rejects.toBeInstanceOf(XServerError);
    const nowhere = new XApiClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
    await expect(nowhere.getTweet(CREDENTIALS, tweet.tweetId)).rejects.toBeInstanceOf(XUnreachableError);
  });

  it('never puts anything but an X id into the path', async () => {
    await expect(client.getTweet(CREDENTIALS, '../users/me')).rejects.toThrow(TypeError);
    await expect(client.getTweet(CREDENTIALS, '1'.repeat(20))).rejects.toThrow(TypeError);
  });
});
