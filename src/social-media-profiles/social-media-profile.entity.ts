import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';
import { ChangedAtColumn, CreatedAtColumn } from '../database/row-times';
import type { Validity } from '../common/validity';
import { Queue } from '../queues/queue.entity';
import { TrackedHashtag } from './tracked-hashtag.entity';

export const PROFILE_TYPES = ['twitter'] as const;
export type ProfileType = (typeof PROFILE_TYPES)[number];
export type UnreadableSecret = 'consumerSecret' | 'accessTokenSecret';

/**
 * How mentions and DMs reach the help desk: X's Account Activity webhook, polling X's API, or both
 * (polling catches what a broken webhook misses; duplicates are stored once). Hashtags are polled
 * in every mode. See docs/X.md.
 */
export const RECEIVING_MODES = ['webhook', 'polling', 'both'] as const;
export type ReceivingMode = (typeof RECEIVING_MODES)[number];

/**
 * An X account connected to the help desk. Never deleted: validity says whether it is used.
 * Secrets are stored only encrypted (`*Encrypted` columns, see SecretsCipher).
 */
@Entity({ name: 'social_media_profiles' })
@Index('uq_social_media_profiles_name', ['name'], { unique: true })
@Index('uq_social_media_profiles_held_account', ['type', 'heldAccountId'], { unique: true })
export class SocialMediaProfile {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'type', type: 'varchar', length: 20, default: 'twitter' })
  type: ProfileType;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'description', type: 'text', default: '' })
  description: string;

  /** Set once the admin has read step 1 and moved on. */
  @Column({ name: 'instructions_read', type: 'boolean', default: false })
  instructionsRead: boolean;

  @Column({ name: 'app_name', type: 'varchar', length: 200, default: '' })
  appName: string;

  /** Account Activity API environment label of X's retired v1.1 API (optional; kept for reference). */
  @Column({ name: 'aaa_environment', type: 'varchar', length: 200, default: '' })
  aaaEnvironment: string;

  @Column({ name: 'receiving_mode', type: 'varchar', length: 10, default: 'polling' })
  receivingMode: ReceivingMode;

  @Column({ name: 'consumer_key', type: 'varchar', length: 200, default: '' })
  consumerKey: string;

  @Column({ name: 'consumer_secret_encrypted', type: 'text', nullable: true })
  consumerSecretEncrypted: string | null;

  @Column({ name: 'access_token', type: 'varchar', length: 200, default: '' })
  accessToken: string;

  @Column({ name: 'access_token_secret_encrypted', type: 'text', nullable: true })
  accessTokenSecretEncrypted: string | null;

  /**
   * Not a column: secrets stored but not decryptable with this instance's SECRETS_KEY (after the key
   * was replaced). ProfilesService loads them as "not stored" and lists them here, so the wizard asks
   * for them again.
   */
  unreadableSecrets?: UnreadableSecret[];

  /** The X user id the credentials belong to (a string: X ids do not fit a JS number). */
  @Column({ name: 'account_id', type: 'varchar', length: 30, nullable: true })
  accountId: string | null;

  /**
   * The account again while this profile is valid and holds it: one X account, one profile. The
   * unique index decides between two admins verifying the same account at once; a profile that is
   * not valid frees it (ProfilesService keeps this column).
   */
  @Column({ name: 'held_account_id', type: 'varchar', length: 30, nullable: true })
  heldAccountId: string | null;

  @Column({ name: 'account_handle', type: 'varchar', length: 100, nullable: true })
  accountHandle: string | null;

  @Column({ name: 'account_name', type: 'varchar', length: 200, nullable: true })
  accountName: string | null;

  @EpochMsColumn({ name: 'verified_at', nullable: true })
  verifiedAt: number | null;

  @Column({ name: 'target_queue_id', type: 'integer', nullable: true })
  targetQueueId: number | null;

  @ManyToOne(() => Queue, { nullable: true })
  @JoinColumn({ name: 'target_queue_id', foreignKeyConstraintName: 'fk_social_media_profiles_target_queue' })
  targetQueue: Queue | null;

  @Column({ name: 'auto_reply_enabled', type: 'boolean', default: false })
  autoReplyEnabled: boolean;

  @Column({ name: 'auto_reply_text', type: 'text', default: '' })
  autoReplyText: string;

  @Column({ name: 'mentions_enabled', type: 'boolean', default: true })
  mentionsEnabled: boolean;

  @OneToMany(() => TrackedHashtag, (h) => h.profile)
  hashtags: TrackedHashtag[];

  @Column({ name: 'validity', type: 'varchar', length: 30, default: 'valid' })
  validity: Validity;

  /** Set when X answered 401 to a send: the tokens were revoked and the admin must reconnect. */
  @Column({ name: 'needs_reauthorisation', type: 'boolean', default: false })
  needsReauthorisation: boolean;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy: string;

  @Column({ name: 'changed_by', type: 'varchar', length: 200 })
  changedBy: string;

  @CreatedAtColumn()
  createdAt: number;

  @ChangedAtColumn()
  changedAt: number;
}
