import { bareNumber, stringifyWithBareNumbers, type BareNumber } from './bare-number-json';
import { v11Media, type FakeXMedia } from './media';
import { entityRanges, type FakeXDirectMessage, type FakeXPerson, type FakeXTimeline, type FakeXTweet } from './timeline';

/**
 * Account Activity API envelopes as X POSTs them (docs/X.md, "What a delivery looks like"): v1.1 tweet objects with
 * numeric ids written as bare JSON numbers next to their `*_str` twins, and DM events whose ids
 * are strings, with the `apps` and `users` maps keyed by id strings.
 */

export interface FakeXAppInfo {
  id: string;
  name: string;
  url: string;
}

const DEFAULT_AVATAR = 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';
const WEB_APP_SOURCE = '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>';

export function tweetCreateEventsBody(forUserId: string, tweet: FakeXTweet, timeline: FakeXTimeline): string {
  const mentionsTheAccount = tweet.mentions.some((person) => person.id === forUserId);
  return stringifyWithBareNumbers({
    for_user_id: forUserId,
    ...(mentionsTheAccount ? { user_has_blocked: false } : {}),
    tweet_create_events: [v11Tweet(tweet, timeline, true)],
  });
}

export function directMessageEventsBody(forUserId: string, dm: FakeXDirectMessage, app: FakeXAppInfo): string {
  return stringifyWithBareNumbers({
    for_user_id: forUserId,
    direct_message_events: [
      {
        type: 'message_create',
        id: dm.id,
        created_timestamp: String(dm.createdAtMs),
        message_create: {
          target: { recipient_id: dm.recipient.id },
          sender_id: dm.sender.id,
          source_app_id: app.id,
          message_data: {
            text: withMediaLink(dm.text, dm.media),
            entities: v11Entities(dm.text, [], mentionedBy(dm.text, [dm.sender, dm.recipient])),
            // X attaches one medium to a DM, served from ton.twitter.com to the two people only.
            ...(dm.media?.length ? { attachment: { type: 'media', media: v11Media(dm.media[0], [...dm.text].length + 1, `https://x.com/messages/media/${dm.id}`) } } : {}),
          },
        },
      },
    ],
    apps: { [app.id]: app },
    users: { [dm.sender.id]: dmUser(dm.sender, dm.createdAtMs), [dm.recipient.id]: dmUser(dm.recipient, dm.createdAtMs) },
  });
}

function v11Tweet(tweet: FakeXTweet, timeline: FakeXTimeline, withRetweeted: boolean): Record<string, unknown> {
  const repliedTo = tweet.inReplyToUserId ? timeline.person(tweet.inReplyToUserId) : undefined;
  const original = tweet.retweetOf ? timeline.tweet(tweet.retweetOf) : undefined;
  const retweetedStatus = tweet.retweetOf && withRetweeted ? (original ? v11Tweet(original, timeline, false) : { id: bareNumber(tweet.retweetOf), id_str: tweet.retweetOf }) : undefined;
  return {
    created_at: twitterDate(tweet.createdAtMs),
    id: bareNumber(tweet.id),
    id_str: tweet.id,
    text: withMediaLink(tweet.text, tweet.media),
    source: WEB_APP_SOURCE,
    truncated: false,
    in_reply_to_status_id: nullableNumber(tweet.inReplyToTweetId),
    in_reply_to_status_id_str: tweet.inReplyToTweetId ?? null,
    in_reply_to_user_id: nullableNumber(tweet.inReplyToUserId),
    in_reply_to_user_id_str: tweet.inReplyToUserId ?? null,
    in_reply_to_screen_name: repliedTo?.username ?? null,
    user: tweetUser(tweet.author),
    geo: null,
    coordinates: null,
    place: null,
    contributors: null,
    retweeted_status: retweetedStatus,
    is_quote_status: false,
    quote_count: 0,
    reply_count: 0,
    retweet_count: 0,
    favorite_count: 0,
    entities: v11Entities(tweet.text, tweet.hashtags, tweet.mentions),
    ...tweetMedia(tweet),
    favorited: false,
    retweeted: false,
    filter_level: 'low',
    lang: 'en',
    timestamp_ms: String(tweet.createdAtMs),
  };
}

/** X appends the media's t.co link to the text of a tweet or DM with media. */
function withMediaLink(text: string, media: FakeXMedia[] | undefined): string {
  return media?.length ? `${text} ${media[0].shortUrl}` : text;
}

/** `entities.media` (the first) and `extended_entities.media` (all, with video variants), as v1.1 carries them. */
function tweetMedia(tweet: FakeXTweet): Record<string, unknown> {
  if (!tweet.media?.length) return {};
  const start = [...tweet.text].length + 1;
  const all = tweet.media.map((m, i) => ({
    ...v11Media(m, start, `https://x.com/${tweet.author.username}/status/${tweet.id}/${m.type === 'photo' ? 'photo' : 'video'}/${i + 1}`),
    url: tweet.media![0].shortUrl,
  }));
  return { extended_entities: { media: all } };
}

function tweetUser(person: FakeXPerson): Record<string, unknown> {
  return {
    id: bareNumber(person.id),
    id_str: person.id,
    name: person.name,
    screen_name: person.username,
    location: null,
    url: null,
    description: null,
    protected: false,
    verified: false,
    followers_count: 0,
    friends_count: 0,
    statuses_count: 1,
    profile_image_url_https: DEFAULT_AVATAR,
  };
}

/** In a DM envelope's `users` map the ids are strings. */
function dmUser(person: FakeXPerson, createdAtMs: number): Record<string, unknown> {
  return {
    id: person.id,
    created_timestamp: String(createdAtMs),
    name: person.name,
    screen_name: person.username,
    protected: false,
    verified: false,
    followers_count: 0,
    friends_count: 0,
    statuses_count: 1,
    profile_image_url_https: DEFAULT_AVATAR,
  };
}

function v11Entities(text: string, hashtags: string[], mentions: FakeXPerson[]): Record<string, unknown> {
  const hashtagRanges = entityRanges(
    text,
    hashtags.map((tag) => `#${tag}`),
  );
  const mentionRanges = entityRanges(
    text,
    mentions.map((person) => `@${person.username}`),
  );
  return {
    hashtags: hashtags.map((tag, i) => withIndices({ text: tag }, hashtagRanges[i])),
    urls: [],
    user_mentions: mentions.map((person, i) => withIndices({ screen_name: person.username, name: person.name, id: bareNumber(person.id), id_str: person.id }, mentionRanges[i])),
    symbols: [],
  };
}

function mentionedBy(text: string, people: FakeXPerson[]): FakeXPerson[] {
  const ranges = entityRanges(
    text,
    people.map((person) => `@${person.username}`),
  );
  return people.filter((_, i) => ranges[i] !== undefined);
}

function withIndices<T extends object>(entity: T, range: [number, number] | undefined): T {
  return range ? { ...entity, indices: range } : entity;
}

function nullableNumber(id: string | undefined): BareNumber | null {
  return id ? bareNumber(id) : null;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** v1.1's `created_at`: "Thu Dec 19 11:27:49 +0000 2019". */
function twitterDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ` + `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}
