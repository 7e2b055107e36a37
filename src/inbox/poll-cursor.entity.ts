import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';

/** Where polling of one stream (mentions, DMs, one #hashtag) of a profile stopped, and when to ask again. */
@Entity({ name: 'poll_cursors' })
@Index('uq_poll_cursors_profile_stream', ['profileId', 'stream'], { unique: true })
export class PollCursor {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'profile_id', type: 'integer' })
  profileId: number;

  /** `mentions`, `dms` or `hashtag:<tag>`. */
  @Column({ name: 'stream', type: 'varchar', length: 120 })
  stream: string;

  /** The newest id seen (X's `since_id`); a string, as all X ids. */
  @Column({ name: 'since_id', type: 'varchar', length: 30, nullable: true })
  sinceId: string | null;

  /** Epoch ms: not before this (the interval, X's x-rate-limit-reset, or the backoff after failures). */
  @EpochMsColumn({ name: 'next_poll_at', default: 0 })
  nextPollAt: number;

  /** Epoch ms of the last poll that got an answer or an error. */
  @EpochMsColumn({ name: 'last_polled_at', nullable: true })
  lastPolledAt: number | null;

  @Column({ name: 'last_outcome', type: 'varchar', length: 20, nullable: true })
  lastOutcome: PollOutcome | null;

  /** What X (or the network) said when the last poll failed. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** Failed polls in a row; drives the backoff, back to 0 on success. */
  @Column({ name: 'failures', type: 'integer', default: 0 })
  failures: number;

  /** Epoch ms X's rate limit for this stream resets, while it is used up. */
  @EpochMsColumn({ name: 'rate_limited_until', nullable: true })
  rateLimitedUntil: number | null;
}

/** ok; rate-limited (429, waiting for the reset); unauthorized (401: re-authorise); failed (anything else). */
export type PollOutcome = 'ok' | 'rate-limited' | 'unauthorized' | 'failed';
