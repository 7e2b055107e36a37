/**
 * Text from outside (X, a form) as both databases store it. PostgreSQL refuses NUL in text columns
 * ("invalid byte sequence 0x00") where SQLite keeps it, and UTF-8 has no lone surrogates (the
 * drivers would turn them into U+FFFD on one database and not the other): both become U+FFFD, the
 * replacement character, on every database alike. Raw inbox payloads are not passed through here:
 * they are stored as JSON text, which writes both as escapes and so keeps them exactly.
 */

const REPLACEMENT = '\uFFFD';
// Linear-time: one character of lookahead or lookbehind. NUL is what it is there to find.
// eslint-disable-next-line no-control-regex
const NUL_OR_LONE_SURROGATE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(NUL_OR_LONE_SURROGATE, REPLACEMENT);
}

/**
 * storableText cut to a varchar column's length. PostgreSQL counts characters (code points); a cut
 * never splits a surrogate pair, and JavaScript's length counts at least as many units as that.
 */
export function storableLine(text: string, maxLength: number): string {
  const clean = storableText(text);
  if (clean.length <= maxLength) return clean;
  const chars = Array.from(clean);
  return chars.length <= maxLength ? clean : chars.slice(0, maxLength).join('');
}
