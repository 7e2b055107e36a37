import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Account Activity webhook crypto (docs/X.md, "CRC and signatures"). Both the CRC answer and the event
 * signature are `sha256=` + base64(HMAC-SHA256(app consumer secret, message)).
 */

const SIGNATURE_PREFIX = 'sha256=';
// 32-byte digest in standard base64: 43 characters and one "=".
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
// X's CRC tokens are opaque base64 / base64url strings. Anything else — notably a JSON event
// body — is refused, so the CRC endpoint cannot be used to sign forged event bodies.
const TOKEN_SHAPE = /^[A-Za-z0-9+/_-]{8,256}={0,2}$/;

/** Value of `response_token` in the CRC answer `{"response_token": …}`. */
export function crcResponseToken(crcToken: string, consumerSecret: string): string {
  return SIGNATURE_PREFIX + hmacSha256(consumerSecret, crcToken).toString('base64');
}

/** Whether a crc_token looks like one X issues and is therefore safe to sign. */
export function isTokenShapedCrcToken(crcToken: unknown): crcToken is string {
  return typeof crcToken === 'string' && TOKEN_SHAPE.test(crcToken);
}

/**
 * Checks x-twitter-webhooks-signature against the raw bytes received (re-serialized JSON would
 * differ). False for a missing, repeated or malformed header; the digest compare is constant-time.
 */
export function isValidWebhookSignature(rawBody: Buffer | string, signatureHeader: string | string[] | undefined, consumerSecret: string): boolean {
  if (typeof signatureHeader !== 'string') return false;
  const header = signatureHeader.trim();
  if (header.slice(0, SIGNATURE_PREFIX.length).toLowerCase() !== SIGNATURE_PREFIX) return false;
  const encoded = header.slice(SIGNATURE_PREFIX.length);
  if (!BASE64_SHA256.test(encoded)) return false;
  return timingSafeEqual(Buffer.from(encoded, 'base64'), hmacSha256(consumerSecret, rawBody));
}

function hmacSha256(key: string, message: Buffer | string): Buffer {
  return createHmac('sha256', key).update(message).digest();
}
