/**
 * X's weighted tweet length (twitter-text v3 configuration, PROTOCOL.md §4.1): text is NFC
 * normalised; every URL counts 23; code points in the Latin/punctuation ranges count 1, all others
 * (CJK, most scripts beyond U+10FF, emoji) count 2; an emoji sequence (ZWJ families, flags,
 * skin tones) counts 2 as a whole. The same rules run in the browser in public/ticket-compose.js;
 * a unit test keeps the two in step.
 */

export const MAX_TWEET_WEIGHT = 280;
export const MAX_DM_LENGTH = 10_000;
export const URL_WEIGHT = 23;

/** Ranges of code points that weigh 1; everything else weighs 2. */
const LIGHT_RANGES: readonly [number, number][] = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];

/** Top-level domains that make a bare `name.tld` a link for X (a practical subset of twitter-text's list). */
const TLDS =
  'com|net|org|edu|gov|mil|int|info|biz|name|pro|io|co|me|ly|app|dev|ai|tv|xyz|online|site|shop|blog|news|' +
  'de|at|ch|rs|uk|eu|fr|it|es|nl|be|pl|cz|se|no|dk|fi|ru|ua|us|ca|au|nz|jp|cn|in|br|mx|ar|ba|hr|si|me|mk|bg|ro|hu|gr|tr|ie|pt';

/**
 * A link with a scheme, or a bare domain with a known TLD. Not preceded by a letter, digit, @ or
 * similar (so @user.com and mail addresses do not count as links, as on X).
 */
const URL_PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}@#$_.\\/-])(?:https?:\\/\\/[^\\s]+|(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?\\.)+(?:${TLDS})(?![\\p{L}\\p{N}-])(?::\\d{1,5})?(?:\\/[^\\s]*)?)`,
  'giu',
);
/** Punctuation that ends a sentence rather than a link. */
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}>…]+$/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

function codePointWeight(codePoint: number): number {
  return LIGHT_RANGES.some(([start, end]) => codePoint >= start && codePoint <= end) ? 1 : 2;
}

function plainWeight(text: string): number {
  let weight = 0;
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)) {
    if (PICTOGRAPHIC.test(segment)) {
      weight += 2;
    } else {
      for (const char of segment) weight += codePointWeight(char.codePointAt(0)!);
    }
  }
  return weight;
}

/** How many of X's 280 a text uses. */
export function weightedTweetLength(text: string): number {
  const normalised = text.normalize('NFC');
  let weight = 0;
  let last = 0;
  for (const match of normalised.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (url === '' || !/[.\/]/.test(url)) continue;
    weight += plainWeight(normalised.slice(last, match.index)) + URL_WEIGHT;
    last = match.index + url.length;
  }
  return weight + plainWeight(normalised.slice(last));
}

/** Characters of a DM as X counts them: code points. */
export function directMessageLength(text: string): number {
  return [...text.normalize('NFC')].length;
}
