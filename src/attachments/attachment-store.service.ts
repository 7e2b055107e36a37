import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository, type EntityManager } from 'typeorm';
import type { IncomingMedia } from '../channels/x/incoming-x-message';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { MessageParams } from '../i18n/translator';
import { Attachment, type AttachmentMediaType, type AttachmentStatus } from './attachment.entity';
import { isMediaHost, kindOf, safeFileName, sizeLabel } from './media-rules';

/** An agent's image, checked (checkedUpload), to be stored with its article. */
export interface CheckedUpload {
  contentType: string;
  bytes: Buffer;
  fileName: string;
}

/** Why an attachment is not stored: a catalog key with its parameters. */
export interface AttachmentReason {
  key: string;
  params?: MessageParams;
}

/** An attachment as the zoom shows it (views/partials/article-extras.hbs). */
export interface AttachmentView {
  id: number;
  type: AttachmentMediaType;
  state: AttachmentStatus;
  isImage: boolean;
  url: string;
  linkUrl: string | null;
  filename: string;
  size: string;
  reason?: AttachmentReason;
}

/** The article media belong to, as the inbox stores it. */
export interface ArticleOfMedia {
  id: number;
  ticketId: number;
  channel: 'tweet' | 'dm' | 'note';
  externalId?: string | null;
  authorHandle?: string;
}

/**
 * Attachment rows and their bytes (docs/SEARCH-AND-MEDIA.md). The bytes sit in `attachment_data`
 * (bytea / blob), read and written here with SQL only, never loaded with the rows.
 */
