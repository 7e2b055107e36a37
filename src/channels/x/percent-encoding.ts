/**
 * RFC 3986 §2.1 percent-encoding as OAuth 1.0a (RFC 5849 §3.6) and X require it: every UTF-8
 * byte except ALPHA / DIGIT / "-" / "." / "_" / "~" becomes %XX with uppercase hex.
 * Unlike encodeURIComponent this also escapes ! ' ( ) * — a tweet containing "*" otherwise
 * fails with 401 code 32.
 */
export function percentEncode(value: string): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    encoded += isUnreserved(byte) ? String.fromCharCode(byte) : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return encoded;
}

/**
 * Name/value pairs of an application/x-www-form-urlencoded string ("+" means space), in order,
 * duplicates kept — the way the query string and a form body are read for signing.
 */
export function formDecode(text: string): Array<[string, string]> {
  return [...new URLSearchParams(text)];
}

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}
