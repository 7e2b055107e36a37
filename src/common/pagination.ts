/**
 * Page numbers from the query string. Whatever arrives (`Infinity`, `1e300`, 20 digits, `-3`, text,
 * a repeated parameter) becomes a page that exists: text and anything below 1 is page 1, anything
 * past the end the last page (docs/SECURITY.md, V5.1.3).
 */
export function requestedPage(raw: unknown): number {
  if (typeof raw !== 'string') return 1;
  const value = Number(raw.trim());
  if (Number.isNaN(value) || value < 1) return 1;
  return Number.isSafeInteger(Math.floor(value)) ? Math.floor(value) : Number.POSITIVE_INFINITY;
}

export interface PageWindow {
  page: number;
  pages: number;
  offset: number;
  limit: number;
}

/** The requested page clamped to the pages there are (always at least one, even when empty). */
export function pageWindow(requested: number, total: number, pageSize: number): PageWindow {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, requested), pages);
  return { page, pages, offset: (page - 1) * pageSize, limit: pageSize };
}
