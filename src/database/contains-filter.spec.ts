import { DataSource } from 'typeorm';
import { whereContains } from './contains-filter';
import { unicodeLower } from './data-source-options';

describe('unicodeLower (SQLite LOWER() as PostgreSQL has it)', () => {
  it('folds every letter, and leaves NULL and numbers alone', () => {
    expect(unicodeLower('АНА MÜLLER ÆØ')).toBe('ана müller æø');
    expect(unicodeLower(null)).toBeNull();
    expect(unicodeLower(5)).toBe(5);
  });
});

describe('whereContains', () => {
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
  const query = () => dataSource.createQueryBuilder().select('t.name').from('things', 't');

  it('adds one condition over all columns with the term escaped and folded', () => {
    const [sql, parameters] = whereContains(query(), ['t.name', 't.comment'], '50%_A\\b').getQueryAndParameters();
    expect(sql).toContain(`(LOWER(COALESCE(t.name, '')) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(t.comment, '')) LIKE ? ESCAPE '\\')`);
    expect(parameters).toEqual(['%50\\%\\_a\\\\b%', '%50\\%\\_a\\\\b%']);
  });

  it('leaves the query alone for an empty term', () => {
    expect(whereContains(query(), ['t.name'], '').getQuery()).toBe(query().getQuery());
  });
});
