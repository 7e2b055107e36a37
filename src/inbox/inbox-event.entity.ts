import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type InboxStatus = 'received' | 'processed' | 'rejected' | 'ignored' | 'failed';
/** Which wire shape `payload` has: Account Activity webhook items (v1.1) or API v2 objects from polling. */
export type InboxFormat = 'aaa-tweet' | 'aaa-dm' | 'v2-tweet' | 'v2-dm';

/**
 * One message received from X, stored before the webhook answers (or the poller moves its cursor),
 * so nothing received is ever lost. `dedupeKey` is unique per profile: X's duplicate deliveries are
 * stored once.
 */
@Entity({ name: 'inbox_events' })
@Index('uq_inbox_events_profile_dedupe', ['profileId', 'dedupeKey'], { unique: true })
@Index('ix_inbox_events_status_next', ['status', 'nextAttemptAt'])
@Index('ix_inbox_events_profile_received', ['profileId', 'receivedAt'])
export class InboxEvent {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'profile_id', type: 'integer' })
  profileId: number;

  @Column({ name: 'source', type: 'varchar', length: 10 })
  source: 'webhook' | 'poll';

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
  @Column({ name: 'next_attempt_at', type: 'bigint', default: 0 })
  nextAttemptAt: string;

  @Column({ name: 'ticket_id', type: 'integer', nullable: true })
  ticketId: number | null;

  @CreateDateColumn({ name: 'received_at' })
  receivedAt: Date;

  @Column({ name: 'processed_at', type: 'bigint', nullable: true })
  processedAt: string | null;
}
