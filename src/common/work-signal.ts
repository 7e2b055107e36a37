import { Injectable } from '@nestjs/common';

/**
 * "There is new work": lets one part of the app wake another's worker at once instead of waiting
 * for its timer, without the two knowing each other (the inbox creates auto-replies that the
 * delivery worker sends).
 */
@Injectable()
export class OutgoingWorkSignal {
  private readonly listeners = new Set<() => void>();
  private relay?: () => void;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Listeners run in a later turn of the event loop, never inside the notifier's own promise chain:
   * on SQLite (one shared connection) two chains interleaving their transactions would nest BEGINs.
   */
  notify(): void {
    if (this.relay) return this.relay();
    setImmediate(() => {
      for (const listener of this.listeners) listener();
    });
  }

  /**
   * The inbox worker thread (src/inbox/inbox-thread.ts) sends its signals to the app's thread,
   * where the delivery worker listens; nothing listens in the thread itself.
   */
  relayTo(relay: () => void): void {
    this.relay = relay;
  }
}
