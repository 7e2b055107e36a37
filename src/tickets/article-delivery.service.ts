import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import { OutgoingMedia } from '../attachments/outgoing-media.service';
import { Transactions } from '../database/transactions';
import { XApiClient } from '../channels/x/x-api-client';
import { XRateLimitedError } from '../channels/x/x-errors';
import { Clock } from '../common/clock';
import { OutgoingWorkSignal } from '../common/work-signal';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Scheduler } from '../scheduling/scheduler';
import { ProfilesService } from '../social-media-profiles/profiles.service';
import { Article } from './article.entity';
import { tweetConversation } from './conversation-key';
import { ConversationTickets } from './conversation-tickets.service';
import { DELIVERY_POLICY, deliveryOutcome, encodeReason, type DeliveryPolicy, type DeliveryReason } from './delivery-outcome';
import { SendingProfiles } from './sending-profiles';
import { SYSTEM_ACTOR, TicketHistory, type HistoryDraft } from './ticket-history.service';
import { Ticket } from './ticket.entity';
import { isUniqueViolation } from '../database/unique-violation';

/** A `sending` article this instance has claimed: `lease` is the next_attempt_at it wrote, proving the claim. */
interface ClaimedArticle {
  article: Article;
  lease: number;
}

const BATCH_SIZE = 20;
/** A pass stops after this many batches, so a flood cannot keep one pass running forever. */
const MAX_BATCHES_PER_PASS = 10;

/**
 * Sends outgoing articles (agent replies, auto-replies, new tickets) through their ticket's profile.
 * Articles are stored as `sending` first; a pass claims the due ones, calls X, and records in one
 * UPDATE either the returned id with `sent`, a retry time, or `failed` with the reason
 * (docs/ARCHITECTURE.md, "The path of an outgoing reply"). Claims are safe across instances: on PostgreSQL the due rows are picked with
 * `FOR UPDATE SKIP LOCKED` and leased by moving next_attempt_at ahead; the result is written only
 * while that lease still stands.
 */
