import { Global, Module } from '@nestjs/common';
import { isMainThread, workerData } from 'node:worker_threads';
import { APP_CONFIG, loadAppConfig, type AppConfig } from './app-config';

/**
 * The settings the inbox worker thread was started with (src/inbox/inbox-thread.ts): the app's
 * own, as it resolved them, with what the thread does differently. Undefined everywhere else.
 */
export function inheritedAppConfig(): AppConfig | undefined {
  if (isMainThread) return undefined;
  return (workerData as { socialdeskConfig?: AppConfig } | null)?.socialdeskConfig;
}

@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: () => inheritedAppConfig() ?? loadAppConfig() }],
  exports: [APP_CONFIG],
})
export class AppConfigModule {}
