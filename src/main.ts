import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { APP_CONFIG, loadAppConfig, type AppConfig } from './config/app-config';
import { Scheduler } from './scheduling/scheduler';

async function bootstrap(): Promise<void> {
  // Checked here first, so a bad setting is one line on the console rather than a Nest stack trace.
  loadAppConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
  configureApp(app);
  app.enableShutdownHooks();
  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.port, config.host);
  // Only the server runs recurring jobs; tests and the CLI build the same app without starting them.
  const jobs = app.get(Scheduler).start();
  console.log(`socialdesk is listening on ${config.baseUrl} (database: ${config.database.kind}; jobs: ${jobs.join(', ') || 'none'})`);
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
