import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { IncomingTweet } from '../channels/x/incoming-x-message';
import { XApiClient, type XTweetLookup } from '../channels/x/x-api-client';
import { XApiError, XRateLimitedError, XUnreachableError } from '../channels/x/x-errors';
import { Clock } from '../common/clock';
import { storableText } from '../common/storable-text';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { InboxEvent } from './inbox-event.entity';
import { inboxMessage } from './inbox-message';
import { ProfileDirectory } from './profile-directory.service';
import { inboxNote } from './inbox-notes';

const BATCH_SIZE = 20;
/** Calls to X at once; each waits for the network, never for the database. */
const CONCURRENCY = 4;
/** While X cannot be reached, a reply's parent is asked for again this often (X's reset time after a 429). */
export const PARENT_RETRY_MS = 30_000;

/** One parent tweet to fetch, and the replies (inbox events) waiting for it. */
interface Wanted {
  profileId: number;
  parentId: string;
  replies: InboxEvent[];
}

type Lookup = XTweetLookup | { error: unknown };

/**
 * Fetches from X the parent tweets that replies in the inbox need to know their conversation
 * (docs/THREADING.md, "Tweets"). The worker's transaction never waits for the network: the
 * processor marks such a reply `wanted`, this service asks X between batches, stores a found parent
 * as an inbox event of its own (source `fetch`, processed before the reply, so that it joins the
 * ticket when it routes) and gives the reply its conversation. When X has no such tweet for us the
 * reply goes on without it; when X cannot be reached it is asked again until the reply's hold time
 * (REPLY_PARENT_WAIT_MS) is over, then the reply goes on without it as well: nothing waits forever.
 */
