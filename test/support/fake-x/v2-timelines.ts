import { invalidRequest, json, type Answer } from './answers';
import { v2Media, type FakeXMedia } from './media';
import { entityRanges, type FakeXDirectMessage, type FakeXPerson, type FakeXTimeline, type FakeXTweet } from './timeline';

/**
 * The v2 read endpoints a poller uses — GET /2/tweets/search/recent, /2/users/:id/mentions,
 * /2/dm_events — over the fake's timeline: newest first, since_id/until_id, max_results ranges,
 * pagination tokens, only the fields asked for, `data` left out when empty, and X's 400 for
 * query parameters an endpoint does not know (notably since_id on /2/dm_events).
 */

const EXPANSION_AND_FIELD_PARAMS = ['expansions', 'tweet.fields', 'user.fields', 'media.fields', 'place.fields', 'poll.fields'];
const SEARCH_PARAMS = ['query', 'start_time', 'end_time', 'since_id', 'until_id', 'max_results', 'next_token', 'pagination_token', 'sort_order', ...EXPANSION_AND_FIELD_PARAMS];
const MENTIONS_PARAMS = ['since_id', 'until_id', 'max_results', 'pagination_token', 'start_time', 'end_time', ...EXPANSION_AND_FIELD_PARAMS];
const DM_EVENTS_PARAMS = ['dm_event.fields', 'event_types', 'expansions', 'max_results', 'pagination_token', 'media.fields', 'user.fields', 'tweet.fields'];

const DEFAULT_TWEET_FIELDS = ['id', 'text', 'edit_history_tweet_ids'];
const DEFAULT_DM_EVENT_FIELDS = ['id', 'event_type', 'text'];

interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function searchRecentAnswer(query: URLSearchParams, timeline: FakeXTimeline): Answer {
  const problem = unknownParameter(query, SEARCH_PARAMS) ?? idParameterProblem(query, ['since_id', 'until_id']);
  if (problem) return problem;
  const rawQuery = query.get('query')?.trim();
  if (!rawQuery) return invalidRequest('The `query` query parameter can not be empty', { query: [''] });
  const matcher = searchMatcher(rawQuery);
  if (typeof matcher === 'string') return invalidRequest(matcher, { query: [rawQuery] });
  const max = maxResults(query, 10, 100, 10);
  if (typeof max !== 'number') return max;
  const token = query.get('next_token') ?? query.get('pagination_token') ?? undefined;
  return tweetListAnswer(paginate(newestFirst(timeline.tweets.filter(matcher), query), max, token), query, timeline);
}

export function mentionsAnswer(userId: string, query: URLSearchParams, timeline: FakeXTimeline): Answer {
  const problem = unknownParameter(query, MENTIONS_PARAMS) ?? idParameterProblem(query, ['since_id', 'until_id']);
  if (problem) return problem;
  const max = maxResults(query, 5, 100, 10);
  if (typeof max !== 'number') return max;
  const mentioning = timeline.tweets.filter((tweet) => tweet.mentions.some((person) => person.id === userId));
  return tweetListAnswer(paginate(newestFirst(mentioning, query), max, query.get('pagination_token') ?? undefined), query, timeline);
}

/** The DM events of the authenticated user's one-to-one conversations, sent and received. */
export function dmEventsAnswer(userId: string, query: URLSearchParams, timeline: FakeXTimeline): Answer {
  const problem = unknownParameter(query, DM_EVENTS_PARAMS);
  if (problem) return problem;
  const max = maxResults(query, 1, 100, 100);
  if (typeof max !== 'number') return max;
  const eventTypes = listParam(query, 'event_types');
  const wantsMessages = eventTypes.length === 0 || eventTypes.includes('MessageCreate');
  const mine = timeline.directMessages.filter((dm) => wantsMessages && (dm.sender.id === userId || dm.recipient.id === userId));
  const page = paginate(newestFirst(mine, query), max, query.get('pagination_token') ?? undefined);
  const fields = new Set([...DEFAULT_DM_EVENT_FIELDS, ...listParam(query, 'dm_event.fields')]);
  const data = page.items.map((dm) => pick(v2DmEvent(dm), fields));
  const users = listParam(query, 'expansions').includes('sender_id') ? uniquePeople(page.items.map((dm) => dm.sender)) : [];
  const media = includedMedia(query, page.items);
  return json(200, {
    ...(data.length ? { data } : {}),
    ...(users.length || media.length ? { includes: { ...(users.length ? { users: users.map(v2User) } : {}), ...(media.length ? { media } : {}) } } : {}),
    meta: { result_count: data.length, ...(page.nextToken ? { next_token: page.nextToken } : {}) },
  });
}

