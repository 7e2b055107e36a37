import type { FakeXMedia, FakeXMediaInput, FakeXMediaStore } from './media';

/**
 * What happened on the fake X: the people it knows, every tweet (the public timeline that search
 * and mentions read) and every DM. Webhook envelopes and v2 answers are both rendered from here,
 * so a message looks the same whichever way the app receives it.
 */

export interface FakeXPerson {
  /** Digits; real ids are > 2^53. */
  id: string;
  username: string;
  name: string;
}

export interface FakeXTweetInput {
  author: FakeXPerson;
  text: string;
  inReplyToTweetId?: string;
  /** Defaults to the author of inReplyToTweetId when the fake knows that tweet. */
  inReplyToUserId?: string;
  /** Defaults to the known people @-named in the text; the replied-to user is always added, as X does. */
  mentions?: FakeXPerson[];
  /** Without '#'; defaults to the #hashtags in the text. */
  hashtags?: string[];
  /** Makes this a retweet of that tweet (`retweeted_status`, v2 referenced_tweets 'retweeted'). */
  retweetOf?: string;
  /** Digits; by default the next id of the fake. */
  id?: string;
  /** Photos, GIFs or videos attached. */
  media?: FakeXMediaInput[];
}

export interface FakeXTweet {
  id: string;
  text: string;
  author: FakeXPerson;
  createdAtMs: number;
  inReplyToTweetId?: string;
  inReplyToUserId?: string;
  mentions: FakeXPerson[];
  hashtags: string[];
  retweetOf?: string;
  media?: FakeXMedia[];
}

export interface FakeXDirectMessageInput {
  from: FakeXPerson;
  toUserId: string;
  text: string;
  /** Digits; by default the next id of the fake. */
  id?: string;
  /** A photo, GIF or video attached (X allows one per DM). */
  media?: FakeXMediaInput[];
}

export interface FakeXDirectMessage {
  id: string;
  text: string;
  sender: FakeXPerson;
  recipient: FakeXPerson;
  createdAtMs: number;
  /** The X app the message was sent with (the AAA `source_app_id`). */
  sourceAppId: string;
  media?: FakeXMedia[];
}

/** Ids grow with time, like X's snowflakes, so since_id cursors work. */
export class FakeXIds {
  private last: bigint;

  constructor(first: bigint) {
    this.last = first;
  }

  next(): string {
    this.last += 1n;
    return String(this.last);
  }

  /** Accepts a caller's id and keeps later ids above it. */
  claim(id: string): string {
    if (BigInt(digits(id)) > this.last) this.last = BigInt(id);
    return id;
  }
}

export class FakeXTimeline {
  private readonly people = new Map<string, FakeXPerson>();
  readonly tweets: FakeXTweet[] = [];
  readonly directMessages: FakeXDirectMessage[] = [];
  /** Where attached media are kept and served (set by startFakeXApi). */
  mediaStore?: FakeXMediaStore;

  constructor(
    private readonly ids: FakeXIds,
    private readonly now: () => number,
  ) {}

  rememberPerson(person: FakeXPerson): FakeXPerson {
    const copy = { id: digits(person.id), username: person.username, name: person.name };
    this.people.set(person.id, copy);
    return copy;
  }

  person(id: string): FakeXPerson | undefined {
    return this.people.get(id);
  }

  /** A known person, or a stand-in with a made-up handle for ids the fake has never seen. */
  personOrStandIn(id: string): FakeXPerson {
    return this.people.get(id) ?? { id, username: `user${id.slice(-6)}`, name: `User ${id.slice(-6)}` };
  }

  personByUsername(username: string): FakeXPerson | undefined {
    const wanted = username.toLowerCase();
    return [...this.people.values()].find((person) => person.username.toLowerCase() === wanted);
  }

  tweet(id: string): FakeXTweet | undefined {
    return this.tweets.find((tweet) => tweet.id === id);
  }

