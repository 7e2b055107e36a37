import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

/** Synchroniser tokens kept in the session; forms send theirs in the hidden `_csrf` field. */
export const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req: Request) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined ?? req.get('x-csrf-token'),
});
