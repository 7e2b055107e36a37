import type { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column shapes that differ between SQLite and PostgreSQL, so one migration history serves both.
 * The defaults match what TypeORM expects for the entity decorators, which keeps the drift check quiet.
 */
export function columnKit(queryRunner: QueryRunner) {
  const isPostgres = queryRunner.connection.options.type === 'postgres';
  return {
    id: (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
    /**
     * createdAt, changedAt: the database's own timestamp, as the migrations before
     * 1764600000000-EpochMsTimes created these columns; times are epoch ms from Clock since
     * (docs/ARCHITECTURE.md, "Time"), and later migrations write `bigint` columns.
     */
    createdAt: (): TableColumnOptions => ({
      name: 'created_at',
      type: isPostgres ? 'timestamp' : 'datetime',
      default: isPostgres ? 'now()' : "datetime('now')",
    }),
    changedAt: (): TableColumnOptions => ({
      name: 'changed_at',
      type: isPostgres ? 'timestamp' : 'datetime',
      default: isPostgres ? 'now()' : "datetime('now')",
    }),
    /** SQLite keeps booleans as 0/1, and TypeORM compares the default that way. */
    boolean: (name: string, defaultValue: boolean): TableColumnOptions => ({
      name,
      type: 'boolean',
      default: isPostgres ? defaultValue : Number(defaultValue),
    }),
    varchar: (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      ...extra,
    }),
  };
}

/** Writes `?` placeholders the way the connected driver wants them ($1, $2 … on PostgreSQL). */
export function sql(queryRunner: QueryRunner, text: string): string {
  if (queryRunner.connection.options.type !== 'postgres') return text;
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
