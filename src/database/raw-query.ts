import { createHash } from 'node:crypto';
import { QueryFailedError, type EntityManager, type QueryRunner } from 'typeorm';

const POSTGRES_TEXT = new Map<string, string>();

/**
 * Runs one statement written with `?` placeholders on either database (`$1, $2 …` on PostgreSQL,
 * converted once per statement text). For the inbox's hot path (docs/THREADING.md, "Speed"): the
 * same text every time, so SQLite reuses its prepared statement (TypeORM caches them by text),
 * without the query builders' work per call and without TypeORM's reload of inserted rows.
 * Values go as parameters only, never into the text. Returns the rows (of a SELECT, or RETURNING)
 * as the driver gives them (PostgreSQL: bigint as string; SQLite: booleans as 0/1).
 */
export async function rawQuery<T = Record<string, unknown>>(m: EntityManager, text: string, parameters: readonly unknown[]): Promise<T[]> {
  if (m.connection.options.type === 'postgres') return postgresQuery<T>(m, postgresText(text), parameters);
  const result: unknown = await m.query(text, parameters as unknown[]);
  // SQLite's statements without rows come as their last insert id.
  return Array.isArray(result) ? (result as T[]) : [];
}

interface PgConnection {
  query(query: { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
}

const STATEMENT_NAMES = new Map<string, string>();

/**
 * A statement in PostgreSQL's own `$n` syntax. Inside a transaction it is a named prepared
 * statement on the transaction's connection: parsed and planned once per connection instead of on
 * every call (the inbox's statements run for every event; the bigger ones cost PostgreSQL more to
 * plan than to run). Errors come as TypeORM's QueryFailedError, as from any other query.
 */
export async function postgresQuery<T = Record<string, unknown>>(m: EntityManager, text: string, parameters: readonly unknown[]): Promise<T[]> {
  const runner: (QueryRunner & { databaseConnection?: PgConnection }) | undefined = m.queryRunner;
  const connection = runner?.isTransactionActive ? runner.databaseConnection : undefined;
  if (!connection) {
    const result: unknown = await m.query(text, parameters as unknown[]);
    // UPDATE and DELETE come as [rows, count].
    if (!Array.isArray(result)) return [];
    return (Array.isArray(result[0]) ? result[0] : result) as T[];
  }
  let name = STATEMENT_NAMES.get(text);
  if (name === undefined) {
    name = `sd_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    STATEMENT_NAMES.set(text, name);
  }
  try {
    return (await connection.query({ name, text, values: parameters })).rows as T[];
  } catch (error) {
    throw new QueryFailedError(text, parameters as unknown[], error as Error);
  }
}

/** `?` → `$n`. Statements here hold no `?` inside string literals. */
export function postgresText(text: string): string {
  let converted = POSTGRES_TEXT.get(text);
  if (converted === undefined) {
    let n = 0;
    converted = text.replace(/\?/g, () => `$${++n}`);
    POSTGRES_TEXT.set(text, converted);
  }
  return converted;
}

/** Marks where a list's placeholders go until its length is known (a character no statement holds). */
const LIST = '\uE000';

const POSITIONAL = new Map<string, { text: string; names: Array<{ name: string; spread: boolean }> }>();

/**
 * The same with named parameters (`:name`, and `:...name` for a list), turned into placeholders
 * rather than into values in the text (TypeORM's escapeQueryWithParameters writes numbers into the
 * text on SQLite: every call a new statement to prepare).
 */
export async function namedQuery<T = Record<string, unknown>>(m: EntityManager, text: string, parameters: Record<string, unknown>): Promise<T[]> {
  let template = POSITIONAL.get(text);
  if (template === undefined) {
    const names: Array<{ name: string; spread: boolean }> = [];
    const positional = text.replace(/(?<!:):(\.\.\.)?([A-Za-z_]\w*)/g, (_, spread: string | undefined, name: string) => {
      names.push({ name, spread: !!spread });
      return spread ? LIST : '?';
    });
    template = { text: positional, names };
    POSITIONAL.set(text, template);
  }
  const values: unknown[] = [];
  const lists: number[] = [];
  for (const { name, spread } of template.names) {
    if (!(name in parameters)) throw new Error(`namedQuery: no value for :${name}`);
    const value = parameters[name];
    if (!spread) values.push(value);
    else {
      const list = value as unknown[];
      if (!Array.isArray(list) || list.length === 0) throw new Error(`namedQuery: :...${name} must be a non-empty list`);
      values.push(...list);
      lists.push(list.length);
    }
  }
  let n = 0;
  const expanded = lists.length === 0 ? template.text : template.text.replaceAll(LIST, () => Array(lists[n++]).fill('?').join(', '));
  return rawQuery<T>(m, expanded, values);
}
