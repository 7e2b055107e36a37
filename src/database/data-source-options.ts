import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { ensurePrivateDir, makePrivate, prepareSqliteFiles, sqliteFiles } from '../common/private-files';
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
  if (path !== ':memory:') {
    // DATA_DIR is the app's own: tightened. A folder named by SQLITE_PATH elsewhere is only created private.
    ensurePrivateDir(dirname(path), resolve(dirname(path)) === resolve(config.dataDir) ? 'tighten' : 'leave');
    prepareSqliteFiles(path);
  }
  const synchronous = config.database.sqliteSynchronous;
  return {
    ...common,
    type: 'better-sqlite3',
    database: path,
    enableWAL: path !== ':memory:',
    prepareDatabase: (db: { pragma(statement: string): unknown }) => {
      db.pragma(`synchronous = ${synchronous}`);
      if (path !== ':memory:') makePrivate(...sqliteFiles(path));
    },
  };
}
