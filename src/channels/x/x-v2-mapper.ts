import { idString } from './exact-json';
import type { IncomingDirectMessage, IncomingTweet, IncomingXUser } from './incoming-x-message';
import { includedMedia, mediaFromV2, v2MediaLinks, withoutMediaLinks } from './x-media-mapper';

/**
 * One page of an X API v2 list answer (search/recent, users/:id/mentions, dm_events; body already
 * parsed with parseJsonExact) as neutral messages. Pure: no HTTP, no clock.
 */
export interface XV2Page<T> {
  /** Oldest first. */
  messages: T[];
  /** Every item id on the page, including items that are not messages, as X listed them. */
  ids: string[];
  /** The highest id on the page (meta.newest_id when X gives it). */
  newestId?: string;
  /** meta.next_token: more (older) items wait on the next page. */
  nextToken?: string;
}

type Json = Record<string, unknown>;

/** Tweets without an id or author_id are left out (the client always asks for author_id). */
export function tweetPageFromV2(body: unknown): XV2Page<IncomingTweet> {
  const { items, users, meta, media } = partsOf(body);
  const messages = items.map((tweet) => tweetFromV2(tweet, users, media)).filter((tweet): tweet is IncomingTweet => !!tweet);
  return pageOf(messages, items, meta);
}

/** Only MessageCreate events between two people; join/leave events and group conversations are left out. */
export function directMessagePageFromV2(body: unknown): XV2Page<IncomingDirectMessage> {
  const { items, users, meta, media } = partsOf(body);
  const messages = items.map((event) => directMessageFromV2(event, users, media)).filter((dm): dm is IncomingDirectMessage => !!dm);
  return pageOf(messages, items, meta);
}

export function tweetFromV2(tweet: Json, users: Map<string, IncomingXUser>, included: Map<string, Json> = new Map()): IncomingTweet | undefined {
  const id = idString(tweet.id);
  const authorId = idString(tweet.author_id);
  if (!id || !authorId) return undefined;
  const referenced = listOf(tweet.referenced_tweets);
  const repliedTo = referenced.find((ref) => ref.type === 'replied_to');
  const inReplyToTweetId = repliedTo && idString(repliedTo.id);
  const inReplyToUserId = idString(tweet.in_reply_to_user_id);
  // Asked for in tweet.fields; a tweet that replies to nothing starts its own conversation anyway.
  const conversationId = idString(tweet.conversation_id) ?? (inReplyToTweetId ? undefined : id);
  // Posts over 280 characters carry their whole text (and its entities) in note_tweet.
  const note = isRecord(tweet.note_tweet) ? tweet.note_tweet : undefined;
  const text = typeof note?.text === 'string' ? note.text : stringOr(tweet.text, '');
  const entities = isRecord(note?.entities) ? note.entities : isRecord(tweet.entities) ? tweet.entities : {};
  const media = mediaFromV2(tweet, included);
  return {
    kind: 'tweet',
    id,
    text: expandUrls(withoutMediaLinks(text, v2MediaLinks(entities)), entities),
    author: users.get(authorId) ?? { id: authorId, handle: '', name: '' },
    ...(inReplyToTweetId ? { inReplyToTweetId } : {}),
    ...(conversationId ? { conversationId } : {}),
    ...(inReplyToUserId ? { inReplyToUserId } : {}),
    mentionedUserIds: unique(listOf(entities.mentions).map((mention) => idString(mention.id))),
    hashtags: unique(listOf(entities.hashtags).map((hashtag) => (typeof hashtag.tag === 'string' ? hashtag.tag.replace(/^#/, '').toLowerCase() : undefined))),
    isRetweet: referenced.some((ref) => ref.type === 'retweeted'),
    ...(media.length ? { media } : {}),
  };
}

export function directMessageFromV2(event: Json, users: Map<string, IncomingXUser>, included: Map<string, Json> = new Map()): IncomingDirectMessage | undefined {
  if (event.event_type !== 'MessageCreate') return undefined;
  const id = idString(event.id);
  const senderId = idString(event.sender_id);
  if (!id || !senderId) return undefined;
  const recipientId = recipientOf(event, senderId);
  if (!recipientId) return undefined;
  const entities = isRecord(event.entities) ? event.entities : {};
  const media = mediaFromV2(event, included);
  // A DM event's text ends with its medium's t.co link, which v2 does not list among the URLs.
  const links = [...v2MediaLinks(entities), ...(media.length ? [lastTcoLink(stringOr(event.text, ''))] : [])];
  return {
    kind: 'dm',
    id,
    text: expandUrls(
      withoutMediaLinks(
        stringOr(event.text, ''),
        links.filter((l): l is string => !!l),
      ),
      entities,
    ),
    sender: users.get(senderId) ?? { id: senderId, handle: '', name: '' },
    recipientId,
    ...(media.length ? { media } : {}),
  };
}

/** Numeric order of X ids (snowflakes grow with time); strings of digits of any length. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The other participant: from participant_ids when X sends them, else from a one-to-one
 * conversation id, which is the two user ids joined by "-".
 */
function recipientOf(event: Json, senderId: string): string | undefined {
  const participants = Array.isArray(event.participant_ids) ? event.participant_ids.map(idString) : [];
  const fromParticipants = participants.find((id) => id !== undefined && id !== senderId);
  if (fromParticipants) return fromParticipants;
  const conversation = typeof event.dm_conversation_id === 'string' ? event.dm_conversation_id : '';
  const pair = /^(\d+)-(\d+)$/.exec(conversation);
  if (!pair) return undefined;
  return pair[1] === senderId ? pair[2] : pair[2] === senderId ? pair[1] : undefined;
}

/** The t.co link a text ends with, if any. */
function lastTcoLink(text: string): string | undefined {
  return /(https:\/\/t\.co\/\w+)\s*$/.exec(text)?.[1];
}

function partsOf(body: unknown): { items: Json[]; users: Map<string, IncomingXUser>; meta: Json; media: Map<string, Json> } {
  const root = isRecord(body) ? body : {};
  const includes = isRecord(root.includes) ? root.includes : {};
  const users = new Map<string, IncomingXUser>();
  for (const user of listOf(includes.users)) {
    const id = idString(user.id);
    if (!id) continue;
    const handle = stringOr(user.username, '');
    users.set(id, { id, handle, name: stringOr(user.name, handle) });
  }
  return { items: listOf(root.data), users, meta: isRecord(root.meta) ? root.meta : {}, media: includedMedia(includes) };
}

function pageOf<T extends { id: string }>(messages: T[], items: Json[], meta: Json): XV2Page<T> {
  const ids = items.map((item) => idString(item.id)).filter((id): id is string => !!id);
  const newestId = idString(meta.newest_id) ?? ids.reduce<string | undefined>((max, id) => (!max || compareIds(id, max) > 0 ? id : max), undefined);
  const nextToken = typeof meta.next_token === 'string' && meta.next_token ? meta.next_token : undefined;
  return {
    messages: [...messages].sort((a, b) => compareIds(a.id, b.id)),
    ids,
    ...(newestId ? { newestId } : {}),
    ...(nextToken ? { nextToken } : {}),
  };
}

/** t.co links become the address the author actually wrote. */
function expandUrls(text: string, entities: Json): string {
  let result = text;
  for (const url of listOf(entities.urls)) {
    if (typeof url.url === 'string' && url.url && typeof url.expanded_url === 'string') {
      result = result.split(url.url).join(url.expanded_url);
    }
  }
  return result;
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => !!value))];
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function listOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
