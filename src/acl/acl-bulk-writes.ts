import type { EntityManager } from 'typeorm';
import type { StoredAcl } from './acl.entity';

// Many ACL rows in one statement. TypeORM's insert()/update() spend about 0.1 ms (SQLite) to
// 0.5 ms (PostgreSQL) per row on entity bookkeeping, which made an import of 10,000 ACLs take
// seconds; one parameterised statement per slice of rows takes a few milliseconds. The column
// list mirrors acl.entity.ts; the drift test (entities vs migrations) guards the names.

type AclColumns = Pick<StoredAcl, 'name' | 'comment' | 'description' | 'stopAfterMatch' | 'validId' | 'configMatch' | 'configChange' | 'changedBy'>;
export type NewAclRow = AclColumns & Pick<StoredAcl, 'createdBy'>;
export type AclRowUpdate = AclColumns & Pick<StoredAcl, 'id'>;

/** Rows per statement: 500 × 11 parameters stays far below SQLite's and PostgreSQL's limits. */
export const ROWS_PER_STATEMENT = 500;

class Parameters {
  readonly values: unknown[] = [];
  constructor(private readonly postgres: boolean) {}

  /** A placeholder for the value; PostgreSQL needs the type of VALUES columns spelled out. */
  add(value: unknown, pgType?: 'integer' | 'boolean' | 'bigint'): string {
    this.values.push(typeof value === 'boolean' && !this.postgres ? (value ? 1 : 0) : value);
    if (!this.postgres) return '?';
    return pgType ? `$${this.values.length}::${pgType}` : `$${this.values.length}`;
  }
}

const isPostgres = (manager: EntityManager) => manager.connection.options.type === 'postgres';

/** Inserts the rows (at most ROWS_PER_STATEMENT) in one statement, created and changed `now` (epoch ms from Clock). */
export async function insertAclRows(manager: EntityManager, rows: readonly NewAclRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  const p = new Parameters(isPostgres(manager));
  const tuples = rows.map(
    (r) =>
      `(${[p.add(r.name), p.add(r.comment), p.add(r.description), p.add(r.stopAfterMatch, 'boolean'), p.add(r.validId, 'integer'), p.add(r.configMatch), p.add(r.configChange), p.add(r.createdBy), p.add(r.changedBy), p.add(now, 'bigint'), p.add(now, 'bigint')].join(', ')})`,
  );
  await manager.query(
    `INSERT INTO acls (name, comment, description, stop_after_match, valid_id, config_match, config_change, created_by, changed_by, created_at, changed_at) VALUES ${tuples.join(', ')}`,
    p.values,
  );
}

/** Replaces every column but the creation ones of the rows (at most ROWS_PER_STATEMENT), in one statement, changed `now` (epoch ms from Clock). */
export async function updateAclRows(manager: EntityManager, rows: readonly AclRowUpdate[], now: number): Promise<void> {
  if (rows.length === 0) return;
  const postgres = isPostgres(manager);
  const p = new Parameters(postgres);
  // First: SQLite's `?` placeholders take the values in the order the statement names them.
  const changedAt = p.add(now, 'bigint');
  const tuples = rows.map(
    (r) =>
      `(${[p.add(r.id, 'integer'), p.add(r.name), p.add(r.comment), p.add(r.description), p.add(r.stopAfterMatch, 'boolean'), p.add(r.validId, 'integer'), p.add(r.configMatch), p.add(r.configChange), p.add(r.changedBy)].join(', ')})`,
  );
  // Both databases name the columns of a VALUES list column1, column2, …
  await manager.query(
    `UPDATE acls SET name = v.column2, comment = v.column3, description = v.column4, stop_after_match = v.column5, valid_id = v.column6, ` +
      `config_match = v.column7, config_change = v.column8, changed_by = v.column9, changed_at = ${changedAt} ` +
      `FROM (VALUES ${tuples.join(', ')}) AS v WHERE acls.id = v.column1`,
    p.values,
  );
}
