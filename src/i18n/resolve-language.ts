import type { Request } from 'express';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from './languages';

/**
 * The agent's own language wins, then the browser's Accept-Language as Express negotiates it
 * (q-values, header order, `de-AT` → `de`), then English.
 */
export function resolveLanguage(agentLanguage: unknown, req: Pick<Request, 'acceptsLanguages'>): Language {
  if (isLanguage(agentLanguage)) return agentLanguage;
  const negotiated = req.acceptsLanguages(...LANGUAGES);
  return isLanguage(negotiated) ? negotiated : DEFAULT_LANGUAGE;
}
