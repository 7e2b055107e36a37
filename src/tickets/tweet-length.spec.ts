import { directMessageLength, weightedTweetLength } from './tweet-length';

// The browser's counter: public/ticket-compose.js with the twitter-text bundle the pages load.
/* eslint-disable @typescript-eslint/no-require-imports -- plain JS files without types (no allowJs), loaded as the build and the page load them */
const { ensureVendorBundle, VENDOR_TWITTER_TEXT } = require('../../scripts/bundle-vendor.js') as { ensureVendorBundle: () => Promise<boolean>; VENDOR_TWITTER_TEXT: string };
type Measures = { weightedTweetLength(text: string): number; directMessageLength(text: string): number };
let browser: Measures;
beforeAll(async () => {
  await ensureVendorBundle();
  const compose = require('../../public/ticket-compose.js') as { measures(twitterText: unknown): Measures };
  browser = compose.measures(require(VENDOR_TWITTER_TEXT));
}, 120_000);
/* eslint-enable @typescript-eslint/no-require-imports */

const CASES: [string, string, number][] = [
  ['plain ASCII counts 1 per character', 'Hello @acme, thanks!', 20],
  ['an empty text is 0', '', 0],
  ['a https URL counts 23 however long', 'see https://example.com/a/very/long/path?with=query&and=more', 4 + 23],
  ['a short http URL counts 23 too', 'http://t.co', 23],
  ['a bare domain with a known TLD is a link', 'visit example.com today', 6 + 23 + 6],
  ['a sentence-ending full stop is not part of the URL', 'Read https://example.com/help.', 5 + 23 + 1],
  ['two URLs count 23 each', 'https://a.example.com https://b.example.org', 23 + 1 + 23],
  ['an @handle with a dot is not a link', '@user.com', 9],
  ['a mail address is not a link', 'me@example.com', 14],
  ['Latin letters with accents count 1', 'Grüße, čćžšđ', 12],
  ['Cyrillic counts 1 (below U+10FF)', 'Здраво', 6],
  ['CJK characters count 2', '你好', 4],
  ['Japanese kana count 2', 'こんにちは', 10],
  ['an emoji counts 2', 'ok 👍', 3 + 2],
  ['an emoji with a skin tone counts 2', '👍🏽', 2],
  ['a ZWJ family counts 2', '👨‍👩‍👧', 2],
  ['a flag counts 2', '🇷🇸', 2],
  ['typographic quotes and dashes count 1, an ellipsis (U+2026) 2', '“quote” – dash…', 16],
  ['decomposed characters are NFC-normalised first', 'e\u0301', 1],
  ['a bare .rs domain is a link', 'pišite na primer.rs', 10 + 23],
  ['three-part domains count 23', 'see foo.bar.xyz', 4 + 23],
];

describe('weightedTweetLength', () => {
  it.each(CASES)('%s', (_name, text, expected) => {
    expect(weightedTweetLength(text)).toBe(expected);
  });

  it('allows exactly 280 and flags 281', () => {
    expect(weightedTweetLength('a'.repeat(280))).toBe(280);
    expect(weightedTweetLength('a'.repeat(281))).toBe(281);
    expect(weightedTweetLength('中'.repeat(140))).toBe(280);
  });

  it.each(CASES)('the browser counter agrees: %s', (_name, text, expected) => {
    expect(browser.weightedTweetLength(text)).toBe(expected);
  });
});

describe('directMessageLength', () => {
  it('counts code points, so an emoji outside the BMP is one character', () => {
    expect(directMessageLength('hi 👍')).toBe(4);
    expect(browser.directMessageLength('hi 👍')).toBe(4);
  });
});