@Injectable()
export class TweetParents {
  private readonly logger = new Logger(TweetParents.name);
  /** Longer than any call to X can take: a lease only runs out when an instance died mid-call. */
  private readonly leaseMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly x: XApiClient,
    private readonly profiles: ProfileDirectory,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.leaseMs = config.xApiTimeoutMs * 2 + 1_000;
  }

  /** Replies that want their parent fetched by `until` (epoch ms). */
  dueBy(until: number): Promise<number> {
    return this.dataSource
      .getRepository(InboxEvent)
      .createQueryBuilder('e')
      .where('e.status = :status', { status: 'received' })
      .andWhere('e.parent_lookup = :wanted', { wanted: 'wanted' })
      .andWhere('e.next_attempt_at <= :until', { until })
      .getCount();
  }

  /** Asks X for the parents that due replies want; returns how many replies it dealt with. Call it outside any transaction. */
  async fetchDue(): Promise<number> {
    const claimed = await this.claim();
    if (claimed.length === 0) return 0;
    const wanted = groupByParent(claimed);
    const limitedUntil = new Map<number, number>();
    for (let i = 0; i < wanted.length; i += CONCURRENCY) {
      await Promise.all(wanted.slice(i, i + CONCURRENCY).map((w) => this.settle(w, limitedUntil)));
    }
    return claimed.length;
  }

  /** Due `wanted` replies, leased to this instance so that no other one asks X for the same parent meanwhile. */
  private claim(): Promise<InboxEvent[]> {
    return this.transactions.run(async (m) => {
      const now = this.clock.now();
      const query = m
        .createQueryBuilder(InboxEvent, 'e')
        .where('e.status = :status', { status: 'received' })
        .andWhere('e.parent_lookup = :wanted', { wanted: 'wanted' })
        .andWhere('e.next_attempt_at <= :now', { now })
        .orderBy('e.id', 'ASC')
        .limit(BATCH_SIZE);
      if (this.dataSource.options.type === 'postgres') query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const due = await query.getMany();
      if (due.length > 0) await m.update(InboxEvent, { id: In(due.map((e) => e.id)) }, { nextAttemptAt: now + this.leaseMs });
      return due;
    });
  }

  /** One parent: asked for and recorded; a failure to record is logged, and the lease brings it round again. */
  private async settle(wanted: Wanted, limitedUntil: Map<number, number>): Promise<void> {
    try {
      const lookup = await this.lookup(wanted, limitedUntil);
      const now = this.clock.now();
      await this.transactions.run((m) => this.record(m, wanted, lookup, now));
    } catch (error) {
      this.logger.error(`recording tweet ${wanted.parentId} for profile ${wanted.profileId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  private async lookup(wanted: Wanted, limitedUntil: Map<number, number>): Promise<Lookup> {
    // Replies whose hold time is over are not kept waiting for another call to X.
    if (wanted.replies.every((reply) => reply.holdUntil !== null && this.clock.now() >= reply.holdUntil)) return { error: new HoldTimeOver() };
    const until = limitedUntil.get(wanted.profileId);
    if (until !== undefined && until > this.clock.now()) return { error: new XRateLimitedError(new Date(until)) };
    const profile = await this.profiles.active(wanted.profileId);
    if (!profile) return { missing: 'the profile is not active' };
    try {
      return await this.x.getTweet(profile.credentials, wanted.parentId);
    } catch (error) {
      if (error instanceof XRateLimitedError) limitedUntil.set(wanted.profileId, error.resetAt.getTime());
      return { error };
    }
  }

  private async record(m: EntityManager, wanted: Wanted, lookup: Lookup, now: number): Promise<void> {
    const { parentId } = wanted;
    const replies = { id: In(wanted.replies.map((e) => e.id)), status: 'received' as const, parentLookup: 'wanted' as const };
    if ('tweet' in lookup) {
      await this.storeParent(m, wanted.profileId, lookup.tweet);
      await m.update(InboxEvent, replies, { parentLookup: 'fetched', conversationId: lookup.tweet.conversationId ?? null, nextAttemptAt: now, error: null });
      return;
    }
    if ('missing' in lookup) {
      await m.update(InboxEvent, replies, {
        parentLookup: 'missing',
        nextAttemptAt: now,
        error: storableText(`Tweet ${parentId}, which it answers, is not available on X (${lookup.missing}): placed without it.`),
      });
      return;
    }
    const { error } = lookup;
    const reason = error instanceof Error ? error.message : String(error);
    if (!(error instanceof XApiError) || !error.retryable) {
      this.logger.warn(`fetching tweet ${parentId} for profile ${wanted.profileId} failed: ${reason}`);
      await m.update(InboxEvent, replies, {
        parentLookup: 'missing',
        nextAttemptAt: now,
        error: storableText(`Tweet ${parentId}, which it answers, could not be fetched (${reason}): placed without it.`),
      });
      return;
    }
    // X could not be reached (or asks us to wait): try again, but never past each reply's hold time.
    const retryAt = error instanceof XRateLimitedError ? error.resetAt.getTime() : now + PARENT_RETRY_MS;
    for (const reply of wanted.replies) {
      const holdUntil = Number(reply.holdUntil ?? now);
      const overdue = now >= holdUntil;
      await m.update(
        InboxEvent,
        { id: reply.id, status: 'received', parentLookup: 'wanted' },
        overdue
          ? { parentLookup: 'gave-up', nextAttemptAt: now, error: storableText(inboxNote('parentUnreachable', { parent: parentId, reason })) }
          : {
              nextAttemptAt: Math.min(holdUntil, Math.max(retryAt, now + 1)),
              error: storableText(`Waiting to fetch tweet ${parentId}, which it answers: ${reason}. Held until ${new Date(holdUntil).toISOString()} at most.`),
            },
      );
    }
  }

  /**
   * The parent becomes an inbox event of its own, processed like any tweet: before the reply (the
   * worker works tweets oldest first), and into the conversation's ticket when it routes there.
   */
  private async storeParent(m: EntityManager, profileId: number, tweet: IncomingTweet): Promise<void> {
    await m
      .createQueryBuilder()
      .insert()
      .into(InboxEvent)
      .values({
        profileId,
        source: 'fetch',
        format: 'v2-tweet',
        dedupeKey: `tweet:${tweet.id}`,
        payload: JSON.stringify(tweet),
        status: 'received',
        nextAttemptAt: 0,
        conversationId: tweet.conversationId ?? null,
      })
      .orIgnore()
      .execute();
    // It may have arrived by webhook meanwhile, as a reply whose conversation was not known.
    if (tweet.conversationId) {
      await m
        .createQueryBuilder()
        .update(InboxEvent)
        .set({ conversationId: tweet.conversationId })
        .where('profile_id = :profileId AND dedupe_key = :key AND conversation_id IS NULL', { profileId, key: `tweet:${tweet.id}` })
        .execute();
    }
  }
}

/** Counts as X not being reachable in time: the replies go on without their parent. */
class HoldTimeOver extends XUnreachableError {
  constructor() {
    super('timeout', { detail: 'the hold time is over' });
  }
}

function groupByParent(events: InboxEvent[]): Wanted[] {
  const groups = new Map<string, Wanted>();
  for (const event of events) {
    const message = readable(event);
    // The processor only marks replies `wanted`; anything else simply goes back to it.
    const parentId = message?.kind === 'tweet' ? message.inReplyToTweetId : undefined;
    const key = `${event.profileId}:${parentId ?? `none-${event.id}`}`;
    const group = groups.get(key) ?? { profileId: event.profileId, parentId: parentId ?? '', replies: [] };
    group.replies.push(event);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function readable(event: InboxEvent) {
  try {
    return inboxMessage(event);
  } catch {
    return undefined;
  }
}
