import { randomBytes } from 'node:crypto';
import { invalidRequest, json, text, v2Unauthorized, type Answer } from './answers';
import { jsonBody, type FakeRequest } from './http';

/**
 * Media on the fake X: photos, GIFs and videos in tweets and DMs, the files behind them, and what
 * the app uploads (POST /2/media/upload) to attach to its own tweets and DMs.
 *
 * - Tweet media are public: `GET <fake>/media/<file>` stands in for pbs.twimg.com / video.twimg.com.
 * - DM media are the account's: `GET <fake>/1.1/ton/data/dm/<id>/<id>/<file>` stands in for
 *   ton.twitter.com and answers only a request signed (OAuth 1.0a) for one of the DM's two people.
 * - Uploads take X's JSON shape `{media (base64), media_category, media_type}` and answer
 *   `{"data":{id, media_key, size, expires_after_secs}}`; a tweet (`media.media_ids`) or DM
 *   (`attachments[].media_id`) may use only ids its own account uploaded for that use.
 */

export type FakeXMediaType = 'photo' | 'video' | 'animated_gif';

export interface FakeXMediaInput {
  type?: FakeXMediaType;
  /** The file's bytes; a small valid PNG (photo) or MP4 (video, GIF) by default. */
  bytes?: Buffer;
  /** What the file is served as; image/png or video/mp4 by default. */
  contentType?: string;
  width?: number;
  height?: number;
  altText?: string;
}

export interface FakeXMedia {
  id: string;
  /** v2 `media_key`: 3_ photos, 7_ videos, 16_ GIFs, then the id. */
  key: string;
  type: FakeXMediaType;
  bytes: Buffer;
  contentType: string;
  fileName: string;
  width: number;
  height: number;
  altText?: string;
  /** The t.co link X appends to the text. */
  shortUrl: string;
  /** Photo: the file; video/GIF: its still image. */
  url: string;
  /** Video/GIF: the MP4. */
  variantUrl?: string;
  /** DM media: only these accounts may fetch it, signed. */
  participants?: string[];
}

export interface FakeXUploadedMedia {
  id: string;
  mediaKey: string;
  category: string;
  contentType: string;
  bytes: Buffer;
  userId: string;
}

/** The 1×1 PNG every photo is unless a test gives bytes. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z/C/HgAGgwJ/lK3Q6wAAAABJRU5ErkJggg==', 'base64');
/** An MP4's first box (`ftyp`): enough for anything that sniffs the type. */
export const TINY_MP4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2', 'latin1'), randomBytes(64)]);

const KEY_PREFIX: Record<FakeXMediaType, string> = { photo: '3', video: '7', animated_gif: '16' };
const CATEGORIES = ['tweet_image', 'dm_image', 'subtitles'];
const UPLOAD_TYPES = ['image/jpeg', 'image/bmp', 'image/png', 'image/webp', 'image/pjpeg', 'image/tiff', 'image/gif', 'text/srt', 'text/vtt'];
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export class FakeXMediaStore {
  /** What the app uploaded, oldest first. */
  readonly uploads: FakeXUploadedMedia[] = [];
  /** Every request for a media file: its path, whether it was signed for a participant, the status answered. */
  readonly fetches: { path: string; signed: boolean; status: number }[] = [];
  private readonly items = new Map<string, FakeXMedia>();
  private next = 1_795_000_000_000_000_000n;

  constructor(private readonly baseUrl: () => string) {}

  /** Media for a tweet (public) or a DM (participants given: served signed only). */
  create(input: FakeXMediaInput, participants?: string[]): FakeXMedia {
    const type = input.type ?? 'photo';
    const id = String(++this.next);
    const still = type === 'photo';
    const contentType = input.contentType ?? (still ? 'image/png' : 'video/mp4');
    const fileName = `${randomBytes(6).toString('base64url')}.${extensionOf(contentType)}`;
    const path = participants ? `/1.1/ton/data/dm/${id}/${id}/${fileName}` : `/media/${fileName}`;
    const media: FakeXMedia = {
      id,
      key: `${KEY_PREFIX[type]}_${id}`,
      type,
      bytes: input.bytes ?? (still ? TINY_PNG : TINY_MP4),
      contentType,
      fileName,
      width: input.width ?? 1,
      height: input.height ?? 1,
      ...(input.altText ? { altText: input.altText } : {}),
      shortUrl: `https://t.co/${tcoPath()}`,
      url: this.baseUrl() + (still ? path : `${path}.jpg`),
      ...(still ? {} : { variantUrl: this.baseUrl() + path }),
      ...(participants ? { participants: [...participants] } : {}),
    };
    this.items.set(media.id, media);
    return media;
  }

  /** Serves media files; undefined for any other path. `signedBy` authenticates the request (an account id, or why not). */
  serve(request: FakeRequest, signedBy: () => string | undefined): Answer | undefined {
    const dm = /^\/1\.1\/ton\/data\/dm\/(\d+)\/\d+\/([\w-]+\.\w+)(\.jpg)?$/.exec(request.path);
    const open = /^\/media\/([\w-]+\.\w+)(\.jpg)?$/.exec(request.path);
    if (request.method !== 'GET' || (!dm && !open)) return undefined;
    const media = dm ? this.items.get(dm[1]) : [...this.items.values()].find((m) => !m.participants && m.fileName === open![1]);
    const still = dm ? dm[3] : open![2];
    let answer: Answer;
    let signed = false;
    if (!media || (dm && (!media.participants || media.fileName !== dm[2]))) {
      answer = text(404, 'Not Found');
    } else if (media.participants) {
      const account = signedBy();
      signed = account !== undefined && media.participants.includes(account);
      answer = signed ? file(media, still !== undefined) : v2Unauthorized();
    } else {
      answer = file(media, still !== undefined);
    }
    this.fetches.push({ path: request.path, signed, status: answer.status });
    return answer;
  }

  /** POST /2/media/upload, for the account `userId`. */
  upload(request: FakeRequest, userId: string): Answer {
    const body = jsonBody(request);
    if (!body) return invalidRequest('The request body must be JSON with media, media_category and media_type');
    const category = body.media_category;
    const mediaType = body.media_type;
    if (typeof category !== 'string' || !CATEGORIES.includes(category)) return invalidRequest(`media_category: must be one of [${CATEGORIES.join(', ')}]`, { media_category: [String(category)] });
    if (typeof mediaType !== 'string' || !UPLOAD_TYPES.includes(mediaType)) return invalidRequest(`media_type: must be one of [${UPLOAD_TYPES.join(', ')}]`, { media_type: [String(mediaType)] });
    if (typeof body.media !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(body.media)) return invalidRequest('media: must be the file, base64-encoded', { media: ['…'] });
    const bytes = Buffer.from(body.media, 'base64');
    if (bytes.length === 0) return invalidRequest('media: must not be empty', { media: ['…'] });
    if (bytes.length > MAX_IMAGE_BYTES) return invalidRequest(`media: File size exceeds ${MAX_IMAGE_BYTES} bytes.`, { media: ['…'] });
    if (!looksLike(mediaType, bytes)) return invalidRequest('media: InvalidMedia: the file is not the media_type given', { media: ['…'] });
    const id = String(++this.next);
    const uploaded = { id, mediaKey: `3_${id}`, category, contentType: mediaType, bytes, userId };
    this.uploads.push(uploaded);
    return json(200, { data: { id, media_key: uploaded.mediaKey, size: bytes.length, expires_after_secs: 86_400, image: { image_type: mediaType, w: 1, h: 1 } } });
  }

  /** The upload, if `userId` uploaded it for `category`; what a tweet or DM may attach. */
  uploaded(id: unknown, userId: string, category: string): FakeXUploadedMedia | undefined {
    return this.uploads.find((u) => u.id === id && u.userId === userId && u.category === category);
  }

  clear(): void {
    this.uploads.length = 0;
    this.fetches.length = 0;
    this.items.clear();
  }
}

