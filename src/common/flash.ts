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

/**
 * 303 to the next page once the session (with its flash) is stored: express-session would otherwise
 * save after the headers went out, and a fast browser could load the next page without the message.
 */
export async function redirectAfterSave(req: Request, res: Response, url: string): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err as Error) : resolve())));
  res.redirect(303, url);
}
