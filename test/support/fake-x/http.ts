import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The fake X API's view of an HTTP request, and the small helpers its endpoints share. */

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  url: string;
  contentType?: string;
  body: string;
  authorization?: string;
}

// Media uploads carry up to 5 MB base64-encoded.
const MAX_BODY_BYTES = 8_000_000;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function jsonBody(request: FakeRequest): Record<string, unknown> | undefined {
  if (!/^application\/json\b/i.test(request.contentType ?? '')) return undefined;
  try {
    const parsed: unknown = JSON.parse(request.body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.href;
}

export function isAbsoluteUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
