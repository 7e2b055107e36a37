import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Every explicit transaction of the app goes through here.
 *
 * PostgreSQL: a plain transaction on a pooled connection.
 * SQLite: TypeORM hands every caller the same query runner, and concurrent promise chains (an HTTP
 * handler, the inbox worker, the delivery worker) may resume in one microtask checkpoint; two of them
 * opening a transaction at once would nest BEGINs on the one connection. So on SQLite transactions
 * take turns: a process-wide gate, entered only once no other transaction is open.
 */
@Injectable()
export class Transactions {
  private gate: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.dataSource.transaction(work));
  }

  /** For code that drives a query runner itself (savepoints per item): the same turn-taking. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.dataSource.options.type === 'postgres') return work();
    const turn = this.gate.then(async () => {
      // An implicit transaction (TypeORM's save()) may still be open on the shared runner.
      const runner = this.dataSource.createQueryRunner();
      while (runner.isTransactionActive) await new Promise((resolve) => setImmediate(resolve));
      return work();
    });
    this.gate = turn.catch(() => undefined);
    return turn;
  }
}
