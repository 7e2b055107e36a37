import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { ensurePrivateDir, makePrivate, prepareSqliteFiles, sqliteFiles } from '../common/private-files';
import type { AppConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { takeWriteTurns } from './sqlite-write-turns';
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
    prepareDatabase: (db: SqliteConnection) => {
      db.pragma(`synchronous = ${synchronous}`);
      // SQLite's own LOWER() folds A–Z only; PostgreSQL's folds every letter. One answer on both, so
      // a filter for `ана` finds `Ана` and a login compares alike (src/database/contains-filter.ts).
      db.function('lower', { deterministic: true }, unicodeLower);
      takeWriteTurns(db);
      beginImmediate(db);
      if (path !== ':memory:') makePrivate(...sqliteFiles(path));
    },
  };
}

interface SqliteConnection {
  pragma(statement: string): unknown;
  prepare(source: string): unknown;
  function(name: string, options: { deterministic: boolean }, implementation: (value: unknown) => unknown): unknown;
}

/** LOWER() as PostgreSQL has it: every letter folded; NULL and numbers as they are. */
export function unicodeLower(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/**
 * Every transaction TypeORM begins on SQLite takes the write lock at BEGIN (BEGIN IMMEDIATE).
 * The inbox worker thread has a connection of its own (docs/THREADING.md, "Speed"): a transaction
 * that began by reading (TypeORM's plain BEGIN is deferred) and wrote after the other connection
 * had committed would fail with SQLITE_BUSY_SNAPSHOT, never waited for. Begun immediate, it waits
 * (busy timeout) for the other connection's transaction instead, and always sees its last commit.
 */
function beginImmediate(db: { prepare(source: string): unknown }): void {
  const prepare = db.prepare.bind(db);
  db.prepare = (source: string) => prepare(source === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : source);
}
