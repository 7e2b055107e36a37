import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { sqliteDatetimeToEpochMs } from '../sqlite-datetime-to-epoch-ms';

/** Every column that said when a row was created or changed, by table. */
const TIMES: Record<string, string[]> = {
  groups: ['created_at', 'changed_at'],
  users: ['created_at', 'changed_at'],
  queues: ['created_at', 'changed_at'],
  social_media_profiles: ['created_at', 'changed_at'],
  profile_webhooks: ['changed_at'],
  acls: ['created_at', 'changed_at'],
  acl_deployments: ['deployed_at'],
  tickets: ['created_at', 'changed_at'],
  articles: ['created_at'],
  attachments: ['created_at'],
  inbox_events: ['received_at'],
};

/**
 * One way to store time (docs/ARCHITECTURE.md, "Time"): when a row was created or changed becomes
 * epoch milliseconds in a bigint column, written from Clock like every other stored moment, instead
 * of the database's own timestamp. Existing rows keep their moment: PostgreSQL's `timestamp` was
 * written by now() in the session's time zone, SQLite's text by datetime('now') in UTC.
 *
 * SQLite cannot change a column's type in place: the tables are rebuilt (TypeORM's changeColumns,
 * indexes, uniques and foreign keys kept). Dropping the old table would delete or refuse the rows
 * that reference it while foreign keys are enforced; runMigrations switches them off, a revert
 * inside a transaction cannot (SQLite ignores the switch there): it must run without one.
 */
export class EpochMsTimes1764600000000 implements MigrationInterface {
  name = 'EpochMsTimes1764600000000';

  async up(q: QueryRunner): Promise<void> {
    if (isPostgres(q)) {
      for (const [table, columns] of Object.entries(TIMES)) {
        const changes = columns.map(
          (c) => `ALTER COLUMN ${c} DROP DEFAULT, ALTER COLUMN ${c} TYPE bigint USING (round(extract(epoch from ${c} AT TIME ZONE current_setting('TimeZone')) * 1000))::bigint`,
        );
        await q.query(`ALTER TABLE ${table} ${changes.join(', ')}`);
      }
      return;
    }
    await refuseWithForeignKeysOn(q);
    for (const [table, columns] of Object.entries(TIMES)) {
      await q.query(`UPDATE ${table} SET ${columns.map((c) => `${c} = ${sqliteDatetimeToEpochMs(c)}`).join(', ')}`);
      await rebuildWith(q, table, columns, (name) => new TableColumn({ name, type: 'bigint' }));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (isPostgres(q)) {
      for (const [table, columns] of Object.entries(TIMES)) {
        const changes = columns.map((c) => `ALTER COLUMN ${c} TYPE timestamp USING (to_timestamp(${c} / 1000.0) AT TIME ZONE current_setting('TimeZone')), ALTER COLUMN ${c} SET DEFAULT now()`);
        await q.query(`ALTER TABLE ${table} ${changes.join(', ')}`);
      }
      return;
    }
    await refuseWithForeignKeysOn(q);
    for (const [table, columns] of Object.entries(TIMES)) {
      await q.query(`UPDATE ${table} SET ${columns.map((c) => `${c} = strftime('%Y-%m-%d %H:%M:%f', ${c} / 1000.0, 'unixepoch')`).join(', ')}`);
      await rebuildWith(q, table, columns, (name) => new TableColumn({ name, type: 'datetime', default: "datetime('now')" }));
    }
  }
}

function isPostgres(q: QueryRunner): boolean {
  return q.connection.options.type === 'postgres';
}

async function refuseWithForeignKeysOn(q: QueryRunner): Promise<void> {
  const [{ foreign_keys: enforced }] = (await q.query('PRAGMA foreign_keys')) as { foreign_keys: number }[];
  if (enforced) {
    throw new Error(
      'EpochMsTimes1764600000000 rebuilds SQLite tables, which needs foreign keys off: run it without a transaction (typeorm migration:revert --transaction none), so that TypeORM can switch them off.',
    );
  }
}

/** The table rebuilt with the given columns changed, read afresh (a kept shape may predate plain ALTER TABLEs of earlier migrations). */
async function rebuildWith(q: QueryRunner, tableName: string, columns: string[], column: (name: string) => TableColumn): Promise<void> {
  const table = (await q.getTable(tableName))!;
  await q.changeColumns(
    table,
    columns.map((name) => ({ oldColumn: table.findColumnByName(name)!, newColumn: column(name) })),
  );
}
