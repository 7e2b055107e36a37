import { parseJsonExact } from './exact-json';
import { compareIds, directMessagePageFromV2, tweetPageFromV2 } from './x-v2-mapper';

// Shapes as X API v2 answers GET /2/tweets/search/recent, /2/users/:id/mentions and /2/dm_events.

const HELPDESK_ID = '1498765432109876543';
const CUSTOMER = { id: '1205290247124217856', name: 'pennbrooke', username: 'pennbrooke1' };

describe('tweetPageFromV2', () => {
  const page = {
    data: [
      {
        id: '1790000000000000003',
        text: 'RT @acme_help: #Outage fixed',
        author_id: CUSTOMER.id,
        referenced_tweets: [{ type: 'retweeted', id: '1790000000000000001' }],
        entities: { hashtags: [{ start: 15, end: 22, tag: 'Outage' }], mentions: [{ start: 3, end: 13, username: 'acme_help', id: HELPDESK_ID }] },
      },
      {
        id: '1790000000000000002',
        text: '@acme_help still broken #Support #support https://t.co/abc',
        author_id: CUSTOMER.id,
        in_reply_to_user_id: HELPDESK_ID,
        referenced_tweets: [
          { type: 'quoted', id: '1790000000000000000' },
          { type: 'replied_to', id: '1790000000000000001' },
        ],
        entities: {
          hashtags: [
            { start: 24, end: 32, tag: 'Support' },
            { start: 33, end: 41, tag: 'support' },
          ],
          mentions: [{ start: 0, end: 10, username: 'acme_help', id: HELPDESK_ID }],
          urls: [{ start: 42, end: 65, url: 'https://t.co/abc', expanded_url: 'https://example.com/order/42' }],
        },
      },
    ],
    includes: { users: [CUSTOMER] },
    meta: { newest_id: '1790000000000000003', oldest_id: '1790000000000000002', result_count: 2, next_token: 'b26v89c19zqg8o3f' },
  };

  it('returns the tweets oldest first, with the cursor and the next page token', () => {
    const result = tweetPageFromV2(page);
    expect(result.messages.map((tweet) => tweet.id)).toEqual(['1790000000000000002', '1790000000000000003']);
    expect(result.ids).toEqual(['1790000000000000003', '1790000000000000002']);
    expect(result.newestId).toBe('1790000000000000003');
    expect(result.nextToken).toBe('b26v89c19zqg8o3f');
  });

  it('maps a reply: replied_to id, in_reply_to_user_id, mention ids, hashtags lower-cased once, t.co expanded', () => {
    expect(tweetPageFromV2(page).messages[0]).toEqual({
      kind: 'tweet',
      id: '1790000000000000002',
      text: '@acme_help still broken #Support #support https://example.com/order/42',
      author: { id: CUSTOMER.id, handle: 'pennbrooke1', name: 'pennbrooke' },
      inReplyToTweetId: '1790000000000000001',
      inReplyToUserId: HELPDESK_ID,
      mentionedUserIds: [HELPDESK_ID],
      hashtags: ['support'],
      isRetweet: false,
    });
  });

  it('reads conversation_id; a tweet without it that replies to nothing starts its own conversation', () => {
    const [reply, retweet] = tweetPageFromV2({ ...page, data: [{ ...page.data[0], conversation_id: '1790000000000000001' }, page.data[1]] }).messages;
    expect(reply).not.toHaveProperty('conversationId'); // a reply without conversation_id: unknown
    expect(retweet.conversationId).toBe('1790000000000000001');
    const [alone] = tweetPageFromV2({ data: [{ id: '9', text: 'hi', author_id: '42' }] }).messages;
    expect(alone.conversationId).toBe('9');
  });

  it('marks a retweet by its referenced_tweets type "retweeted", and a quote is not a reply', () => {
    const [reply, retweet] = tweetPageFromV2(page).messages;
    expect(retweet).toMatchObject({ isRetweet: true, hashtags: ['outage'] });
    expect(retweet).not.toHaveProperty('inReplyToTweetId');
    expect(reply.inReplyToTweetId).toBe('1790000000000000001'); // not the quoted one
  });

  it('falls back to the author id alone when includes.users lacks the author', () => {
    const [tweet] = tweetPageFromV2({ data: [{ id: '1790000000000000009', text: 'hi', author_id: '42' }] }).messages;
    expect(tweet.author).toEqual({ id: '42', handle: '', name: '' });
    expect(tweet).toMatchObject({ mentionedUserIds: [], hashtags: [], isRetweet: false });
  });

  it('prefers the whole text of a long post (note_tweet)', () => {
    const [tweet] = tweetPageFromV2({
      data: [{ id: '7', text: 'A long post, cut…', author_id: '42', note_tweet: { text: 'A long post, cut nowhere #Long', entities: { hashtags: [{ tag: 'Long' }] } } }],
    }).messages;
    expect(tweet).toMatchObject({ text: 'A long post, cut nowhere #Long', hashtags: ['long'] });
  });

  it('leaves out items without an id or author_id', () => {
    expect(
      tweetPageFromV2({
        data: [
          { text: 'no id', author_id: '42' },
          { id: '8', text: 'no author' },
        ],
      }).messages,
    ).toEqual([]);
  });

  it('reads an empty answer (X leaves data out) as an empty page without a cursor', () => {
    expect(tweetPageFromV2({ meta: { result_count: 0 } })).toEqual({ messages: [], ids: [] });
    expect(tweetPageFromV2(null)).toEqual({ messages: [], ids: [] });
  });

  it('keeps ids exact when X writes them as bare JSON numbers (parsed with parseJsonExact)', () => {
    const body = parseJsonExact(
      '{"data":[{"id":1790000000000000001,"text":"hi","author_id":1205290247124217856,"entities":{"mentions":[{"id":1498765432109876543,"username":"acme_help"}]}}],' +
        '"meta":{"newest_id":1790000000000000001}}',
    );
    const result = tweetPageFromV2(body);
    expect(result.messages[0]).toMatchObject({
      id: '1790000000000000001',
      author: { id: '1205290247124217856' },
      mentionedUserIds: [HELPDESK_ID],
    });
    expect(result.newestId).toBe('1790000000000000001');
  });

  it('computes the cursor from the ids when meta has no newest_id', () => {
    expect(
      tweetPageFromV2({
        data: [
          { id: '999', author_id: '1' },
          { id: '1000', author_id: '1' },
        ],
      }).newestId,
    ).toBe('1000');
  });
});

