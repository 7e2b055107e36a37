import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';
import { ChangedAtColumn } from '../database/row-times';
import type { MessageParams } from '../i18n/translator';
import { SocialMediaProfile } from './social-media-profile.entity';

/**
 * What socialdesk last learned from X about a profile's webhook (docs/X.md): which registration
 * it uses, whether X's CRC check of the URL passed, whether the account is subscribed, when we
 * last asked, and what went wrong if something did. One row per profile that ever used a webhook.
 */
@Entity({ name: 'profile_webhooks' })
export class ProfileWebhook {
  @PrimaryColumn({ name: 'profile_id', type: 'integer' })
  profileId: number;

  @OneToOne(() => SocialMediaProfile)
  @JoinColumn({ name: 'profile_id', foreignKeyConstraintName: 'fk_profile_webhooks_profile' })
  profile?: SocialMediaProfile;

  /** X's webhook id (digits); several profiles of one X app share one registration. */
  @Column({ name: 'webhook_id', type: 'varchar', length: 30, nullable: true })
  webhookId: string | null;

  /** The URL registered at X (this profile's, or another profile's of the same app that it reuses). */
  @Column({ name: 'url', type: 'varchar', length: 2000, nullable: true })
  url: string | null;

  /** X's `valid`: whether its last CRC check of the URL passed. */
  @Column({ name: 'valid', type: 'boolean', nullable: true })
  valid: boolean | null;

  @Column({ name: 'subscribed', type: 'boolean', nullable: true })
  subscribed: boolean | null;

  /** Epoch ms of our last check (registration or "Check again", which makes X run its CRC). */
  @EpochMsColumn({ name: 'checked_at', nullable: true })
  checkedAt: number | null;

  /** Why the last check failed, as a catalog key; null when it succeeded. */
  @Column({ name: 'problem_key', type: 'varchar', length: 100, nullable: true })
  problemKey: string | null;

  /** JSON of the message parameters (X's detail, the URLs X has registered, …). */
  @Column({ name: 'problem_params', type: 'text', nullable: true })
  problemParams: string | null;

  @ChangedAtColumn()
  changedAt: number;

  problem(): { key: string; params: MessageParams } | undefined {
    return this.problemKey ? { key: this.problemKey, params: this.problemParams ? (JSON.parse(this.problemParams) as MessageParams) : {} } : undefined;
  }
}
