import { invalidRequest, json, type Answer } from './answers';
import type { FakeXTimeline } from './timeline';
import { includedMedia, v2Tweet, v2User } from './v2-timelines';

/**
 * GET /2/tweets/:id over the fake's timeline, as X answers it: the tweet with only the fields asked
 * for (its author and media under `includes` with expansions=author_id,attachments.media_keys),
 * and for a tweet it cannot show a 200 whose body holds only `errors` — "Not Found Error" for an
 * unknown or deleted tweet, "Authorization Error" for a protected one. A malformed id or an unknown parameter is X's 400.
 */

const PARAMS = ['expansions', 'tweet.fields', 'user.fields', 'media.fields', 'place.fields', 'poll.fields'];
const DEFAULT_FIELDS = ['id', 'text', 'edit_history_tweet_ids'];

export type FakeXTweetVisibility = 'visible' | 'deleted' | 'protected';

export class FakeXTweetLookup {
  private readonly hidden = new Map<string, Exclude<FakeXTweetVisibility, 'visible'>>();

  constructor(private readonly timeline: FakeXTimeline) {}

  /** A deleted tweet is gone for everybody; a protected one only for who does not follow its author. */
  setVisibility(tweetId: string, visibility: FakeXTweetVisibility): void {
    if (visibility === 'visible') this.hidden.delete(tweetId);
    else this.hidden.set(tweetId, visibility);
  }

  clear(): void {
    this.hidden.clear();
  }

  answer(id: string, query: URLSearchParams): Answer {
    if (!/^\d{1,19}$/.test(id)) return invalidRequest(`The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`, { id: [id] });
    for (const name of query.keys()) {
      if (!PARAMS.includes(name)) return invalidRequest(`The query parameter [${name}] is not one of [id,${PARAMS.join(',')}]`, { [name]: [query.get(name) ?? ''] });
    }
    const tweet = this.timeline.tweet(id);
    const hidden = this.hidden.get(id);
    if (!tweet || hidden === 'deleted') return problem(id, 'Not Found Error', `Could not find tweet with id: [${id}].`, 'resource-not-found');
    if (hidden === 'protected') return problem(id, 'Authorization Error', `Sorry, you are not authorized to see the Tweet with id: [${id}].`, 'not-authorized-for-resource');

    const fields = new Set([...DEFAULT_FIELDS, ...listParam(query, 'tweet.fields')]);
    const full = v2Tweet(tweet, this.timeline);
    const data = Object.fromEntries(Object.entries(full).filter(([key]) => fields.has(key)));
    const users = listParam(query, 'expansions').includes('author_id') ? [v2User(tweet.author)] : [];
    const media = includedMedia(query, [tweet]);
    return json(200, { data, ...(users.length || media.length ? { includes: { ...(users.length ? { users } : {}), ...(media.length ? { media } : {}) } } : {}) });
  }
}

function problem(id: string, title: string, detail: string, type: string): Answer {
  return json(200, {
    errors: [{ value: id, detail, title, resource_type: 'tweet', parameter: 'id', resource_id: id, type: `https://api.x.com/2/problems/${type}` }],
  });
}

function listParam(query: URLSearchParams, name: string): string[] {
  return (query.get(name) ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
}
