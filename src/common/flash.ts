import type { Request, Response } from 'express';
import type { MessageParams } from '../i18n/translator';

export interface FlashMessage {
  type: 'success' | 'error' | 'info';
  key: string;
  params?: MessageParams;
}

export function addFlash(req: Request, message: FlashMessage): void {
  req.session.flash = [...(req.session.flash ?? []), message];
}

export function takeFlash(req: Request): FlashMessage[] {
  const messages = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  return messages;
}

/** Stores the session now: express-session would otherwise save it only after the headers went out. */
export function saveSession(req: Request): Promise<void> {
  return new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err as Error) : resolve())));
}

/**
 * 303 to the next page once the session (with its flash) is stored, so a fast browser never loads the
 * next page without the message. Handlers do not call this: they return `{ redirect, flash }` under
 * `@RedirectAfterSave()` (redirect-after-save.ts); it is for the error filter, which has no handler.
 */
export async function redirectAfterSave(req: Request, res: Response, url: string): Promise<void> {
  await saveSession(req);
  res.redirect(303, url);
}
