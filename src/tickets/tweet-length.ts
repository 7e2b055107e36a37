import { parseTweet } from 'twitter-text';

/**
 * X's weighted tweet length, counted by X's own library (twitter-text's `parseTweet`, its default
 * v3 configuration): NFC-normalised, every URL 23 whatever its length (and X's rules for what is a
 * URL), Latin/Cyrillic/punctuation 1, CJK and emoji 2, an emoji sequence 2 as a whole. The browser
 * counts with the same library (public/vendor/twitter-text.js, bundled by scripts/bundle-vendor.js,
 * used by public/ticket-compose.js); a unit test checks that the two agree.
 */

export const MAX_TWEET_WEIGHT = 280;
export const MAX_DM_LENGTH = 10_000;

/** How many of X's 280 a text uses. */
export function weightedTweetLength(text: string): number {
  return parseTweet(text).weightedLength;
}

/** Characters of a DM as X counts them: code points. */
export function directMessageLength(text: string): number {
  return [...text.normalize('NFC')].length;
}
