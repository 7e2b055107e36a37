import fc from 'fast-check';
import { pageWindow, requestedPage } from './pagination';

describe('requestedPage', () => {
  it.each([
    ['3', 3],
    [' 2 ', 2],
    ['2.9', 2],
    ['0', 1],
    ['-4', 1],
    ['-Infinity', 1],
    ['', 1],
    ['abc', 1],
    ['1e300', Infinity],
    ['Infinity', Infinity],
    ['99999999999999999999', Infinity],
  ])('reads %j as %p', (raw, page) => expect(requestedPage(raw)).toBe(page));

  it('reads what is not one string (absent, repeated, nested) as page 1', () => {
    expect(requestedPage(undefined)).toBe(1);
    expect(requestedPage(['2', '3'])).toBe(1);
    expect(requestedPage({ a: '2' })).toBe(1);
  });
});

describe('pageWindow', () => {
  it('clamps past the end to the last page, and an empty list to page 1 of 1', () => {
    expect(pageWindow(Infinity, 120, 50)).toEqual({ page: 3, pages: 3, offset: 100, limit: 50 });
    expect(pageWindow(7, 0, 50)).toEqual({ page: 1, pages: 1, offset: 0, limit: 50 });
  });

  it('always gives a page that exists and a safe whole-number offset, whatever is asked', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(10_000_000), fc.integer({ min: 1, max: 500 }), (raw, total, size) => {
        const w = pageWindow(requestedPage(raw), total, size);
        expect(Number.isSafeInteger(w.offset)).toBe(true);
        expect(w.page).toBeGreaterThanOrEqual(1);
        expect(w.page).toBeLessThanOrEqual(w.pages);
        expect(w.offset).toBeLessThanOrEqual(Math.max(0, total - 1));
      }),
    );
  });
});
