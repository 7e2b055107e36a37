import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings without leaking where they differ. Both sides are hashed first so
 * inputs of different lengths still take the same path (timingSafeEqual needs equal lengths).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB) && a.length === b.length;
}
