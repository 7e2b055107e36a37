import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { IncomingXMessage } from '../channels/x/incoming-x-message';
import { XApiClient, type XPollResult } from '../channels/x/x-api-client';
import { XInvalidCredentialsError, XRateLimitedError } from '../channels/x/x-errors';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Scheduler } from '../scheduling/scheduler';
import { InboxStore } from './inbox-store.service';
import { InboxWorker } from './inbox-worker.service';
import { PollCursor, type PollOutcome } from './poll-cursor.entity';
import { pollStreams } from './poll-streams';
import { ProfileDirectory, type ActiveProfile } from './profile-directory.service';

const TICK_MS = 5_000;
/** While one instance polls a stream, the others leave it alone for this long. */
const LEASE_MS = 60_000;
/** Failing polls back off (interval × 2^(failures − 1)), but never wait longer than this. */
const MAX_BACKOFF_MS = 30 * 60_000;
const MAX_ERROR_LENGTH = 500;
/** What the channel health screens read about the last poll of a stream. */
function outcome(lastOutcome: PollOutcome, now: number, extra: Partial<PollCursor> = {}): Partial<PollCursor> {
  return { lastOutcome, lastPolledAt: now, lastError: null, ...extra };
}

/** The cursor of a stream whose first poll found nothing: polled from now on, without since_id. */
const STARTED_EMPTY = '';

/**
 * Asks X for what no webhook brings: tracked #hashtags (recent search), and mentions and DMs of
 * profiles that receive by polling (or both). Each poll's outcome is kept on its cursor for the
 * channel health screens; failing streams back off. Results go into the same inbox as webhook events;
 * a stream's cursor (`since_id`) moves only after its messages are stored, so nothing is skipped.
 * The first poll of a stream only sets the cursor: it starts from now instead of importing the past
 * (a busy #hashtag would otherwise open a hundred tickets at once).
 */
@Injectable()
export class Poller {
  private readonly logger = new Logger(Poller.name);

  constructor(
    @InjectRepository(PollCursor) private readonly cursors: Repository<PollCursor>,
    private readonly profiles: ProfileDirectory,
    private readonly x: XApiClient,
    private readonly store: InboxStore,
    private readonly worker: InboxWorker,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    scheduler: Scheduler,
  ) {
    scheduler.every('poller', TICK_MS, () => this.pollDue());
  }

  /** Polls every stream whose time has come; returns how many messages were stored. */
  async pollDue(): Promise<number> {
    let stored = 0;
    for (const profile of await this.profiles.allActive()) {
      for (const stream of pollStreams({ receivingMode: profile.receivingMode, hashtags: profile.hashtagQueues.map((h) => h.hashtag) })) {
        stored += await this.pollStream(profile, stream);
      }
    }
    if (stored > 0) this.worker.kick();
    return stored;
  }

  private async pollStream(profile: ActiveProfile, stream: string): Promise<number> {
    const cursor = await this.leaseIfDue(profile.id, stream);
    if (!cursor) return 0;
    const now = this.clock.now();
    try {
      const result = await this.fetch(profile, stream, cursor.sinceId || undefined);
      const firstPoll = cursor.sinceId === null;
      if (!firstPoll) {
        await this.store.store(
          profile.id,
          'poll',
          result.messages.map((message) => ({ format: message.kind === 'dm' ? 'v2-dm' : 'v2-tweet', dedupeKey: `${message.kind}:${message.id}`, payload: message })),
        );
      }
      const exhausted = result.rateLimit && result.rateLimit.remaining === 0;
      await this.cursors.update(
        { id: cursor.id },
        {
          sinceId: result.newestId ?? cursor.sinceId ?? STARTED_EMPTY,
          nextPollAt: exhausted ? Math.max(result.rateLimit!.resetAt.getTime(), now + this.config.pollIntervalMs) : now + this.config.pollIntervalMs,
          ...outcome('ok', now, { failures: 0, rateLimitedUntil: exhausted ? result.rateLimit!.resetAt.getTime() : null }),
        },
      );
      return firstPoll ? 0 : result.messages.length;
    } catch (err) {
      await this.cursors.update({ id: cursor.id }, this.afterFailure(err, cursor, profile, stream, now));
      return 0;
    }
  }

  /** X says when to come back after a 429; anything else backs off further with each failure in a row. */
  private afterFailure(err: unknown, cursor: PollCursor, profile: ActiveProfile, stream: string, now: number): Partial<PollCursor> {
    if (err instanceof XRateLimitedError) {
      const resetAt = err.resetAt.getTime();
      return { nextPollAt: resetAt, ...outcome('rate-limited', now, { rateLimitedUntil: resetAt }) };
    }
    const failures = cursor.failures + 1;
    const wait = Math.min(this.config.pollIntervalMs * 2 ** (failures - 1), Math.max(MAX_BACKOFF_MS, this.config.pollIntervalMs));
    const message = (err as Error).message;
    this.logger.warn(`polling ${stream} of profile ${profile.id} failed (${failures} in a row, next try in ${Math.round(wait / 1000)} s): ${message}`);
    return {
      nextPollAt: now + wait,
      ...outcome(err instanceof XInvalidCredentialsError ? 'unauthorized' : 'failed', now, { failures, rateLimitedUntil: null, lastError: message.slice(0, MAX_ERROR_LENGTH) }),
    };
  }

  private fetch(profile: ActiveProfile, stream: string, sinceId: string | undefined): Promise<XPollResult<IncomingXMessage>> {
    if (stream === 'mentions') return this.x.getMentions(profile.credentials, profile.accountId, { sinceId });
    if (stream === 'dms') return this.x.getDirectMessageEvents(profile.credentials, { sinceId });
    return this.x.searchRecent(profile.credentials, { query: `#${stream.slice('hashtag:'.length)} -is:retweet`, sinceId });
  }

  /** The stream's cursor when it is due and this instance got it (an atomic compare-and-set). */
  private async leaseIfDue(profileId: number, stream: string): Promise<PollCursor | undefined> {
    await this.cursors.createQueryBuilder().insert().into(PollCursor).values({ profileId, stream, sinceId: null, nextPollAt: 0 }).orIgnore().execute();
    const cursor = await this.cursors.findOneByOrFail({ profileId, stream });
    const now = this.clock.now();
    if (cursor.nextPollAt > now) return undefined;
    const leased = await this.cursors.update({ id: cursor.id, nextPollAt: cursor.nextPollAt }, { nextPollAt: now + LEASE_MS });
    return leased.affected ? cursor : undefined;
  }
}
