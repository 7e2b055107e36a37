import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { MediaTooLargeError, XApiClient } from '../channels/x/x-api-client';
import { XApiError, XRateLimitedError, XServerError, XUnreachableError } from '../channels/x/x-errors';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { Scheduler } from '../scheduling/scheduler';
import { ProfileCredentialsService } from '../social-media-profiles/profile-credentials.service';
import { ProfilesService } from '../social-media-profiles/profiles.service';
import { TicketsService } from '../tickets/tickets.service';
import { AttachmentStore, reason, type AttachmentReason } from './attachment-store.service';
import { Attachment } from './attachment.entity';
import { ALL_TYPES, checkedMedia, isMediaHost, maxBytesFor, tooLarge } from './media-rules';

const BATCH_SIZE = 10;
const TICK_MS = 2_000;
/** Fetch tries against X's 5xx, 429 and network trouble before the attachment is failed. */
export const MAX_FETCH_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 10 * 60_000;

/**
 * Fetches the media of customers' articles from X (docs/SEARCH-AND-MEDIA.md): tweet photos from
 * X's public media hosts, DM media (ton.twitter.com) with the receiving profile's OAuth 1.0a
 * signature. Runs on its own timer, never inside the inbox worker's transaction: the inbox stores
 * `pending` rows with the article, this job claims them (`FOR UPDATE SKIP LOCKED` and a lease, so
 * several instances share the work), downloads with a size limit, checks the type against the
 * allow-list and the bytes' magic number, and stores the bytes or the reason it did not.
 */
@Injectable()
export class MediaFetcher implements OnModuleDestroy {
  private readonly logger = new Logger(MediaFetcher.name);
  private running?: Promise<number>;
  private stopped = false;
  private readonly leaseMs: number;

  constructor(
    @InjectRepository(Attachment) private readonly attachments: Repository<Attachment>,
    private readonly tickets: TicketsService,
    private readonly profiles: ProfilesService,
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly store: AttachmentStore,
    private readonly credentials: ProfileCredentialsService,
    private readonly x: XApiClient,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    scheduler: Scheduler,
  ) {
    this.leaseMs = Math.max(60_000, config.xApiTimeoutMs * 6);
    scheduler.every('media-fetcher', TICK_MS, () => this.runOnce());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** One batch; returns how many attachments it claimed. Never overlaps itself. */
  runOnce(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.running ??= this.batch().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Works until nothing is due (tests, benchmarks). */
  async drain(): Promise<void> {
    await this.running;
    while ((await this.runOnce()) > 0);
  }

  private async batch(): Promise<number> {
    const claimed = await this.claimDue();
    for (const { attachment, lease } of claimed) {
      try {
        await this.fetchOne(attachment, lease);
      } catch (error) {
        this.logger.error(`attachment ${attachment.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
    return claimed.length;
  }

  private claimDue(): Promise<{ attachment: Attachment; lease: number }[]> {
    return this.transactions.run(async (m) => {
      const now = this.clock.now();
      const query = m
        .createQueryBuilder(Attachment, 'a')
        .where("a.status = 'pending'")
        .andWhere('a.nextAttemptAt <= :now', { now })
        .orderBy('a.nextAttemptAt', 'ASC')
        .addOrderBy('a.id', 'ASC')
        .limit(BATCH_SIZE);
      if (this.dataSource.options.type === 'postgres') query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const due = await query.getMany();
      if (due.length === 0) return [];
      const lease = now + this.leaseMs;
      await m
        .createQueryBuilder()
        .update(Attachment)
        .set({ nextAttemptAt: lease })
        .where('id IN (:...ids)', { ids: due.map((a) => a.id) })
        .execute();
      return due.map((attachment) => ({ attachment, lease }));
    });
  }

  private async fetchOne(attachment: Attachment, lease: number): Promise<void> {
    const url = attachment.sourceUrl ?? '';
    if (!isMediaHost(url, this.config.xApiBaseUrl)) return this.fail(attachment, lease, { key: 'media.error.host' });
    let credentials;
    if (attachment.signedFetch) {
      const profileId = await this.tickets.profileIdOf(attachment.ticketId);
      const profile = profileId === undefined ? null : await this.profiles.stored(profileId);
      credentials = profile ? this.credentials.credentialsOf(profile) : undefined;
      if (!credentials) return this.fail(attachment, lease, { key: 'media.error.noCredentials' });
    }
    const maxBytes = maxBytesFor(attachment.mediaType);
    let file;
    try {
      file = await this.x.downloadMedia(url, { credentials, maxBytes });
    } catch (error) {
      if (error instanceof MediaTooLargeError) return this.fail(attachment, lease, tooLarge(maxBytes));
      if (!(error instanceof XApiError)) throw error;
      const retryable = error instanceof XServerError || error instanceof XUnreachableError || error instanceof XRateLimitedError;
      const attempts = attachment.attempts + 1;
      if (!retryable) return this.fail(attachment, lease, { key: 'media.error.http', params: { status: error.status ?? 0 } }, attempts);
      if (attempts >= MAX_FETCH_ATTEMPTS) return this.fail(attachment, lease, { key: 'media.error.gaveUp', params: { attempts } }, attempts);
      const wait = error instanceof XRateLimitedError ? Math.max(error.resetAt.getTime() - this.clock.now(), BACKOFF_BASE_MS) : Math.min(BACKOFF_BASE_MS * 2 ** attachment.attempts, BACKOFF_MAX_MS);
      return this.settle(attachment, lease, { attempts, nextAttemptAt: this.clock.now() + wait, error: reason({ key: 'media.error.retrying' }) });
    }
    const checked = checkedMedia(file.contentType, file.bytes, attachment.mediaType === 'photo' ? ALL_TYPES.filter((t) => t.startsWith('image/')) : ALL_TYPES, maxBytes);
    if ('problem' in checked) return this.fail(attachment, lease, checked.problem, attachment.attempts + 1);
    await this.transactions.run(async (m) => {
      if (await this.stillLeased(m, attachment, lease)) await this.store.writeFetched(m, attachment.id, checked.contentType, file.bytes);
    });
  }

  private fail(attachment: Attachment, lease: number, why: AttachmentReason, attempts = attachment.attempts): Promise<void> {
    this.logger.warn(`attachment ${attachment.id}: not stored (${why.key})`);
    return this.settle(attachment, lease, { status: 'failed', attempts, nextAttemptAt: null, error: reason(why) });
  }

  /** Writes the outcome only while our lease stands: an attachment claimed again after a crash is never overwritten. */
  private async settle(attachment: Attachment, lease: number, changes: Partial<Attachment>): Promise<void> {
    await this.attachments
      .createQueryBuilder()
      .update(Attachment)
      .set(changes)
      .where('id = :id', { id: attachment.id })
      .andWhere("status = 'pending'")
      .andWhere('next_attempt_at = :lease', { lease })
      .execute();
  }

  private stillLeased(m: import('typeorm').EntityManager, attachment: Attachment, lease: number): Promise<boolean> {
    return m.exists(Attachment, { where: { id: attachment.id, status: 'pending', nextAttemptAt: lease } });
  }
}
