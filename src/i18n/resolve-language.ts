import { DEFAULT_LANGUAGE, isLanguage, type Language } from './languages';

/** The agent's own language wins, then the browser's Accept-Language (by q-value), then English. */
export function resolveLanguage(agentLanguage: unknown, acceptLanguage: string | undefined): Language {
  if (isLanguage(agentLanguage)) return agentLanguage;
  return preferredFromHeader(acceptLanguage) ?? DEFAULT_LANGUAGE;
}

function preferredFromHeader(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { base: tag.trim().toLowerCase().split('-')[0], weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked.map((entry) => entry.base).find(isLanguage);
}
