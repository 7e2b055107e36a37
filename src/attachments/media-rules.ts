/**
 * What socialdesk accepts as an attachment, fetched from X or uploaded by an agent
 * (docs/SEARCH-AND-MEDIA.md). Pure, so the rules read and are tested on their own.
 *
 * A file is kept only when its declared content type is on a short allow-list AND its first
 * bytes are that type's magic number: a browser is never handed HTML, SVG or script under an
 * image's name. Attachments are served with that checked type, `nosniff`, a sandboxing CSP and
 * `Content-Disposition`, to agents who may read the ticket only.
 */

export type MediaKind = 'image' | 'video';

/** The types kept, each with its magic number and the file extension it is served with. */
const TYPES: Record<string, { kind: MediaKind; extension: string; matches(bytes: Buffer): boolean }> = {
  'image/jpeg': { kind: 'image', extension: 'jpg', matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/png': { kind: 'image', extension: 'png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  'image/gif': { kind: 'image', extension: 'gif', matches: (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  'image/webp': { kind: 'image', extension: 'webp', matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  'video/mp4': { kind: 'video', extension: 'mp4', matches: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' },
};

/** Images (X's own limit for an image is 5 MB). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Videos and GIFs of DMs, which only the account can fetch; tweets' videos are linked, not copied. */
export const MAX_VIDEO_BYTES = 15 * 1024 * 1024;
/** What an agent may attach to a reply: one image. */
export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** Why a file is refused: a catalog key (media.error.*) with its parameters. */
export interface MediaProblem {
  key: string;
  params?: Record<string, string>;
}

/**
 * The checked content type of a file, or why it is refused. The declared type must be allowed
 * (`allowed`) and the bytes must start like it.
 */
export function checkedMedia(declaredType: string, bytes: Buffer, allowed: readonly string[], maxBytes: number): { contentType: string } | { problem: MediaProblem } {
  const type = declaredType.split(';')[0].trim().toLowerCase();
  if (bytes.length === 0) return { problem: { key: 'media.error.empty' } };
  if (bytes.length > maxBytes) return { problem: tooLarge(maxBytes) };
  const rule = allowed.includes(type) ? TYPES[type] : undefined;
  if (!rule || !rule.matches(bytes)) return { problem: { key: 'media.error.type', params: { type: type || '?' } } };
  return { contentType: type };
}

export function tooLarge(maxBytes: number): MediaProblem {
  return { key: 'media.error.tooLarge', params: { max: sizeLabel(maxBytes) } };
}

export const ALL_TYPES = Object.keys(TYPES);

export function kindOf(contentType: string): MediaKind {
  return TYPES[contentType]?.kind ?? 'image';
}

/** The largest file kept for a medium of this X type. */
export function maxBytesFor(type: 'photo' | 'video' | 'animated_gif'): number {
  return type === 'photo' ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES;
}

/**
 * A name safe in a Content-Disposition header and on any disk: letters, digits, `-`, `_`, `.`
 * from the given name (no path), at most 80 characters, always with the extension of its checked type.
 */
export function safeFileName(name: string, contentType: string): string {
  const extension = TYPES[contentType]?.extension ?? 'bin';
  const base = (name.split(/[\\/]/).pop() ?? '')
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[._]+|[._]+$/g, '')
    .slice(0, 80);
  return `${base || 'attachment'}.${extension}`;
}

/** "1.2 MB", "350 KB", "12 B". */
export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/**
 * Where socialdesk fetches media from: X's media hosts over https, and the X API host the app is
 * configured with (the local fake X in tests). Anything else in a payload is never requested.
 */
export function isMediaHost(url: string, xApiBaseUrl: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const api = new URL(xApiBaseUrl);
  if (target.origin === api.origin) return true;
  return target.protocol === 'https:' && ['pbs.twimg.com', 'video.twimg.com', 'ton.twitter.com'].includes(target.hostname) && (target.port === '' || target.port === '443');
}