function tweetListAnswer(page: Page<FakeXTweet>, query: URLSearchParams, timeline: FakeXTimeline): Answer {
  const fields = new Set([...DEFAULT_TWEET_FIELDS, ...listParam(query, 'tweet.fields')]);
  const data = page.items.map((tweet) => pick(v2Tweet(tweet, timeline), fields));
  const users = listParam(query, 'expansions').includes('author_id') ? uniquePeople(page.items.map((tweet) => tweet.author)) : [];
  const media = includedMedia(query, page.items);
  const meta =
    page.items.length === 0
      ? { result_count: 0 }
      : {
          newest_id: page.items[0].id,
          oldest_id: page.items[page.items.length - 1].id,
          result_count: page.items.length,
          ...(page.nextToken ? { next_token: page.nextToken } : {}),
        };
  return json(200, {
    ...(data.length ? { data } : {}),
    ...(users.length || media.length ? { includes: { ...(users.length ? { users: users.map(v2User) } : {}), ...(media.length ? { media } : {}) } } : {}),
    meta,
  });
}

export function v2Tweet(tweet: FakeXTweet, timeline: FakeXTimeline): Record<string, unknown> {
  const referenced = [...(tweet.inReplyToTweetId ? [{ type: 'replied_to', id: tweet.inReplyToTweetId }] : []), ...(tweet.retweetOf ? [{ type: 'retweeted', id: tweet.retweetOf }] : [])];
  const hashtagRanges = entityRanges(
    tweet.text,
    tweet.hashtags.map((tag) => `#${tag}`),
  );
  const mentionRanges = entityRanges(
    tweet.text,
    tweet.mentions.map((person) => `@${person.username}`),
  );
  const hashtags = tweet.hashtags.map((tag, i) => withRange({ tag }, hashtagRanges[i]));
  const mentions = tweet.mentions.map((person, i) => withRange({ username: person.username, id: person.id }, mentionRanges[i]));
  const mediaLink = mediaUrlEntity(tweet.text, tweet.media, `https://x.com/${tweet.author.username}/status/${tweet.id}/photo/1`);
  const entities = {
    ...(hashtags.length ? { hashtags } : {}),
    ...(mentions.length ? { mentions } : {}),
    ...(mediaLink ? { urls: [mediaLink] } : {}),
  };
  return {
    id: tweet.id,
    text: mediaLink ? `${tweet.text} ${mediaLink.url}` : tweet.text,
    ...(tweet.media?.length ? { attachments: { media_keys: tweet.media.map((m) => m.key) } } : {}),
    edit_history_tweet_ids: [tweet.id],
    author_id: tweet.author.id,
    created_at: new Date(tweet.createdAtMs).toISOString(),
    conversation_id: conversationRoot(tweet, timeline),
    ...(tweet.inReplyToUserId ? { in_reply_to_user_id: tweet.inReplyToUserId } : {}),
    ...(referenced.length ? { referenced_tweets: referenced } : {}),
    ...(Object.keys(entities).length ? { entities } : {}),
    lang: 'en',
  };
}

