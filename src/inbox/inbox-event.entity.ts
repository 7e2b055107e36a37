import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';
import { CreatedAtColumn } from '../database/row-times';

export type InboxStatus = 'received' | 'processed' | 'rejected' | 'ignored' | 'failed';
/** Which wire shape `payload` has: Account Activity webhook items (v1.1) or API v2 objects from polling. */
/**
 * Where a reply's parent tweet stands when the reply's conversation is not known yet
 * (docs/THREADING.md): `wanted` — to be fetched from X (the worker's transaction never waits for
 * the network); `fetched` — X named the conversation; `missing` — X has no such tweet for us
 * (deleted, protected, refused); `gave-up` — X could not be reached before `holdUntil`.
 */
export type ParentLookup = 'wanted' | 'fetched' | 'missing' | 'gave-up';
export type InboxSource = 'webhook' | 'poll' | 'fetch';
export type InboxFormat = 'aaa-tweet' | 'aaa-dm' | 'v2-tweet' | 'v2-dm';

/**
 * One message received from X, stored before the webhook answers (or the poller moves its cursor),
 * so nothing received is ever lost. `dedupeKey` is unique per profile: X's duplicate deliveries are
 * stored once.
 */
@Entity({ name: 'inbox_events' })
@Index('uq_inbox_events_profile_dedupe', ['profileId', 'dedupeKey'], { unique: true })
@Index('ix_inbox_events_status_next', ['status', 'nextAttemptAt'])
@Index('ix_inbox_events_waits_for', ['profileId', 'waitsFor'])
@Index('ix_inbox_events_profile_received', ['profileId', 'receivedAt'])
export class InboxEvent {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'profile_id', type: 'integer' })
  profileId: number;

  @Column({ name: 'source', type: 'varchar', length: 10 })
  /** `fetch`: a parent tweet the worker fetched from X because a reply needed it. */
  source: InboxSource;

  @Column({ name: 'format', type: 'varchar', length: 10 })
  format: InboxFormat;

  /** `tweet:<id>` or `dm:<event id>`. */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 60 })
  dedupeKey: string;

  /** The item as X sent it, with what of its envelope the item needs (users map, for_user_id). */
  @Column({ name: 'payload', type: 'text' })
  payload: string;

  @Column({ name: 'status', type: 'varchar', length: 10, default: 'received' })
  status: InboxStatus;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts: number;

  /** Why it was rejected or failed, for the admins' Inbox screen. */
  @Column({ name: 'error', type: 'text', nullable: true })
  error: string | null;

  /** Epoch ms: not before this time (backoff after a failure). */
  @EpochMsColumn({ name: 'next_attempt_at', default: 0 })
  nextAttemptAt: number;

  /** Tweets: X's conversation_id, as soon as it is known (from X, or from the tweet it answers). */
  @Column({ name: 'conversation_id', type: 'varchar', length: 30, nullable: true })
  conversationId: string | null;

  @Column({ name: 'parent_lookup', type: 'varchar', length: 10, nullable: true })
  parentLookup: ParentLookup | null;

  /** Epoch ms: a reply waits for its parent (in the inbox, or from X) at most until then. */
  @EpochMsColumn({ name: 'hold_until', nullable: true })
  holdUntil: number | null;

  /** A reply deferred until the tweet it answers is done: that tweet's id; the worker wakes it then. */
  @Column({ name: 'waits_for', type: 'varchar', length: 30, nullable: true })
  waitsFor: string | null;

  @Column({ name: 'ticket_id', type: 'integer', nullable: true })
  ticketId: number | null;

  @CreatedAtColumn('received_at')
  receivedAt: number;

  @EpochMsColumn({ name: 'processed_at', nullable: true })
  processedAt: number | null;
}
