import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Narrows a query to rows where any of `columns` contains `term`, ignoring case, as one SQL
 * condition (LIKE with the wildcards of the term escaped, so `50%` and `a_b` mean what they say).
 * LOWER() folds every letter on both databases: PostgreSQL's does, and SQLite's is replaced by a
 * Unicode-aware one at connect (data-source-options.ts), so `ана` finds `Ана` and `MÜLLER` `müller`.
 * An empty term leaves the query as it is.
 */
export function whereContains<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, columns: readonly string[], term: string, parameter = 'containsPattern'): SelectQueryBuilder<T> {
  if (term === '' || columns.length === 0) return query;
  const pattern = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const condition = columns.map((column) => `LOWER(COALESCE(${column}, '')) LIKE :${parameter} ESCAPE '\\'`).join(' OR ');
  return query.andWhere(`(${condition})`, { [parameter]: pattern });
}
