import type { EntityManager } from 'typeorm';
import { namedQuery, postgresText, rawQuery } from './raw-query';
import { isUniqueViolation } from './unique-violation';

/** An EntityManager that records what it was asked and answers with `result`. */
function managerOn(type: 'postgres' | 'better-sqlite3', result: unknown = []) {
  const calls: Array<{ text: string; parameters: unknown[] }> = [];
  const m = {
    connection: { options: { type } },
    query: (text: string, parameters: unknown[]) => {
      calls.push({ text, parameters });
      return Promise.resolve(result);
    },
  } as unknown as EntityManager;
  return { m, calls };
}

describe('rawQuery', () => {
  it('numbers the placeholders for PostgreSQL and leaves them for SQLite', async () => {
    expect(postgresText('SELECT a FROM t WHERE b = ? AND c IN (?, ?)')).toBe('SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)');
    const pg = managerOn('postgres');
    await rawQuery(pg.m, 'UPDATE t SET a = ? WHERE id = ?', [1, 2]);
    expect(pg.calls).toEqual([{ text: 'UPDATE t SET a = $1 WHERE id = $2', parameters: [1, 2] }]);
    const lite = managerOn('better-sqlite3');
    await rawQuery(lite.m, 'UPDATE t SET a = ? WHERE id = ?', [1, 2]);
    expect(lite.calls).toEqual([{ text: 'UPDATE t SET a = ? WHERE id = ?', parameters: [1, 2] }]);
  });

  it('returns rows whatever shape the driver answers in', async () => {
    // PostgreSQL's UPDATE … RETURNING comes as [rows, count]; SQLite's statement without rows as its last insert id.
    expect(await rawQuery(managerOn('postgres', [[{ id: 4 }], 1]).m, 'UPDATE t SET a = 1 RETURNING id', [])).toEqual([{ id: 4 }]);
    expect(await rawQuery(managerOn('postgres', [{ id: 4 }, { id: 5 }]).m, 'SELECT id FROM t', [])).toEqual([{ id: 4 }, { id: 5 }]);
    expect(await rawQuery(managerOn('better-sqlite3', 17).m, 'INSERT INTO t (a) VALUES (1)', [])).toEqual([]);
  });
});

describe('rawQuery in a PostgreSQL transaction', () => {
  /** A transaction's runner on PostgreSQL: statements go to its connection as named prepared statements. */
  function inTransaction(answer: (query: { name: string; text: string; values: unknown[] }) => Promise<{ rows: unknown[] }>) {
    const sent: Array<{ name: string; text: string; values: unknown[] }> = [];
    const m = {
      connection: { options: { type: 'postgres' } },
      queryRunner: { isTransactionActive: true, databaseConnection: { query: (q: { name: string; text: string; values: unknown[] }) => (sent.push(q), answer(q)) } },
      query: () => Promise.reject(new Error('not through TypeORM')),
    } as unknown as EntityManager;
    return { m, sent };
  }

  it('prepares each statement once per connection under a name of its text', async () => {
    const { m, sent } = inTransaction(() => Promise.resolve({ rows: [{ id: 1 }] }));
    expect(await rawQuery(m, 'SELECT id FROM t WHERE a = ?', [5])).toEqual([{ id: 1 }]);
    await rawQuery(m, 'SELECT id FROM t WHERE a = ?', [6]);
    await rawQuery(m, 'SELECT id FROM t WHERE b = ?', [6]);
    expect(sent.map((q) => q.text)).toEqual(['SELECT id FROM t WHERE a = $1', 'SELECT id FROM t WHERE a = $1', 'SELECT id FROM t WHERE b = $1']);
    expect(sent[0].name).toBe(sent[1].name);
    expect(sent[2].name).not.toBe(sent[0].name);
    expect(sent[0].name).toMatch(/^sd_[0-9a-f]{24}$/);
  });

  it('reports a failure as every other query does, so a unique violation is recognised', async () => {
    const { m } = inTransaction(() => Promise.reject(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })));
    const failure = await rawQuery(m, 'INSERT INTO t (a) VALUES (?)', [1]).catch((error: unknown) => error);
    expect(isUniqueViolation(failure)).toBe(true);
  });
});

describe('namedQuery', () => {
  it('turns names and lists into placeholders, never values into the text', async () => {
    const { m, calls } = managerOn('better-sqlite3');
    await namedQuery(m, `UPDATE e SET n = :now WHERE p = :profileId AND w IN (:...ids) AND k = 'tweet:' || w AND n > :now`, { now: 5, profileId: 1, ids: ['7', '8', '9'] });
    expect(calls).toEqual([{ text: `UPDATE e SET n = ? WHERE p = ? AND w IN (?, ?, ?) AND k = 'tweet:' || w AND n > ?`, parameters: [5, 1, '7', '8', '9', 5] }]);
  });

  it('leaves PostgreSQL casts alone', async () => {
    const { m, calls } = managerOn('postgres');
    await namedQuery(m, 'SELECT :key::text AS k, x::int FROM t WHERE a IN (:...list) AND b = :b', { key: 'k', list: [1, 2], b: 3 });
    expect(calls).toEqual([{ text: 'SELECT $1::text AS k, x::int FROM t WHERE a IN ($2, $3) AND b = $4', parameters: ['k', 1, 2, 3] }]);
  });

  it('refuses a missing value or an empty list', async () => {
    const { m } = managerOn('postgres');
    await expect(namedQuery(m, 'SELECT 1 WHERE a = :a', {})).rejects.toThrow(':a');
    await expect(namedQuery(m, 'SELECT 1 WHERE a IN (:...a)', { a: [] })).rejects.toThrow(':...a');
  });
});