describe('directMessagePageFromV2', () => {
  const page = {
    data: [
      {
        id: '1790000000000000012',
        event_type: 'MessageCreate',
        text: 'We are on it',
        sender_id: HELPDESK_ID,
        dm_conversation_id: `${CUSTOMER.id}-${HELPDESK_ID}`,
        created_at: '2026-01-01T10:01:00.000Z',
      },
      { id: '1790000000000000011', event_type: 'ParticipantsJoin', participant_ids: [CUSTOMER.id], dm_conversation_id: '1582838223404883969' },
      {
        id: '1790000000000000010',
        event_type: 'MessageCreate',
        text: 'My order is late',
        sender_id: CUSTOMER.id,
        dm_conversation_id: `${CUSTOMER.id}-${HELPDESK_ID}`,
        created_at: '2026-01-01T10:00:00.000Z',
      },
    ],
    includes: { users: [CUSTOMER, { id: HELPDESK_ID, name: 'ACME Help', username: 'acme_help' }] },
    meta: { result_count: 3, next_token: '18LAA581J5II7LA00C00ZZZZ' },
  };

  it('keeps only MessageCreate events, oldest first, with sender from includes.users and the other participant as recipient', () => {
    const result = directMessagePageFromV2(page);
    expect(result.messages).toEqual([
      {
        kind: 'dm',
        id: '1790000000000000010',
        text: 'My order is late',
        sender: { id: CUSTOMER.id, handle: 'pennbrooke1', name: 'pennbrooke' },
        recipientId: HELPDESK_ID,
      },
      {
        kind: 'dm',
        id: '1790000000000000012',
        text: 'We are on it',
        sender: { id: HELPDESK_ID, handle: 'acme_help', name: 'ACME Help' },
        recipientId: CUSTOMER.id,
      },
    ]);
  });

  it('reports every event id (for the cursor) and the newest one, though dm_events has no meta.newest_id', () => {
    const result = directMessagePageFromV2(page);
    expect(result.ids).toHaveLength(3);
    expect(result.newestId).toBe('1790000000000000012');
    expect(result.nextToken).toBe('18LAA581J5II7LA00C00ZZZZ');
  });

  it('takes the recipient from participant_ids when X sends them', () => {
    const [dm] = directMessagePageFromV2({
      data: [{ id: '5', event_type: 'MessageCreate', text: 'hi', sender_id: '1', participant_ids: ['1', '2'] }],
    }).messages;
    expect(dm).toMatchObject({ recipientId: '2', sender: { id: '1', handle: '', name: '' } });
  });

  it('leaves out group conversations, where no single recipient exists', () => {
    expect(
      directMessagePageFromV2({
        data: [{ id: '5', event_type: 'MessageCreate', text: 'hi all', sender_id: '1', dm_conversation_id: '1582838223404883969' }],
      }).messages,
    ).toEqual([]);
  });
});

describe('compareIds', () => {
  it('orders ids numerically, not as text, and exactly beyond 2^53', () => {
    expect(compareIds('1000', '999')).toBe(1);
    expect(compareIds('1790000000000000001', '1790000000000000000')).toBe(1);
    expect(compareIds('1790000000000000001', '1790000000000000001')).toBe(0);
    expect(compareIds('17', '1790000000000000001')).toBe(-1);
  });
});