@Injectable()
export class AttachmentStore {
  constructor(
    @InjectRepository(Attachment) private readonly attachments: Repository<Attachment>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The media of a customer's new article, inside the caller's transaction: rows only. Photos (and
   * a DM's video, which only the account can fetch) wait for the media fetcher, outside any
   * transaction; a tweet's video is a link to X. A URL off X's media hosts is never fetched.
   */
  async recordIncoming(m: EntityManager, article: ArticleOfMedia, media: IncomingMedia[]): Promise<void> {
    const dm = article.channel === 'dm';
    for (const medium of media) {
      const video = medium.type !== 'photo';
      const source = video ? (dm ? medium.videoUrl : undefined) : medium.url;
      const onX = article.externalId ? `https://x.com/${article.authorHandle || 'i'}/status/${article.externalId}` : null;
      let status: AttachmentStatus = 'pending';
      let error: string | null = null;
      if (video && !dm) status = 'linked';
      else if (!source) [status, error] = ['failed', reason({ key: 'media.error.noFile' })];
      else if (!isMediaHost(source, this.config.xApiBaseUrl)) [status, error] = ['failed', reason({ key: 'media.error.host' })];
      await m.insert(Attachment, {
        articleId: article.id,
        ticketId: article.ticketId,
        direction: 'incoming',
        mediaType: medium.type,
        status,
        mediaKey: medium.key.slice(0, 60),
        sourceUrl: source ?? null,
        signedFetch: dm,
        linkUrl: video && !dm ? (medium.videoUrl ?? onX) : null,
        fileName: fileNameOf(source ?? medium.videoUrl ?? ''),
        altText: medium.altText ?? null,
        error,
        nextAttemptAt: status === 'pending' ? 0 : null,
      });
    }
  }

  /** An agent's image on a new outgoing article, inside the caller's transaction. */
  async storeUpload(m: EntityManager, article: { id: number; ticketId: number }, upload: CheckedUpload): Promise<void> {
    const inserted = await m.insert(Attachment, {
      articleId: article.id,
      ticketId: article.ticketId,
      direction: 'outgoing',
      mediaType: 'photo',
      status: 'stored',
      fileName: upload.fileName,
      contentType: upload.contentType,
      size: upload.bytes.length,
    });
    await this.writeBytes(m, Number(inserted.identifiers[0].id), upload.bytes);
  }

  /** The zoom's attachments per article, without their bytes. */
  async viewsFor(ticketId: number, articleIds: number[]): Promise<Record<number, AttachmentView[]>> {
    if (articleIds.length === 0) return {};
    const rows = await this.attachments.find({ where: { ticketId, articleId: In(articleIds) }, order: { id: 'ASC' } });
    const views: Record<number, AttachmentView[]> = {};
    for (const a of rows) {
      const fileName = a.fileName || `attachment-${a.id}`;
      (views[a.articleId] ??= []).push({
        id: a.id,
        type: a.mediaType,
        state: a.status,
        isImage: a.status === 'stored' && kindOf(a.contentType ?? '') === 'image',
        url: `/tickets/${ticketId}/attachments/${a.id}/${encodeURIComponent(fileName)}`,
        linkUrl: a.linkUrl,
        filename: fileName,
        size: a.size === null ? '' : sizeLabel(a.size),
        ...(a.error ? { reason: JSON.parse(a.error) as AttachmentReason } : {}),
      });
    }
    return views;
  }

  /** A stored attachment of this ticket with its bytes; undefined for anything else. */
  async content(ticketId: number, id: number): Promise<{ attachment: Attachment; bytes: Buffer } | undefined> {
    const attachment = await this.attachments.findOne({ where: { id, ticketId, status: 'stored' } });
    if (!attachment) return undefined;
    const bytes = await this.readBytes(id);
    return bytes ? { attachment, bytes } : undefined;
  }

  /** The image an agent attached to an outgoing article, if any. */
  async outgoingImage(articleId: number): Promise<{ attachment: Attachment; bytes: Buffer } | undefined> {
    const attachment = await this.attachments.findOne({ where: { articleId, direction: 'outgoing', status: 'stored' }, order: { id: 'ASC' } });
    if (!attachment) return undefined;
    const bytes = await this.readBytes(attachment.id);
    return bytes ? { attachment, bytes } : undefined;
  }

  /** The media id X gave the upload, reused by a retry of the same article until it expires. */
  async rememberUpload(id: number, mediaId: string, expiresAt: number): Promise<void> {
    await this.attachments.update({ id }, { xMediaId: mediaId, xMediaExpiresAt: expiresAt });
  }

  /** Writes a fetched file's bytes and marks it stored (the fetcher, in its own transaction). */
  async writeFetched(m: EntityManager, id: number, contentType: string, bytes: Buffer): Promise<void> {
    const current = await m.findOneOrFail(Attachment, { where: { id }, select: { id: true, fileName: true } });
    await this.writeBytes(m, id, bytes);
    await m.update(Attachment, { id }, { status: 'stored', contentType, size: bytes.length, fileName: safeFileName(current.fileName, contentType), error: null, nextAttemptAt: null });
  }

  private async writeBytes(m: EntityManager, id: number, bytes: Buffer): Promise<void> {
    const postgres = m.connection.options.type === 'postgres';
    await m.query(`INSERT INTO attachment_data (attachment_id, bytes) VALUES (${postgres ? '$1, $2' : '?, ?'})`, [id, bytes]);
  }

  private async readBytes(id: number): Promise<Buffer | undefined> {
    const postgres = this.attachments.manager.connection.options.type === 'postgres';
    const [row]: { bytes: Buffer | Uint8Array }[] = await this.attachments.query(`SELECT bytes FROM attachment_data WHERE attachment_id = ${postgres ? '$1' : '?'}`, [id]);
    return row ? Buffer.from(row.bytes) : undefined;
  }
}

export function reason(r: AttachmentReason): string {
  return JSON.stringify(r);
}

/** The last part of a URL's path, as a start for the file's name (made safe once its type is known). */
function fileNameOf(url: string): string {
  try {
    return (new URL(url).pathname.split('/').pop() ?? '').replace(/[^\w.-]+/g, '_').slice(0, 100);
  } catch {
    return '';
  }
}
