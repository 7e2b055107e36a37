import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntitySubscriberInterface, type InsertEvent, type ObjectLiteral, type UpdateEvent } from 'typeorm';
import { Clock } from '../common/clock';
import { rowTimesOf } from './row-times';

/**
 * Fills `@CreatedAtColumn`/`@ChangedAtColumn` (src/database/row-times.ts) from `Clock` on every
 * insert and update that goes through TypeORM (save, insert, update, query builders), so a test that
 * moves the clock moves these times too (docs/ARCHITECTURE.md, "Time"). Raw SQL passes the clock's
 * time itself.
 */
@Injectable()
export class RowTimesSubscriber implements EntitySubscriberInterface<ObjectLiteral> {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    dataSource.subscribers.push(this);
  }

  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    const times = rowTimesOf(event.metadata.target);
    if (!times) return;
    const now = this.clock.now();
    for (const property of [...times.created, ...times.changed]) {
      if (event.entity[property] === undefined || event.entity[property] === null) event.entity[property] = now;
    }
  }

  /** An update always moves the changed time, as the row did change (an unchanged entity's save issues no update). */
  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    const times = rowTimesOf(event.metadata.target);
    if (!times || !event.entity) return;
    const now = this.clock.now();
    for (const property of times.changed) event.entity[property] = now;
  }
}
