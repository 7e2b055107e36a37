import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';
import { CreatedAtColumn } from '../database/row-times';
import { Ticket } from './ticket.entity';

export type ArticleSender = 'customer' | 'agent' | 'system';
export type ArticleChannel = 'tweet' | 'dm' | 'note';
/** Outgoing articles only: stored as `sending` first, then sent by the delivery worker. */
export type DeliveryStatus = 'sending' | 'sent' | 'failed';

/**
 * One message on a ticket. `externalId` (tweet id / DM event id) is unique per profile: a duplicate
 * delivery, a retry after a crash or the echo of our own reply can never add a second article.
 */
@Entity({ name: 'articles' })
@Index('uq_articles_profile_external', ['profileId', 'externalId'], { unique: true })
@Index('ix_articles_ticket', ['ticketId'])
@Index('ix_articles_delivery', ['deliveryStatus', 'nextAttemptAt'])
@Index('uq_articles_form_key', ['formKey'], { unique: true })
export class Article {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'ticket_id', type: 'integer' })
  ticketId: number;

  @ManyToOne(() => Ticket, (t) => t.articles)
  @JoinColumn({ name: 'ticket_id', foreignKeyConstraintName: 'fk_articles_ticket' })
  ticket: Ticket;

  @Column({ name: 'profile_id', type: 'integer' })
  profileId: number;

  @Column({ name: 'sender', type: 'varchar', length: 10 })
  sender: ArticleSender;

  @Column({ name: 'channel', type: 'varchar', length: 10 })
  channel: ArticleChannel;

  @Column({ name: 'external_id', type: 'varchar', length: 30, nullable: true })
  externalId: string | null;

  /** For tweets: the tweet this one answers. */
  @Column({ name: 'in_reply_to_external_id', type: 'varchar', length: 30, nullable: true })
  inReplyToExternalId: string | null;

  /**
   * For tweets: X's conversation_id (the id of the tweet that started the thread), when known. A
   * reply whose parent is stored here inherits it (docs/THREADING.md, "Tweets").
   */
  @Column({ name: 'conversation_id', type: 'varchar', length: 30, nullable: true })
  conversationId: string | null;

  @Column({ name: 'author_x_id', type: 'varchar', length: 30, nullable: true })
  authorXId: string | null;

  @Column({ name: 'author_handle', type: 'varchar', length: 100, default: '' })
  authorHandle: string;

  /** The agent who wrote it (agent articles). */
  @Column({ name: 'created_by_id', type: 'integer', nullable: true })
  createdById: number | null;

  @Column({ name: 'body', type: 'text' })
  body: string;

  @Column({ name: 'delivery_status', type: 'varchar', length: 10, nullable: true })
  deliveryStatus: DeliveryStatus | null;

  @Column({ name: 'delivery_error', type: 'text', nullable: true })
  deliveryError: string | null;

  @Column({ name: 'delivery_attempts', type: 'integer', default: 0 })
  deliveryAttempts: number;

  /** Epoch ms; the delivery worker picks `sending` articles whose time has come. */
  @EpochMsColumn({ name: 'next_attempt_at', nullable: true })
  nextAttemptAt: number | null;

  /** The one-time key of the agent's form that wrote it: a second POST with it shows this article instead of sending again. */
  @Column({ name: 'form_key', type: 'varchar', length: 64, nullable: true })
  formKey: string | null;

  @CreatedAtColumn()
  createdAt: number;
}
