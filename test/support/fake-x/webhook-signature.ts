import { createHmac } from 'node:crypto';

/**
 * The x-twitter-webhooks-signature X sends with an Account Activity event: `sha256=` + base64 of the
 * HMAC-SHA256 of the raw body under the app's consumer secret (docs/X.md, "CRC and signatures").
 * X's side only: the app checks signatures (isValidWebhookSignature in
 * src/channels/x/webhook-crypto.ts) and never makes one.
 */
export function webhookSignature(rawBody: Buffer | string, consumerSecret: string): string {
  return 'sha256=' + createHmac('sha256', consumerSecret).update(rawBody).digest('base64');
}
