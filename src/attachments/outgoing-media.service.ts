import { Injectable } from '@nestjs/common';
import { XApiClient, type XCredentials } from '../channels/x/x-api-client';
import { Clock } from '../common/clock';
import { AttachmentStore } from './attachment-store.service';

/** A media id older than this before its expiry is uploaded again rather than risked. */
const EXPIRY_MARGIN_MS = 10 * 60_000;

/**
 * The image an agent attached to a reply, on its way to X (docs/SEARCH-AND-MEDIA.md): uploaded
 * with POST /2/media/upload by the delivery worker right before the tweet or DM, outside any
 * transaction; the media id X returns is kept, so a retry of the same article (429, 5xx) reuses it
 * instead of uploading again.
 */
@Injectable()
export class OutgoingMedia {
  constructor(
    private readonly store: AttachmentStore,
    private readonly x: XApiClient,
    private readonly clock: Clock,
  ) {}

  /** The media ids to send with the article: none, or its one image's. */
  async mediaIdsFor(articleId: number, channel: 'tweet' | 'dm', credentials: XCredentials): Promise<string[]> {
    const image = await this.store.outgoingImage(articleId);
    if (!image) return [];
    const { attachment, bytes } = image;
    if (attachment.xMediaId && attachment.xMediaExpiresAt !== null && attachment.xMediaExpiresAt > this.clock.now() + EXPIRY_MARGIN_MS) return [attachment.xMediaId];
    const uploaded = await this.x.uploadMedia(credentials, { bytes, contentType: attachment.contentType ?? 'image/jpeg', category: channel === 'dm' ? 'dm_image' : 'tweet_image' });
    await this.store.rememberUpload(attachment.id, uploaded.mediaId, this.clock.now() + uploaded.expiresAfterSeconds * 1000);
    return [uploaded.mediaId];
  }
}