/** v2 `includes.media[]` entry. */
export function v2Media(media: FakeXMedia): Record<string, unknown> {
  return {
    media_key: media.key,
    type: media.type,
    width: media.width,
    height: media.height,
    ...(media.type === 'photo' ? { url: media.url } : { preview_image_url: media.url, variants: [{ bit_rate: 632000, content_type: 'video/mp4', url: media.variantUrl }] }),
    ...(media.altText ? { alt_text: media.altText } : {}),
  };
}

/** v1.1 media entity (`extended_entities.media[]`, a DM's `attachment.media`); `start` is where the t.co link stands in the text. */
export function v11Media(media: FakeXMedia, start: number, expandedUrl: string): Record<string, unknown> {
  return {
    id: media.id,
    id_str: media.id,
    indices: [start, start + media.shortUrl.length],
    media_url: media.url,
    media_url_https: media.url,
    url: media.shortUrl,
    display_url: `pic.x.com/${media.shortUrl.slice(-10)}`,
    expanded_url: expandedUrl,
    type: media.type,
    sizes: { large: { w: media.width, h: media.height, resize: 'fit' } },
    ...(media.type === 'photo' ? {} : { video_info: { aspect_ratio: [1, 1], variants: [{ bitrate: 632000, content_type: 'video/mp4', url: media.variantUrl }] } }),
    ...(media.altText ? { ext_alt_text: media.altText } : {}),
  };
}

function file(media: FakeXMedia, still: boolean): Answer {
  // A video's still image is a tiny PNG whatever the video is.
  if (still) return { status: 200, body: media.type === 'photo' ? media.bytes : Buffer.from(TINY_PNG), contentType: media.type === 'photo' ? media.contentType : 'image/png' };
  return { status: 200, body: media.bytes, contentType: media.contentType };
}

function extensionOf(contentType: string): string {
  return { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'video/mp4': 'mp4' }[contentType] ?? 'bin';
}

function looksLike(mediaType: string, bytes: Buffer): boolean {
  if (mediaType === 'image/png') return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (mediaType === 'image/jpeg' || mediaType === 'image/pjpeg') return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (mediaType === 'image/gif') return /^GIF8[79]a/.test(bytes.subarray(0, 6).toString('latin1'));
  if (mediaType === 'image/webp') return bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
  return true;
}

const T_CO_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A t.co path as X makes them: ten letters and digits (base64url's '-' and '_' never occur there). */
function tcoPath(): string {
  return Array.from(randomBytes(10), (byte) => T_CO_ALPHABET[byte % T_CO_ALPHABET.length]).join('');
}
