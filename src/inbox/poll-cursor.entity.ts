import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

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

  /** Epoch ms: not before this (the interval, or X's x-rate-limit-reset). */
  @Column({ name: 'next_poll_at', type: 'bigint', default: 0 })
  nextPollAt: string;
}