  addTweet(input: FakeXTweetInput): FakeXTweet {
    const author = this.rememberPerson(input.author);
    for (const person of input.mentions ?? []) this.rememberPerson(person);
    const id = this.newId(input.id, (candidate) => this.tweet(candidate) !== undefined);
    const parent = input.inReplyToTweetId ? this.tweet(input.inReplyToTweetId) : undefined;
    const inReplyToUserId = input.inReplyToUserId ?? parent?.author.id;
    const mentions = [...(input.mentions ?? this.mentionedIn(input.text))];
    const repliedTo = inReplyToUserId ? this.person(inReplyToUserId) : undefined;
    if (repliedTo && !mentions.some((person) => person.id === repliedTo.id)) mentions.unshift(repliedTo);
    const tweet: FakeXTweet = {
      id,
      text: input.text,
      author,
      createdAtMs: this.now(),
      ...(input.inReplyToTweetId ? { inReplyToTweetId: digits(input.inReplyToTweetId) } : {}),
      ...(inReplyToUserId ? { inReplyToUserId: digits(inReplyToUserId) } : {}),
      mentions: mentions.map((person) => ({ ...person })),
      hashtags: input.hashtags?.map((tag) => tag.replace(/^#/, '')) ?? hashtagsIn(input.text),
      ...(input.retweetOf ? { retweetOf: digits(input.retweetOf) } : {}),
      ...(input.media?.length ? { media: input.media.map((m) => this.mediaStore!.create(m)) } : {}),
    };
    this.tweets.push(tweet);
    return tweet;
  }

  addDirectMessage(input: FakeXDirectMessageInput, sourceAppId: string): FakeXDirectMessage {
    const sender = this.rememberPerson(input.from);
    const id = this.newId(input.id, (candidate) => this.directMessages.some((dm) => dm.id === candidate));
    const message: FakeXDirectMessage = {
      id,
      text: input.text,
      sender,
      recipient: this.personOrStandIn(input.toUserId),
      createdAtMs: this.now(),
      sourceAppId,
    };
    if (input.media?.length) message.media = input.media.map((m) => this.mediaStore!.create(m, [message.sender.id, message.recipient.id]));
    this.directMessages.push(message);
    return message;
  }

  /** Forgets tweets and DMs; people stay known. */
  clear(): void {
    this.tweets.length = 0;
    this.directMessages.length = 0;
  }

  private newId(requested: string | undefined, taken: (id: string) => boolean): string {
    if (requested === undefined) return this.ids.next();
    if (taken(requested)) throw new Error(`fake X: id ${requested} is already used; use redeliverLast() for a duplicate`);
    return this.ids.claim(requested);
  }

  private mentionedIn(text: string): FakeXPerson[] {
    const found: FakeXPerson[] = [];
    for (const [, handle] of text.matchAll(/@(\w{1,15})/g)) {
      const person = this.personByUsername(handle);
      if (person && !found.some((known) => known.id === person.id)) found.push({ ...person });
    }
    return found;
  }
}

function digits(id: string): string {
  if (!/^\d+$/.test(id)) throw new Error(`fake X: ids are digit strings, got ${JSON.stringify(id)}`);
  return id;
}

function hashtagsIn(text: string): string[] {
  return [...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map(([, tag]) => tag);
}

/**
 * Where each needle (`#tag`, `@handle`) stands in `text`, in code points as X counts entity
 * indices: case-insensitive, whole entities only, a repeated needle at its next occurrence;
 * undefined for a needle the text does not contain.
 */
export function entityRanges(text: string, needles: string[]): Array<[number, number] | undefined> {
  const lower = text.toLowerCase();
  const searchFrom = new Map<string, number>();
  return needles.map((needle) => {
    const wanted = needle.toLowerCase();
    let at = lower.indexOf(wanted, searchFrom.get(wanted) ?? 0);
    while (at >= 0 && /[\p{L}\p{N}_]/u.test(text.charAt(at + wanted.length))) at = lower.indexOf(wanted, at + 1);
    if (at < 0) return undefined;
    searchFrom.set(wanted, at + wanted.length);
    const start = [...text.slice(0, at)].length;
    return [start, start + [...needle].length];
  });
}
