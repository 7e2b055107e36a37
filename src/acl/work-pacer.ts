import { Injectable } from '@nestjs/common';

/**
 * Large ACL work (importing, deploying, exporting, listing 10,000 ACLs) runs in slices and hands
 * the event loop back between them, so health checks, webhooks and other requests keep being
 * answered (docs/ACL.md, "Large sets"). A resolved promise is not enough for that: it only lets
 * other microtasks run, not waiting I/O; `setImmediate` does.
 */
@Injectable()
export class WorkPacer {
  /** How often `pause` was called; tests check that a large job really took turns. */
  pauses = 0;

  pause(): Promise<void> {
    this.pauses++;
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Runs `work` for each slice of `items`, pausing between slices. */
  async inSlices<T>(items: readonly T[], size: number, work: (slice: readonly T[], offset: number) => void | Promise<void>): Promise<void> {
    for (let offset = 0; offset < items.length; offset += size) {
      if (offset > 0) await this.pause();
      await work(items.slice(offset, offset + size), offset);
    }
  }
}