function v2DmEvent(dm: FakeXDirectMessage): Record<string, unknown> {
  const participants = [dm.sender.id, dm.recipient.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return {
    id: dm.id,
    event_type: 'MessageCreate',
    text: dm.media?.length ? `${dm.text} ${dm.media[0].shortUrl}` : dm.text,
    ...(dm.media?.length ? { attachments: { media_keys: dm.media.map((m) => m.key) } } : {}),
    sender_id: dm.sender.id,
    dm_conversation_id: participants.join('-'),
    created_at: new Date(dm.createdAtMs).toISOString(),
  };
}

/** `includes.media` when `expansions` names attachments.media_keys: media_key and type, plus the `media.fields` asked for. */
export function includedMedia(query: URLSearchParams, items: { media?: FakeXMedia[] }[]): Record<string, unknown>[] {
  if (!listParam(query, 'expansions').includes('attachments.media_keys')) return [];
  const fields = new Set(['media_key', 'type', ...listParam(query, 'media.fields')]);
  return items.flatMap((item) => item.media ?? []).map((m) => pick(v2Media(m), fields));
}

/** X lists a tweet's media link (the t.co at the end of its text) among its URLs, with the media key. */
function mediaUrlEntity(text: string, media: FakeXMedia[] | undefined, expandedUrl: string): { url: string; [field: string]: unknown } | undefined {
  if (!media?.length) return undefined;
  const start = [...text].length + 1;
  return { start, end: start + media[0].shortUrl.length, url: media[0].shortUrl, expanded_url: expandedUrl, display_url: `pic.x.com/${media[0].shortUrl.slice(-10)}`, media_key: media[0].key };
}

export function v2User(person: FakeXPerson): Record<string, unknown> {
  return { id: person.id, name: person.name, username: person.username };
}

/** X always gives an entity's position; the fake knows it only when the text contains it. */
function withRange<T extends object>(entity: T, range: [number, number] | undefined): T | (T & { start: number; end: number }) {
  return range ? { start: range[0], end: range[1], ...entity } : entity;
}

function conversationRoot(tweet: FakeXTweet, timeline: FakeXTimeline): string {
  let current = tweet;
  for (let hops = 0; current.inReplyToTweetId && hops < 50; hops++) {
    const parent = timeline.tweet(current.inReplyToTweetId);
    if (!parent) return current.inReplyToTweetId;
    current = parent;
  }
  return current.id;
}

// ---- the query language, the subset a help desk needs -------------------------------------------

type Matcher = (tweet: FakeXTweet) => boolean;

/**
 * Terms are ANDed: `#tag`, `@handle`, `from:handle`, `is:retweet`, `is:reply`, plain words, each
 * optionally negated with `-`. Anything else (OR, parentheses, quotes, other operators) is
 * refused with a 400, so a query the fake cannot evaluate never silently matches nothing.
 */
function searchMatcher(query: string): Matcher | string {
  const matchers: Matcher[] = [];
  for (const rawTerm of query.split(/\s+/).filter(Boolean)) {
    const negated = rawTerm.startsWith('-');
    const term = negated ? rawTerm.slice(1) : rawTerm;
    const matcher = termMatcher(term);
    if (!matcher) return `The fake X API does not understand the query term ${JSON.stringify(rawTerm)}`;
    matchers.push(negated ? (tweet) => !matcher(tweet) : matcher);
  }
  return (tweet) => matchers.every((matcher) => matcher(tweet));
}

function termMatcher(term: string): Matcher | undefined {
  const lower = term.toLowerCase();
  if (/^#[\p{L}\p{N}_]+$/u.test(term)) return (tweet) => tweet.hashtags.some((tag) => `#${tag.toLowerCase()}` === lower);
  if (/^@\w{1,15}$/.test(term)) return (tweet) => tweet.mentions.some((person) => `@${person.username.toLowerCase()}` === lower);
  if (/^from:\w{1,15}$/i.test(term)) return (tweet) => `from:${tweet.author.username.toLowerCase()}` === lower;
  if (lower === 'is:retweet') return (tweet) => tweet.retweetOf !== undefined;
  if (lower === 'is:reply') return (tweet) => tweet.inReplyToTweetId !== undefined;
  if (lower === 'or' || /^[\p{L}\p{N}_]+:/u.test(term) || /["()]/.test(term)) return undefined;
  if (/^[\p{L}\p{N}_'.!?-]+$/u.test(term)) return (tweet) => tweet.text.toLowerCase().includes(lower);
  return undefined;
}

// ---- paging and parameters ------------------------------------------------------------------

function newestFirst<T extends { id: string }>(items: T[], query: URLSearchParams): T[] {
  const sinceId = query.get('since_id');
  const untilId = query.get('until_id');
  return items
    .filter((item) => (sinceId === null || BigInt(item.id) > BigInt(sinceId)) && (untilId === null || BigInt(item.id) < BigInt(untilId)))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0));
}

/** Tokens are opaque to clients; here one names the last id of the previous page. */
function paginate<T extends { id: string }>(items: T[], max: number, token: string | undefined): Page<T> {
  const after = token
    ? Buffer.from(token, 'base64url')
        .toString('utf8')
        .replace(/^fake-x:/, '')
    : undefined;
  const rest = after && /^\d+$/.test(after) ? items.filter((item) => BigInt(item.id) < BigInt(after)) : items;
  const pageItems = rest.slice(0, max);
  const more = rest.length > max;
  return {
    items: pageItems,
    ...(more ? { nextToken: Buffer.from(`fake-x:${pageItems[pageItems.length - 1].id}`).toString('base64url') } : {}),
  };
}

function maxResults(query: URLSearchParams, min: number, max: number, fallback: number): number | Answer {
  const raw = query.get('max_results');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    return invalidRequest(`The \`max_results\` query parameter value [${raw}] is not between ${min} and ${max}`, {
      max_results: [raw],
    });
  }
  return value;
}

function unknownParameter(query: URLSearchParams, allowed: string[]): Answer | undefined {
  for (const name of query.keys()) {
    if (!allowed.includes(name)) {
      return invalidRequest(`The query parameter [${name}] is not one of [${allowed.join(',')}]`, {
        [name]: [query.get(name) ?? ''],
      });
    }
  }
  return undefined;
}

function idParameterProblem(query: URLSearchParams, names: string[]): Answer | undefined {
  for (const name of names) {
    const value = query.get(name);
    if (value !== null && !/^\d{1,19}$/.test(value)) {
      return invalidRequest(`The \`${name}\` query parameter value [${value}] does not match ^[0-9]{1,19}$`, { [name]: [value] });
    }
  }
  return undefined;
}

function listParam(query: URLSearchParams, name: string): string[] {
  return (query.get(name) ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
}

function pick(object: Record<string, unknown>, fields: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => fields.has(key)));
}

function uniquePeople(people: FakeXPerson[]): FakeXPerson[] {
  return [...new Map(people.map((person) => [person.id, person])).values()];
}
