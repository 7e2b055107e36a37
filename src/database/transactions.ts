import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { appTurn } from './sqlite-write-turns';
import { WalSync } from './wal-sync';

/** The better-sqlite3 handle under TypeORM's SQLite driver. */
export interface SqliteHandle {
  inTransaction: boolean;
  pragma(source: string): unknown;
  prepare(source: string): { run(...values: unknown[]): unknown };
}

/**
 * Every explicit transaction of the app goes through here.
 *
 * PostgreSQL: a plain transaction on a pooled connection.
 * SQLite: TypeORM hands every caller the same query runner, and concurrent promise chains (an HTTP
 * handler, the inbox worker, the delivery worker) may resume in one microtask checkpoint; two of them
 * opening a transaction at once would nest BEGINs on the one connection. So on SQLite transactions
 * take turns: a process-wide gate, entered only once no other transaction is open.
 *
 * SQLite with SQLITE_SYNCHRONOUS=FULL (docs/THREADING.md, "Speed"): a transaction commits without
 * waiting for the disk, and the WAL's fsync follows off the event loop (WalSync, shared by every
 * commit made meanwhile) before run() resolves. Its caller gets what FULL promises, a commit that
 * survives a power loss once it returns, while neither the event loop nor the write lock (which the
 * inbox thread waits for) is held for as long as the disk takes. Statements other code runs on the
 * connection in the instant between the switch and BEGIN (none but by accident) commit the same way
 * and are synced by the same fsync.
 */
@Injectable()
export class Transactions {
  private gate: Promise<unknown> = Promise.resolve();
  private readonly walSync?: WalSync;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const { database } = config;
    if (database.kind === 'sqlite' && database.sqlitePath !== ':memory:' && database.sqliteSynchronous === 'FULL') this.walSync = new WalSync(`${database.sqlitePath}-wal`);
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.exclusive(() => this.withoutWaitingForDisk(() => this.dataSource.transaction(work)));
    await this.durable();
    return result;
  }

  /** For code that drives a query runner itself (savepoints per item): the same turn-taking. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.dataSource.options.type === 'postgres') return work();
    const turn = this.gate.then(async () => {
      // An implicit transaction (TypeORM's save()) may still be open on the shared runner.
      const runner = this.dataSource.createQueryRunner();
      while (runner.isTransactionActive) await new Promise((resolve) => setImmediate(resolve));
      // The inbox thread's transaction ends first, while this thread's event loop goes on (sqlite-write-turns).
      const release = await appTurn();
      try {
        return await work();
      } finally {
        release();
      }
    });
    this.gate = turn.catch(() => undefined);
    return turn;
  }

  /**
   * SQLite with FULL: runs `work` (inside exclusive()) with commits that do not wait for the disk;
   * call durable() after leaving exclusive(), before telling anyone the commit happened.
   */
  async withoutWaitingForDisk<T>(work: () => Promise<T>): Promise<T> {
    if (!this.walSync) return work();
    const db = this.sqliteHandle();
    db.pragma('synchronous = NORMAL');
    try {
      return await work();
    } finally {
      db.pragma(`synchronous = ${this.config.database.sqliteSynchronous}`);
    }
  }

  /** SQLite with FULL: resolves once every commit made so far is on disk (an fsync of the WAL that began after this call). */
  async durable(): Promise<void> {
    await this.walSync?.sync();
  }

  /** SQLite's connection handle, for statements that must run without an await between them (InboxStore). */
  sqliteHandle(): SqliteHandle {
    return (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
  }
}
