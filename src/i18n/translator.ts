import de from './catalogs/de.json';
import en from './catalogs/en.json';
import sr from './catalogs/sr.json';
import { DEFAULT_LANGUAGE, type Language } from './languages';

export type Catalog = Record<string, string>;
export type MessageParams = Record<string, string | number>;

export const CATALOGS: Record<Language, Catalog> = { en, de, sr };

/**
 * Looks a key up in the language's catalog, falling back to English and then to the key itself,
 * so a missing entry shows up on screen instead of breaking the page. `{name}` placeholders are filled
 * from params.
 */
export function translate(language: Language, key: string, params: MessageParams = {}): string {
  const template = CATALOGS[language]?.[key] ?? CATALOGS[DEFAULT_LANGUAGE][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