@Injectable()
export class ArticleDeliveryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ArticleDeliveryService.name);
  private unsubscribe?: () => void;
  private running?: Promise<void>;
  private queued?: Promise<void>;
  private stopped: boolean;
  /** Longer than any call to X can take, so a lease only expires when an instance died mid-send. */
  private readonly leaseMs: number;

  constructor(
    @InjectRepository(Ticket) private readonly tickets: Repository<Ticket>,
    private readonly profiles: ProfilesService,
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly sending: SendingProfiles,
    private readonly x: XApiClient,
    private readonly clock: Clock,
    private readonly signal: OutgoingWorkSignal,
    private readonly conversations: ConversationTickets,
    private readonly outgoingMedia: OutgoingMedia,
    private readonly history: TicketHistory,
    @Inject(DELIVERY_POLICY) private readonly policy: DeliveryPolicy,
    @Inject(APP_CONFIG) config: AppConfig,
    scheduler: Scheduler,
  ) {
    // DELIVERY_WORKER=off: this instance sends nothing; another one does.
    this.stopped = !scheduler.isEnabled('delivery');
    this.leaseMs = Math.max(60_000, config.xApiTimeoutMs * 6);
    // Retries whose time has come are picked up by this tick; fresh articles are kicked at once.
    scheduler.every('delivery', config.delivery.intervalMs, () => this.kick());
  }

  onApplicationBootstrap(): void {
    // The inbox signals when it stored an auto-reply.
    this.unsubscribe = this.signal.subscribe(() => void this.kick());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await (this.queued ?? this.running);
  }

  /**
   * Runs a delivery pass now (after an agent's reply, after the inbox stored an auto-reply). If one
   * is running, one more follows it, so nothing stored before the call is missed. The promise
   * settles when that pass is over; it never rejects.
   */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.queued) return this.queued;
    if (!this.running) return this.startPass();
    this.queued = this.running.then(() => {
      this.queued = undefined;
      return this.startPass();
    });
    return this.queued;
  }

  private startPass(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const pass: Promise<void> = this.runPass()
      .catch((error: unknown) => this.logger.error(`delivery pass failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
      .finally(() => {
        if (this.running === pass) this.running = undefined;
      });
    this.running = pass;
    return pass;
  }

  private async runPass(): Promise<void> {
    // A 429 holds for the profile's endpoint: the rest of the pass waits too instead of asking again.
    const limited = new Map<string, { until: number; reason: DeliveryReason }>();
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS && !this.stopped; batch++) {
      const claimed = await this.claimDue(BATCH_SIZE);
      for (const item of claimed) {
        try {
          await this.deliver(item, limited);
        } catch (error) {
          // Not an answer from X (those are handled in deliver): unreadable secrets, a database hiccup.
          // The article fails visibly; if even that cannot be written, the lease runs out and it is tried again.
          const detail = error instanceof Error ? error.message : String(error);
          this.logger.error(`article ${item.article.id}: ${detail}`);
          await this.fail(item.article, item.lease, { key: 'tickets.delivery.error.internal', params: { detail } }, false).catch(() => undefined);
        }
      }
      if (claimed.length < BATCH_SIZE) return;
    }
  }

  /** Picks due `sending` articles and leases them to this instance, in one transaction. */
  private claimDue(limit: number): Promise<ClaimedArticle[]> {
    return this.transactions.run(async (manager) => {
      const now = this.clock.now();
      const query = manager
        .getRepository(Article)
        .createQueryBuilder('a')
        .where('a.deliveryStatus = :sending', { sending: 'sending' })
        .andWhere('(a.nextAttemptAt IS NULL OR a.nextAttemptAt <= :now)', { now })
        .orderBy('a.nextAttemptAt', 'ASC')
        .addOrderBy('a.id', 'ASC')
        .limit(limit);
      // SQLite has one writer and one app instance; PostgreSQL may have many instances.
      if (this.dataSource.options.type === 'postgres') query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const due = await query.getMany();
      if (due.length === 0) return [];
      const lease = now + this.leaseMs;
      await manager
        .createQueryBuilder()
        .update(Article)
        .set({ nextAttemptAt: lease })
        .where('id IN (:...ids)', { ids: due.map((a) => a.id) })
        .andWhere('delivery_status = :sending', { sending: 'sending' })
        .execute();
      return due.map((article) => ({ article, lease }));
    });
  }

  private async deliver({ article, lease }: ClaimedArticle, limited: Map<string, { until: number; reason: DeliveryReason }>): Promise<void> {
    const ticket = await this.tickets.findOneBy({ id: article.ticketId });
    const profile = ticket ? await this.profiles.stored(ticket.profileId) : null;
    if (!ticket || !profile) return this.fail(article, lease, { key: 'tickets.delivery.error.internal', params: { detail: 'ticket or profile missing' } }, false);
    const sending = this.sending.credentials(profile);
    if (sending.refusal) return this.fail(article, lease, sending.refusal, false);
    const { credentials } = sending;
    if (article.channel === 'note') return this.fail(article, lease, { key: 'tickets.delivery.error.note' }, false);
    if (article.channel === 'dm' && !/^\d+$/.test(ticket.customerXId)) return this.fail(article, lease, { key: 'tickets.delivery.error.noRecipient' }, false);

    const limitKey = `${profile.id}:${article.channel}`;
    const wait = limited.get(limitKey);
    if (wait && wait.until > this.clock.now()) return this.retryLater(article, lease, wait.until, wait.reason, false);

    let externalId: string;
    try {
      // An attached image is uploaded first (or its earlier upload reused); its failures retry like the send's.
      const mediaIds = await this.outgoingMedia.mediaIdsFor(article.id, article.channel, credentials);
      externalId =
        article.channel === 'tweet'
          ? (await this.x.createTweet(credentials, { text: article.body, inReplyToTweetId: article.inReplyToExternalId ?? undefined, mediaIds })).id
          : (await this.x.sendDirectMessage(credentials, ticket.customerXId, article.body, mediaIds[0])).dmEventId;
    } catch (error) {
      const outcome = deliveryOutcome(error, article.deliveryAttempts, this.clock.now(), this.policy);
      this.logger.warn(`article ${article.id}: ${outcome.kind} (${outcome.reason.key}): ${error instanceof Error ? error.message : String(error)}`);
      if (outcome.kind === 'retry') {
        if (error instanceof XRateLimitedError) limited.set(limitKey, { until: outcome.nextAttemptAt, reason: outcome.reason });
        return this.retryLater(article, lease, outcome.nextAttemptAt, outcome.reason, outcome.countsAsAttempt);
      }
      await this.fail(article, lease, outcome.reason, outcome.countsAsAttempt);
      if (outcome.flagProfile) await this.profiles.flagNeedsReauthorisation(profile.id);
      return;
    }
    await this.markSent(article, lease, externalId, ticket);
  }

  /**
   * The id and `sent` in one UPDATE: from here on the echo from X is recognised by the unique
   * external id. A tweet that answers nothing starts a conversation of its own (its id is its X
   * `conversation_id`), and that conversation joins the ticket in the same transaction, so replies
   * to it land there — a DM ticket's public tweet, a new tweet ticket (docs/THREADING.md,
   * docs/SEARCH-AND-MEDIA.md).
   */
  private async markSent(article: Article, lease: number, externalId: string, ticket: Ticket): Promise<void> {
    const sent = { deliveryStatus: 'sent' as const, deliveryError: null, nextAttemptAt: null, deliveryAttempts: () => 'delivery_attempts + 1' };
    const entry: HistoryDraft = { kind: 'delivery-sent', articleId: article.id, newValue: externalId };
    // A tweet that answers nothing starts its conversation: it records that id, and replies to it find this ticket (docs/THREADING.md).
    const startsConversation = article.channel === 'tweet' && !article.inReplyToExternalId;
    const conversation = startsConversation && !article.conversationId ? { conversationId: externalId } : {};
    const joinItsConversation = startsConversation ? async (m: EntityManager) => void (await this.conversations.joinConversation(m, ticket, tweetConversation(externalId))) : undefined;
    try {
      await this.finish(article, lease, { ...sent, ...conversation, externalId }, entry, joinItsConversation);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The echo was stored as an article of its own before this UPDATE: the message went out all the same.
      this.logger.warn(`article ${article.id}: external id ${externalId} already stored (echo first); marked sent without it`);
      await this.finish(article, lease, { ...sent, ...conversation }, entry, joinItsConversation);
    }
  }

  private async retryLater(article: Article, lease: number, nextAttemptAt: number, reason: DeliveryReason, countsAsAttempt: boolean): Promise<void> {
    await this.finish(article, lease, {
      nextAttemptAt,
      deliveryError: encodeReason(reason),
      ...(countsAsAttempt ? { deliveryAttempts: () => 'delivery_attempts + 1' } : {}),
    });
  }

  private fail(article: Article, lease: number, reason: DeliveryReason, countsAsAttempt: boolean): Promise<void> {
    const deliveryError = encodeReason(reason);
    return this.finish(
      article,
      lease,
      {
        deliveryStatus: 'failed',
        deliveryError,
        nextAttemptAt: null,
        ...(countsAsAttempt ? { deliveryAttempts: () => 'delivery_attempts + 1' } : {}),
      },
      { kind: 'delivery-failed', articleId: article.id, detail: deliveryError },
    );
  }

  /**
   * Writes the outcome only while our lease stands: an article re-claimed after a crash is never
   * overwritten. A final outcome (sent, failed) goes into the ticket's history in the same transaction,
   * as does `alongside` (what the outcome implies, e.g. a sent tweet's conversation joining the ticket).
   */
  private async finish(article: Article, lease: number, changes: Record<string, unknown>, entry?: HistoryDraft, alongside?: (m: EntityManager) => Promise<void>): Promise<void> {
    const stored = await this.transactions.run(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(Article)
        .set(changes)
        .where('id = :id', { id: article.id })
        .andWhere('delivery_status = :sending', { sending: 'sending' })
        .andWhere('next_attempt_at = :lease', { lease })
        .execute();
      if (result.affected === 0) return false;
      if (entry) await this.history.record(m, article.ticketId, SYSTEM_ACTOR, [entry]);
      if (alongside) await alongside(m);
      return true;
    });
    if (!stored) this.logger.warn(`article ${article.id}: lease lost before the outcome was stored`);
  }
}
