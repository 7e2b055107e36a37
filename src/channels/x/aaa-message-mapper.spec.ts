import { mapAaaItem } from './aaa-message-mapper';
import { AaaBodyError, splitAaaDelivery } from './aaa-webhook-body';

// Shapes as in docs/X.md, "What a delivery looks like"; numeric ids deliberately beyond 2^53.
const tweetBody = `{"for_user_id":"2975699229","user_has_blocked":false,"tweet_create_events":[{
  "id":1207623566339919872,"id_str":"1207623566339919872",
  "text":"@ScruffyMcG help with https://t.co/abc #Support","truncated":false,
  "in_reply_to_status_id":1205348660982083584,"in_reply_to_status_id_str":"1205348660982083584",
  "in_reply_to_user_id":2975699229,"in_reply_to_user_id_str":"2975699229",
  "user":{"id":1205290247124217856,"id_str":"1205290247124217856","name":"pennbrooke","screen_name":"pennbrooke1"},
  "entities":{"hashtags":[{"text":"Support","indices":[40,48]}],"urls":[{"url":"https://t.co/abc","expanded_url":"https://example.com/order/7"}],
              "user_mentions":[{"screen_name":"ScruffyMcG","id":2975699229,"id_str":"2975699229"}]}}]}`;

const dmBody = `{"for_user_id":"4337869213","direct_message_events":[
  {"type":"message_create","id":"1954491830116155396","created_timestamp":"1516403560557",
   "message_create":{"target":{"recipient_id":"4337869213"},"sender_id":"1790000000000000001",
     "message_data":{"text":"Hello World!","entities":{"urls":[]}}}},
  {"type":"message_read","id":"1954491830116155397"}],
 "users":{"1790000000000000001":{"id":"1790000000000000001","name":"Jordan","screen_name":"furiouscamper"},
          "4337869213":{"id":"4337869213","name":"Harrison","screen_name":"Harris_0ff"},
          "999":{"id":"999","name":"Someone else","screen_name":"else"}}}`;

describe('splitAaaDelivery', () => {
  it('keeps tweet ids exact and keys duplicates by id', () => {
    const { forUserId, items } = splitAaaDelivery(tweetBody);
    expect(forUserId).toBe('2975699229');
    expect(items).toHaveLength(1);
    expect(items[0].dedupeKey).toBe('tweet:1207623566339919872');
  });

  it('keeps only message_create DMs, with just their two participants', () => {
    const { items } = splitAaaDelivery(dmBody);
    expect(items.map((i) => i.dedupeKey)).toEqual(['dm:1954491830116155396']);
    expect(Object.keys(items[0].payload.users ?? {}).sort()).toEqual(['1790000000000000001', '4337869213']);
  });

  it('leaves out favourites, follows and typing indicators', () => {
    expect(splitAaaDelivery('{"for_user_id":"1","favorite_events":[{"id":"5"}],"direct_message_indicate_typing_events":[{}]}').items).toEqual([]);
  });

  it('refuses a body that is not a JSON object', () => {
    expect(() => splitAaaDelivery('not json')).toThrow(AaaBodyError);
    expect(() => splitAaaDelivery('[1]')).toThrow(AaaBodyError);
  });
});

describe('mapAaaItem', () => {
  it('maps a mention with reply, mention ids, hashtags and expanded links', () => {
    const [item] = splitAaaDelivery(tweetBody).items;
    expect(mapAaaItem('aaa-tweet', JSON.parse(JSON.stringify(item.payload)))).toEqual({
      kind: 'tweet',
      id: '1207623566339919872',
      text: '@ScruffyMcG help with https://example.com/order/7 #Support',
      author: { id: '1205290247124217856', handle: 'pennbrooke1', name: 'pennbrooke' },
      inReplyToTweetId: '1205348660982083584',
      inReplyToUserId: '2975699229',
      mentionedUserIds: ['2975699229'],
      hashtags: ['support'],
      isRetweet: false,
    });
  });

  it('reads the full text of a long tweet from extended_tweet', () => {
    const message = mapAaaItem('aaa-tweet', {
      forUserId: '1',
      item: {
        id_str: '5',
        text: 'cut…',
        truncated: true,
        user: { id_str: '7', screen_name: 'a', name: 'A' },
        extended_tweet: { full_text: 'the whole text #long', entities: { hashtags: [{ text: 'Long' }] } },
      },
    });
    expect(message).toMatchObject({ text: 'the whole text #long', hashtags: ['long'] });
  });

  it('knows the conversation of a tweet that answers nothing (its own), not that of a reply', () => {
    const alone = mapAaaItem('aaa-tweet', { item: { id_str: '5', text: 'hi', user: { id_str: '7' }, in_reply_to_status_id_str: null } });
    expect(alone).toMatchObject({ conversationId: '5' });
    const [reply] = splitAaaDelivery(tweetBody).items;
    expect(reply.conversationId).toBeUndefined();
    expect(mapAaaItem('aaa-tweet', reply.payload)).not.toHaveProperty('conversationId');
    const [first] = splitAaaDelivery('{"for_user_id":"1","tweet_create_events":[{"id_str":"5","text":"hi","user":{"id_str":"7"},"in_reply_to_status_id_str":null}]}').items;
    expect(first.conversationId).toBe('5');
  });

  it('marks retweets', () => {
    expect(mapAaaItem('aaa-tweet', { item: { id_str: '5', text: 'RT', user: { id_str: '7' }, retweeted_status: { id_str: '4' } } })).toMatchObject({ isRetweet: true });
  });

  it('maps a DM with its sender from the users map', () => {
    const [item] = splitAaaDelivery(dmBody).items;
    expect(mapAaaItem('aaa-dm', JSON.parse(JSON.stringify(item.payload)))).toEqual({
      kind: 'dm',
      id: '1954491830116155396',
      text: 'Hello World!',
      sender: { id: '1790000000000000001', handle: 'furiouscamper', name: 'Jordan' },
      recipientId: '4337869213',
    });
  });

  it('gives up on items without ids', () => {
    expect(mapAaaItem('aaa-dm', { item: { type: 'message_create', message_create: {} } })).toBeUndefined();
    expect(mapAaaItem('aaa-tweet', { item: { text: 'x' } })).toBeUndefined();
  });
});
