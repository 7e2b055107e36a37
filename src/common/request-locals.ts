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
  let token: string | undefined;
  Object.defineProperty(res.locals, 'csrfToken', { enumerable: true, get: () => (token ??= generateToken(req)) });
  let flash: ReturnType<typeof takeFlash> | undefined;
  Object.defineProperty(res.locals, 'flash', { enumerable: true, get: () => (flash ??= takeFlash(req)) });
  next();
}
