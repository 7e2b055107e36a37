import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { APP_CONFIG, loadAppConfig, type AppConfig } from '../../src/config/app-config';

export const ADMIN = { login: 'root@localhost', password: 'admin-test-password' };

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * The real app (same configureApp as main.ts) on a fresh database: a SQLite file in a temp folder,
 * or the PostgreSQL database in DATABASE_URL with its schema dropped and migrated anew.
 */
export interface TestAppOptions {
  /** Settings on top of the environment, e.g. X_API_BASE_URL of a fake X API. */
  env?: Record<string, string>;
  /** A second app instance on the same database must not drop what the first one made. */
  keepSchema?: boolean;
  /** A data folder to use (and leave in place), e.g. to start a second app on the same SQLite file. */
  dataDir?: string;
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'socialdesk-test-'));
  const removeDir = () => {
    if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
  };
  const config = loadAppConfig({
    ...process.env,
    // Tests never reach the real X: nothing listens on port 9, unless a test passes its fake X API.
    X_API_BASE_URL: 'http://127.0.0.1:9',
    ...options.env,
    DATA_DIR: dir,
    SQLITE_PATH: join(dir, 'test.sqlite'),
    DB_DROP_SCHEMA: options.keepSchema ? 'false' : 'true',
    DB_MIGRATIONS_RUN: 'true',
  });
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config);
  if (options.override) builder = options.override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configureApp(app);
  try {
    await app.init();
  } catch (err) {
    // An app that refused to start (e.g. the wrong SECRETS_KEY) still holds database connections.
    await app.close().catch(() => undefined);
    removeDir();
    throw err;
  }
  return {
    app,
    config,
    dataSource: app.get(DataSource),
    async close() {
      await app.close();
      removeDir();
    },
  };
}
