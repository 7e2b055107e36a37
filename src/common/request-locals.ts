import type { NextFunction, Request, Response } from 'express';
import { generateToken } from './csrf';
import { takeFlash } from './flash';
import { resolveLanguage } from '../i18n/resolve-language';

/**
 * What every page's layout needs. The CSRF token is made only when a page is rendered (a getter),
 * so health checks and redirects do not create sessions.
 */
export function requestLocals(req: Request, res: Response, next: NextFunction): void {
  res.locals.lang = resolveLanguage(req.session?.language, req);
  res.locals.section = sectionOf(req.path);
  let token: string | undefined;
  Object.defineProperty(res.locals, 'csrfToken', { enumerable: true, get: () => (token ??= generateToken(req)) });
  let flash: ReturnType<typeof takeFlash> | undefined;
  Object.defineProperty(res.locals, 'flash', { enumerable: true, get: () => (flash ??= takeFlash(req)) });
  next();
}

/** The main navigation's entry a page belongs to (marked with aria-current in the header). */
export function sectionOf(path: string): 'dashboard' | 'tickets' | 'admin' | 'preferences' | undefined {
  if (path === '/') return 'dashboard';
  const first = path.split('/')[1];
  return first === 'tickets' || first === 'admin' || first === 'preferences' ? first : undefined;
}
