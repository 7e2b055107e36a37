import { requestedPage } from './pagination';
import type { PageWindow } from './pagination';

/**
 * An admin list's filter box and page as they arrive in the URL (`?filter=…&page=…`). One way for
 * every list: the controller parses this, the list's service filters in SQL (whereContains in
 * src/database/contains-filter.ts) and pages with pageOf, and the page links keep the filter.
 */
export interface ListQuery {
  /** What the filter box holds, trimmed and at most FILTER_MAX_LENGTH characters; '' for none. */
  readonly filter: string;
  /** As requested; the service clamps it to the pages there are. */
  readonly page: number;
}

export const FILTER_MAX_LENGTH = 200;
/** Rows on one page of an admin list. */
export const ADMIN_LIST_PAGE_SIZE = 50;

export function listQuery(filter: unknown, page: unknown): ListQuery {
  // Characters, not UTF-16 units: a cut never splits an emoji into a lone surrogate.
  const text = typeof filter === 'string' ? Array.from(filter.trim()).slice(0, FILTER_MAX_LENGTH).join('').trim() : '';
  return { filter: text, page: requestedPage(page) };
}

/** One page of a filtered list. */
export interface ListPage<T> {
  readonly rows: T[];
  /** Rows that pass the filter, on all pages. */
  readonly total: number;
  readonly window: PageWindow;
}

export interface PaginationLinks {
  readonly page: number;
  readonly pages: number;
  readonly previous: string | null;
  readonly next: string | null;
}

/**
 * Previous/next links of a list page that keep its other parameters (the filter, a status), or
 * null when everything fits on one page. Empty parameters are left out of the URL.
 */
export function paginationLinks(path: string, params: Record<string, string | undefined>, window: Pick<PageWindow, 'page' | 'pages'>): PaginationLinks | null {
  if (window.pages <= 1) return null;
  const kept = Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '');
  const url = (page: number) => `${path}?${new URLSearchParams([...kept, ['page', String(page)]])}`;
  return {
    page: window.page,
    pages: window.pages,
    previous: window.page > 1 ? url(window.page - 1) : null,
    next: window.page < window.pages ? url(window.page + 1) : null,
  };
}

/** What a list template needs: the filter as typed (for the box), the page's rows, and the links. */
export function listView<T>(path: string, query: ListQuery, page: ListPage<T>, params: Record<string, string | undefined> = {}) {
  return { filter: query.filter, rows: page.rows, total: page.total, pagination: paginationLinks(path, { filter: query.filter, ...params }, page.window) };
}
