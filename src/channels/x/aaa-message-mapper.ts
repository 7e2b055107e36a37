import { isRecord } from './aaa-webhook-body';
import { idString } from './exact-json';
import type { IncomingXMessage, IncomingXUser } from './incoming-x-message';
import { mediaFromAaaDm, mediaFromAaaTweet, withoutMediaLinks } from './x-media-mapper';

/**
 * An Account Activity item (as stored by splitAaaDelivery) as a neutral message, or undefined when
 * it lacks what a message needs. Reads `id_str`-style fields: X's numeric ids do not fit a JS number.
 */
export function mapAaaItem(format: 'aaa-tweet' | 'aaa-dm', payload: unknown): IncomingXMessage | undefined {
  if (!isRecord(payload) || !isRecord(payload.item)) return undefined;
  return format === 'aaa-tweet' ? mapTweet(payload.item) : mapDirectMessage(payload.item, isRecord(payload.users) ? payload.users : {});
}

function mapTweet(tweet: Record<string, unknown>): IncomingXMessage | undefined {
  const id = idString(tweet.id_str) ?? idString(tweet.id);
  const user = isRecord(tweet.user) ? tweet.user : undefined;
  const author = user && userOf(user);
  if (!id || !author) return undefined;
  // Long tweets come truncated in `text`; the whole text and its entities are in extended_tweet.
  const extended = isRecord(tweet.extended_tweet) ? tweet.extended_tweet : undefined;
  const text = typeof extended?.full_text === 'string' ? extended.full_text : typeof tweet.text === 'string' ? tweet.text : '';
  const entities = isRecord(extended?.entities) ? extended.entities : isRecord(tweet.entities) ? tweet.entities : {};
  const { media, links } = mediaFromAaaTweet(tweet);
  return {
    kind: 'tweet',
    id,
    text: withoutMediaLinks(expandUrls(text, entities), links),
    author,
    inReplyToTweetId: idString(tweet.in_reply_to_status_id_str) ?? idString(tweet.in_reply_to_status_id),
    inReplyToUserId: idString(tweet.in_reply_to_user_id_str) ?? idString(tweet.in_reply_to_user_id),
    mentionedUserIds: listOf(entities.user_mentions)
      .map((m) => idString(m.id_str) ?? idString(m.id))
      .filter((mentionId): mentionId is string => !!mentionId),
    hashtags: listOf(entities.hashtags)
      .map((h) => (typeof h.text === 'string' ? h.text.toLowerCase() : ''))
      .filter((tag) => tag !== ''),
    isRetweet: isRecord(tweet.retweeted_status),
    ...(media.length ? { media } : {}),
  };
}

function mapDirectMessage(event: Record<string, unknown>, users: Record<string, unknown>): IncomingXMessage | undefined {
  const id = idString(event.id);
  const create = isRecord(event.message_create) ? event.message_create : undefined;
  const senderId = idString(create?.sender_id);
  const recipientId = isRecord(create?.target) ? idString(create.target.recipient_id) : undefined;
  if (!id || !create || !senderId || !recipientId) return undefined;
  const data = isRecord(create.message_data) ? create.message_data : {};
  const text = typeof data.text === 'string' ? data.text : '';
  const senderRecord = users[senderId];
  const sender = (isRecord(senderRecord) && userOf(senderRecord)) || { id: senderId, handle: '', name: '' };
  const { media, links } = mediaFromAaaDm(data);
  return { kind: 'dm', id, text: withoutMediaLinks(expandUrls(text, isRecord(data.entities) ? data.entities : {}), links), sender, recipientId, ...(media.length ? { media } : {}) };
}

function userOf(user: Record<string, unknown>): IncomingXUser | undefined {
  const id = idString(user.id_str) ?? idString(user.id);
  if (!id) return undefined;
  return { id, handle: typeof user.screen_name === 'string' ? user.screen_name : '', name: typeof user.name === 'string' ? user.name : '' };
}

/** t.co links become the address the customer actually wrote. */
function expandUrls(text: string, entities: Record<string, unknown>): string {
  let result = text;
  for (const url of listOf(entities.urls)) {
    if (typeof url.url === 'string' && typeof url.expanded_url === 'string') result = result.split(url.url).join(url.expanded_url);
  }
  return result;
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
