import { open } from 'node:fs/promises';

/**
 * fsync of a SQLite WAL file, off the event loop (libuv's thread pool), for commits made with
 * synchronous NORMAL that must nonetheless survive a power loss before they are acknowledged (the
 * webhook's, docs/THREADING.md "Speed"). SQLite's FULL does the same fsync inside COMMIT, which
 * holds the app's event loop and the write lock for as long as the disk takes.
 *
 * The WAL is one file written in order and replayed in order: an fsync that starts after a commit
 * returned makes that commit, and everything before it, durable. Calls that arrive while an fsync
 * is under way share the next one.
 */
export class WalSync {
  private running?: Promise<void>;
  private next?: Promise<void>;

  constructor(private readonly walPath: string) {}

  /** Resolves once an fsync that began after this call has finished. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.fsync().finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running.then(() => {
      this.next = undefined;
      return this.sync();
    });
    return this.next;
  }

  private async fsync(): Promise<void> {
    let file;
    try {
      file = await open(this.walPath, 'r');
    } catch (error) {
      // No WAL: the last connection closed and checkpointed it into the database file (synced).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      await file.sync();
    } finally {
      await file.close();
    }
  }
}
