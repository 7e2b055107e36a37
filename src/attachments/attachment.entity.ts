import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';
import { CreatedAtColumn } from '../database/row-times';
import { Article } from '../tickets/article.entity';
import { Ticket } from '../tickets/ticket.entity';

/** incoming: from a customer's tweet or DM, fetched from X; outgoing: an agent's image on a reply. */
export type AttachmentDirection = 'incoming' | 'outgoing';
export type AttachmentMediaType = 'photo' | 'video' | 'animated_gif';
/**
 * pending: to be fetched from X; stored: the bytes are in `attachment_data`; linked: a tweet's
 * video, shown as a link to X; failed: not fetched, `error` says why.
 */
export type AttachmentStatus = 'pending' | 'stored' | 'linked' | 'failed';

/**
 * A photo, GIF or video of an article (docs/SEARCH-AND-MEDIA.md). The bytes live in the table
 * `attachment_data` (bytea / blob, written and read with SQL by AttachmentStore, so this entity
 * stays the same on both databases): every app instance serves them, no shared disk needed.
 */
@Entity({ name: 'attachments' })
@Index('ix_attachments_article', ['articleId'])
@Index('ix_attachments_fetch', ['status', 'nextAttemptAt'])
export class Attachment {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'article_id', type: 'integer' })
  articleId: number;

  @ManyToOne(() => Article)
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'fk_attachments_article' })
  article?: Article;

  /** The article's ticket: who may read it decides who may see the file. */
  @Column({ name: 'ticket_id', type: 'integer' })
  ticketId: number;

  @ManyToOne(() => Ticket)
  @JoinColumn({ name: 'ticket_id', foreignKeyConstraintName: 'fk_attachments_ticket' })
  ticket?: Ticket;

  @Column({ name: 'direction', type: 'varchar', length: 10 })
  direction: AttachmentDirection;

  @Column({ name: 'media_type', type: 'varchar', length: 20 })
  mediaType: AttachmentMediaType;

  @Column({ name: 'status', type: 'varchar', length: 10 })
  status: AttachmentStatus;

  /** X's media key or id (incoming). */
  @Column({ name: 'media_key', type: 'varchar', length: 60, nullable: true })
  mediaKey: string | null;

  /** Where X serves the file (incoming, to fetch). */
  @Column({ name: 'source_url', type: 'text', nullable: true })
  sourceUrl: string | null;

  /** DM media: fetched with the account's OAuth signature. */
  @Column({ name: 'signed_fetch', type: 'boolean', default: false })
  signedFetch: boolean;

  /** Where a person can watch it on X (linked videos). */
  @Column({ name: 'link_url', type: 'text', nullable: true })
  linkUrl: string | null;

  @Column({ name: 'file_name', type: 'varchar', length: 100, default: '' })
  fileName: string;

  /** The checked type of the stored bytes. */
  @Column({ name: 'content_type', type: 'varchar', length: 100, nullable: true })
  contentType: string | null;

  @Column({ name: 'size', type: 'integer', nullable: true })
  size: number | null;

  @Column({ name: 'alt_text', type: 'text', nullable: true })
  altText: string | null;

  /** Why it is not stored (JSON: catalog key and parameters). */
  @Column({ name: 'error', type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts: number;

  /** Epoch ms: when a pending fetch is due (or a fetcher's lease ends). */
  @EpochMsColumn({ name: 'next_attempt_at', nullable: true })
  nextAttemptAt: number | null;

  /** Outgoing: the media id X gave on upload, reused by retries until it expires. */
  @Column({ name: 'x_media_id', type: 'varchar', length: 30, nullable: true })
  xMediaId: string | null;

  @EpochMsColumn({ name: 'x_media_expires_at', nullable: true })
  xMediaExpiresAt: number | null;

  @CreatedAtColumn()
  createdAt: number;
}
