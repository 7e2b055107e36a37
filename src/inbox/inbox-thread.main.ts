import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { quietStartup } from '../common/quiet-startup-logger';
import { OutgoingWorkSignal } from '../common/work-signal';
import { Scheduler } from '../scheduling/scheduler';
import type { FromInboxThread, ToInboxThread } from './inbox-thread';
import { InboxWorker } from './inbox-worker.service';

/**
 * The inbox worker thread (started by InboxThread, src/inbox/inbox-thread.ts): the app without
 * HTTP, on its own SQLite connection, with the settings the app gave it (AppConfigModule reads
 * them), running the inbox worker and nothing else.
 */

/** The thread checkpoints the WAL for both connections (the app's thread does not: docs/THREADING.md, "Speed"). */
const CHECKPOINT_EVERY_MS = 10_000;
/** While events arrive (webhooks, polls: kicks), the thread's niceness: when the CPU is short, the app's thread runs first, the backlog after. */
const WHILE_WEBHOOKS_ARRIVE = 10;
/** This long after the last webhook, the thread has the app's priority again (it works a backlog alone). */
const WEBHOOKS_QUIET_MS = 1_000;

/**
 * Linux: this thread's CPU priority, not the process's (setpriority on the thread's own id).
 * Measured: with the worker busy on a 2-core machine, the app's thread waited for a CPU for tens of
 * milliseconds at a time, and a webhook with it; lowered for good, the worker lost a tenth of its
 * throughput on a backlog (to the delivery worker of the app's thread). So it is lowered while
 * webhooks arrive, and raised again when they stop (where raising is not allowed, an
 * unprivileged user without RLIMIT_NICE, it stays lowered). Elsewhere nothing changes.
 */
class ThreadPriority {
  private readonly threadId = ThreadPriority.ownId();
  private lowered = false;
  private timer?: NodeJS.Timeout;

  private static ownId(): number | undefined {
    try {
      const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
      return Number.isInteger(id) && id > 0 ? id : undefined;
    } catch {
      return undefined;
    }
  }

  eventsArrive(): void {
    if (this.threadId === undefined) return;
    if (!this.lowered) this.lowered = this.set(WHILE_WEBHOOKS_ARRIVE);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.set(0)) this.lowered = false;
    }, WEBHOOKS_QUIET_MS);
    this.timer.unref();
  }

  private set(niceness: number): boolean {
    try {
      setPriority(this.threadId!, niceness);
      return true;
    } catch {
      return false;
    }
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('inbox-thread.main runs as a worker thread only');
  const send = (message: FromInboxThread) => port.postMessage(message);
  const priority = new ThreadPriority();
  const app = await NestFactory.createApplicationContext(AppModule, { bufferLogs: true });
  app.useLogger(quietStartup(app.get(Logger)));
  app.get(OutgoingWorkSignal).relayTo(() => send({ type: 'outgoing' }));
  const worker = app.get(InboxWorker);
  const dataSource = app.get(DataSource);
  const checkpoints = setInterval(() => void dataSource.query('PRAGMA wal_checkpoint(PASSIVE)').catch(() => undefined), CHECKPOINT_EVERY_MS);
  checkpoints.unref();

  port.on('message', (message: ToInboxThread) => {
    switch (message.type) {
      case 'kick':
        priority.eventsArrive();
        return worker.kick();
      case 'drain':
        return void worker.drain().then(
          () => send({ type: 'drained', id: message.id }),
          (error: unknown) => send({ type: 'drained', id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
        );
      case 'stop':
        clearInterval(checkpoints);
        return void app.close().finally(() => port.close());
    }
  });
  // Only the inbox worker is on in this thread's settings (inboxThreadConfig).
  app.get(Scheduler).start();
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromInboxThread);
  process.exit(1);
});
