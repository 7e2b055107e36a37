import { CATALOGS, translate } from './translator';
import { LANGUAGES } from './languages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  const allKeys = new Set(LANGUAGES.flatMap((lang) => Object.keys(CATALOGS[lang])));

  it.each(LANGUAGES)('%s has every key that any other catalog has', (lang) => {
    const missing = [...allKeys].filter((key) => !(key in CATALOGS[lang]));
    expect(missing).toEqual([]);
  });

  it.each(LANGUAGES)('%s has no empty message', (lang) => {
    const empty = Object.entries(CATALOGS[lang]).filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s uses the same placeholders as English', (lang) => {
    const mismatched = Object.keys(CATALOGS.en).filter((key) => key in CATALOGS[lang] && placeholders(CATALOGS[lang][key]).join() !== placeholders(CATALOGS.en[key]).join());
    expect(mismatched).toEqual([]);
  });

  it('calls an agent "оператер" everywhere in Serbian, never "агент" (OTRS screen names such as AgentTicketZoom stay)', () => {
    const agent = Object.entries(CATALOGS.sr).filter(([, text]) => /(^|[^\p{L}])[аА]гент/u.test(text));
    expect(agent).toEqual([]);
  });

  it('writes Serbian in Cyrillic', () => {
    const latinOnly = Object.entries(CATALOGS.sr).filter(([key, text]) => !key.startsWith('language.') && /[A-Za-z]{4,}/.test(text.replace(/\{\w+\}/g, '')) && !/[\u0400-\u04FF]/.test(text));
    expect(latinOnly).toEqual([]);
  });
});

describe('translate', () => {
  it('fills placeholders', () => {
    expect(translate('en', 'flash.saved', { name: 'Raw' })).toContain('Raw');
  });

  it('falls back to the key for an unknown message', () => {
    expect(translate('de', 'no.such.key')).toBe('no.such.key');
  });
});
