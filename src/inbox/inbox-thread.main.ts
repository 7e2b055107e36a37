import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
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

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('inbox-thread.main runs as a worker thread only');
  const send = (message: FromInboxThread) => port.postMessage(message);
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
