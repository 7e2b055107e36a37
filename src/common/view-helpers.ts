import type { HelperOptions } from 'handlebars';
import { randomUUID } from 'node:crypto';
import { isLanguage, DEFAULT_LANGUAGE } from '../i18n/languages';
import { translate, type MessageParams } from '../i18n/translator';
import { DEFAULT_TIME_ZONE, formatInstant, knownTimeZone } from './time-zone';

function languageOf(options: HelperOptions): Parameters<typeof translate>[0] {
  const lang = (options.data as { root?: { lang?: unknown } } | undefined)?.root?.lang;
  return isLanguage(lang) ? lang : DEFAULT_LANGUAGE;
}

/** Helpers the templates may use; the only logic views have besides if/each. */
export const viewHelpers = {
  /** {{t "key" name=value}} or {{t key paramsObject}} */
  t(key: unknown, ...rest: unknown[]): string {
    const options = rest.pop() as HelperOptions;
    const positional = (rest[0] ?? {}) as MessageParams;
    return translate(languageOf(options), typeof key === 'string' ? key : '', { ...positional, ...(options.hash as MessageParams) });
  },
  /** Builds a catalog key from parts: {{t (concat "validity." validity)}} */
  concat(...parts: unknown[]): string {
    parts.pop();
    return parts.map(String).join('');
  },
  eq(a: unknown, b: unknown): boolean {
    return String(a) === String(b);
  },
  /** A fresh one-time key for a compose form: {{> form-key}} (idempotent sends, docs/SEARCH-AND-MEDIA.md). */
  newFormKey(): string {
    return randomUUID();
  },
  /**
   * A date as `YYYY-MM-DD HH:MM`, the way OTRS tables show it, in the logged-in agent's time zone
   * (UTC for visitors). Takes a Date, epoch milliseconds, or a date string.
   */
  date(value: unknown, options?: HelperOptions): string {
    if (!value) return '';
    const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value) : new Date(typeof value === 'string' ? value : NaN);
    if (Number.isNaN(date.getTime())) return '';
    const agent = (options?.data as { root?: { currentAgent?: { timeZone?: unknown } } } | undefined)?.root?.currentAgent;
    const timeZone = knownTimeZone(agent?.timeZone) ?? DEFAULT_TIME_ZONE;
    return formatInstant(date.getTime(), timeZone);
  },
};
