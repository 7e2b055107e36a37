import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Queue } from '../queues/queue.entity';
import { SocialMediaProfile } from './social-media-profile.entity';

/** A #hashtag a profile watches; tweets carrying it become tickets in its own queue. */
@Entity({ name: 'tracked_hashtags' })
@Index('uq_tracked_hashtags_profile_tag', ['profileId', 'hashtag'], { unique: true })
export class TrackedHashtag {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'profile_id', type: 'integer' })
  profileId: number;

  @ManyToOne(() => SocialMediaProfile, (p) => p.hashtags)
  @JoinColumn({ name: 'profile_id', foreignKeyConstraintName: 'fk_tracked_hashtags_profile' })
  profile: SocialMediaProfile;

  /** Without '#', lower-cased: X matches hashtags case-insensitively. */
  @Column({ name: 'hashtag', type: 'varchar', length: 100 })
  hashtag: string;

  @Column({ name: 'queue_id', type: 'integer' })
  queueId: number;

  @ManyToOne(() => Queue)
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'fk_tracked_hashtags_queue' })
  queue: Queue;
}
