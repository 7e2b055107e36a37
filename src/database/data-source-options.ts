import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** One description of the database for the app, the TypeORM CLI (ormconfig.ts) and the tests. */
export function buildDataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: config.database.migrationsRun,
    dropSchema: config.database.dropSchema,
    synchronize: false,
    logging: false,
  } as const;

  if (config.database.kind === 'postgres') {
    return { ...common, type: 'postgres', url: config.database.url };
  }

  const path = config.database.sqlitePath;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const synchronous = config.database.sqliteSynchronous;
  return {
    ...common,
    type: 'better-sqlite3',
    database: path,
    enableWAL: path !== ':memory:',
    prepareDatabase: (db: { pragma(statement: string): unknown }) => {
      db.pragma(`synchronous = ${synchronous}`);
    },
  };
}
