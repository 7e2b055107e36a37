import type { EntityManager } from 'typeorm';

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
  const postgres = m.connection.options.type === 'postgres';
  const result: unknown = await m.query(postgres ? postgresText(text) : text, parameters as unknown[]);
  // PostgreSQL's UPDATE and DELETE come as [rows, count]; SQLite's statements without rows as their last insert id.
  if (!Array.isArray(result)) return [];
  return (Array.isArray(result[0]) ? result[0] : result) as T[];
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
      return spread ? '\u0000' : '?';
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
  const expanded = lists.length === 0 ? template.text : template.text.replace(/\u0000/g, () => Array(lists[n++]).fill('?').join(', '));
  return rawQuery<T>(m, expanded, values);
}
