import { idString } from './exact-json';
import type { IncomingMedia } from './incoming-x-message';

/**
 * Media attached to tweets and DMs, in each wire format X uses (docs/SEARCH-AND-MEDIA.md):
 * - API v2: `attachments.media_keys` on the tweet or DM event, the objects in `includes.media`
 *   (`url` for photos; `preview_image_url` and `variants[]` for videos and GIFs);
 * - Account Activity tweets: `extended_entities.media[]` (all of them; `entities.media` has only the
 *   first), in `extended_tweet` for long tweets; `media_url_https`, `video_info.variants[]`;
 * - Account Activity DMs: `message_data.attachment.media`, served from ton.twitter.com.
 * X also appends the media's t.co link to the text; `withoutMediaLinks` takes it out again.
 */

type Json = Record<string, unknown>;
const TYPES = ['photo', 'video', 'animated_gif'] as const;

/** The media of one v2 tweet or DM event, from the page's `includes.media` (by media_key). */
export function mediaFromV2(item: Json, included: Map<string, Json>): IncomingMedia[] {
  const keys = isRecord(item.attachments) && Array.isArray(item.attachments.media_keys) ? item.attachments.media_keys : [];
  return keys
    .map((key) => (typeof key === 'string' ? included.get(key) : undefined))
    .map((media) => media && v2Medium(media))
    .filter((media): media is IncomingMedia => media !== undefined);
}

/** `includes.media` by media_key. */
export function includedMedia(includes: Json): Map<string, Json> {
  const media = Array.isArray(includes.media) ? includes.media.filter(isRecord) : [];
  return new Map(media.filter((m) => typeof m.media_key === 'string').map((m) => [m.media_key as string, m]));
}

/** An Account Activity tweet's media (v1.1 entities), long tweets included, and their t.co links. */
export function mediaFromAaaTweet(tweet: Json): { media: IncomingMedia[]; links: string[] } {
  const extended = isRecord(tweet.extended_tweet) ? tweet.extended_tweet : {};
  return v11List(firstList(extended.extended_entities, tweet.extended_entities, extended.entities, tweet.entities));
}

/** An Account Activity DM's attachment, and its t.co link. */
export function mediaFromAaaDm(messageData: Json): { media: IncomingMedia[]; links: string[] } {
  const attachment = isRecord(messageData.attachment) ? messageData.attachment : undefined;
  return v11List(attachment && attachment.type === 'media' && isRecord(attachment.media) ? [attachment.media] : []);
}

/** The t.co links of a v2 tweet's or DM's media: `entities.urls` entries that name a media key. */
export function v2MediaLinks(entities: Json): string[] {
  const urls = Array.isArray(entities.urls) ? entities.urls.filter(isRecord) : [];
  return urls.filter((u) => typeof u.media_key === 'string' && typeof u.url === 'string').map((u) => u.url as string);
}

function v11List(list: Json[]): { media: IncomingMedia[]; links: string[] } {
  return {
    media: list.map(v11Medium).filter((media): media is IncomingMedia => media !== undefined),
    links: list.flatMap((m) => (typeof m.url === 'string' ? [m.url] : [])),
  };
}

/** The text without the t.co links X appended for its media; the rest as it was. */
export function withoutMediaLinks(text: string, links: string[]): string {
  let result = text;
  for (const link of new Set(links.filter(Boolean))) result = result.split(link).join('');
  return links.length ? result.replace(/[ \t]+$/gm, '').trimEnd() : result;
}

function v2Medium(media: Json): IncomingMedia | undefined {
  const type = typeOf(media.type);
  const key = typeof media.media_key === 'string' ? media.media_key : undefined;
  if (!type || !key) return undefined;
  const variants = Array.isArray(media.variants) ? media.variants.filter(isRecord) : [];
  return clean({
    key,
    type,
    url: httpsUrl(type === 'photo' ? media.url : media.preview_image_url),
    videoUrl: bestMp4(variants, 'bit_rate'),
    altText: typeof media.alt_text === 'string' ? media.alt_text : undefined,
  });
}

function v11Medium(media: Json): IncomingMedia | undefined {
  const type = typeOf(media.type);
  const key = idString(media.id_str) ?? idString(media.id);
  if (!type || !key) return undefined;
  const video = isRecord(media.video_info) && Array.isArray(media.video_info.variants) ? media.video_info.variants.filter(isRecord) : [];
  return clean({
    key,
    type,
    url: httpsUrl(media.media_url_https ?? media.media_url),
    videoUrl: bestMp4(video, 'bitrate'),
    altText: typeof media.ext_alt_text === 'string' ? media.ext_alt_text : undefined,
  });
}

/** The MP4 with the highest bitrate (X also lists HLS playlists, which a browser cannot save). */
function bestMp4(variants: Json[], rateField: 'bit_rate' | 'bitrate'): string | undefined {
  const mp4 = variants.filter((v) => v.content_type === 'video/mp4' && typeof v.url === 'string');
  mp4.sort((a, b) => Number(b[rateField] ?? 0) - Number(a[rateField] ?? 0));
  return httpsUrl(mp4[0]?.url);
}

function firstList(...candidates: unknown[]): Json[] {
  for (const candidate of candidates) {
    if (isRecord(candidate) && Array.isArray(candidate.media) && candidate.media.length > 0) return candidate.media.filter(isRecord);
  }
  return [];
}

function typeOf(value: unknown): IncomingMedia['type'] | undefined {
  return (TYPES as readonly unknown[]).includes(value) ? (value as IncomingMedia['type']) : undefined;
}

/** Absolute http(s) URLs only; which hosts may be fetched is decided where they are fetched. */
function httpsUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function clean(media: IncomingMedia): IncomingMedia {
  return Object.fromEntries(Object.entries(media).filter(([, v]) => v !== undefined)) as unknown as IncomingMedia;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
