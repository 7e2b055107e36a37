import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

/**
 * Where a request carries its token: the hidden `_csrf` field of a form, the `x-csrf-token` header,
 * or — for a file upload (multipart/form-data) only — the `_csrf` query parameter of the form's
 * action URL: an upload's body is read only after the CSRF and access checks passed
 * (src/acl/acl-upload.ts), so its token cannot be inside it.
 */
export function csrfTokenOf(req: Request): string | undefined {
  const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (typeof fromBody === 'string') return fromBody;
  const fromHeader = req.get('x-csrf-token');
  if (fromHeader) return fromHeader;
  if (req.is('multipart/form-data')) {
    const fromQuery = new URLSearchParams(req.originalUrl.split('?')[1] ?? '').get('_csrf');
    if (fromQuery) return fromQuery;
  }
  return undefined;
}

/** A URL without its `_csrf` parameter: for redirects and logs, so a token never travels further. */
export function withoutCsrfToken(url: string): string {
  const [path, query] = url.split('?', 2);
  if (query === undefined) return url;
  const params = new URLSearchParams(query);
  params.delete('_csrf');
  const rest = params.toString();
  return rest ? `${path}?${rest}` : path;
}

/** Synchroniser tokens kept in the session. */
export const { csrfSynchronisedProtection, generateToken } = csrfSync({ getTokenFromRequest: csrfTokenOf });
