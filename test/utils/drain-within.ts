import type { InboxWorker } from '../../src/inbox/inbox-worker.service';

/**
 * The inbox worker's drain(), failing the test when it has not returned within `limitMs`: a drain
 * that went on past the limit would keep working while the test reads the database.
 */
export async function drainWithin(worker: InboxWorker, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('drain() did not return')), limitMs)));
  try {
    await Promise.race([worker.drain(), limit]);
  } finally {
    clearTimeout(timer);
  }
}
