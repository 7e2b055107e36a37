import fc from 'fast-check';
import { FILTER_MAX_LENGTH, listQuery, paginationLinks } from './list-query';

describe('listQuery', () => {
  it('takes the filter as typed, trimmed, and the page as requestedPage reads it', () => {
    expect(listQuery('  Müller ', '2')).toEqual({ filter: 'Müller', page: 2 });
    expect(listQuery(undefined, undefined)).toEqual({ filter: '', page: 1 });
    expect(listQuery('x', 'Infinity').page).toBe(Infinity);
  });

  it('reads a repeated or nested parameter as no filter', () => {
    expect(listQuery(['a', 'b'], '1').filter).toBe('');
    expect(listQuery({ a: 'b' }, '1').filter).toBe('');
  });

  it('keeps at most FILTER_MAX_LENGTH characters and never cuts an emoji in half', () => {
    const long = '😀'.repeat(FILTER_MAX_LENGTH + 5);
    const { filter } = listQuery(long, '1');
    expect(Array.from(filter)).toHaveLength(FILTER_MAX_LENGTH);
    expect(filter).toBe('😀'.repeat(FILTER_MAX_LENGTH));
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(filter)).toBe(false);
  });
});

describe('paginationLinks', () => {
  it('is null when everything fits on one page', () => {
    expect(paginationLinks('/admin/agents', { filter: 'x' }, { page: 1, pages: 1 })).toBeNull();
  });

  it('keeps the filter and the other parameters in both links, leaving out empty ones', () => {
    expect(paginationLinks('/admin/inbox', { filter: 'dm 5%', status: 'failed', empty: '', none: undefined }, { page: 2, pages: 3 })).toEqual({
      page: 2,
      pages: 3,
      previous: '/admin/inbox?filter=dm+5%25&status=failed&page=1',
      next: '/admin/inbox?filter=dm+5%25&status=failed&page=3',
    });
  });

  it('has no previous link on the first page and no next link on the last', () => {
    expect(paginationLinks('/a', {}, { page: 1, pages: 2 })).toMatchObject({ previous: null, next: '/a?page=2' });
    expect(paginationLinks('/a', {}, { page: 2, pages: 2 })).toMatchObject({ previous: '/a?page=1', next: null });
  });

  it('gives back any filter unchanged when the link is followed (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer({ min: 2, max: 50 }), (typed, pages) => {
        const { filter } = listQuery(typed, '1');
        const links = paginationLinks('/admin/groups', { filter }, { page: 1, pages })!;
        const next = new URL(links.next!, 'http://desk.example');
        expect(listQuery(next.searchParams.get('filter') ?? undefined, next.searchParams.get('page'))).toEqual({ filter, page: 2 });
      }),
    );
  });
});
