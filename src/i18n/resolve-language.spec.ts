import { resolveLanguage } from './resolve-language';

describe('resolveLanguage', () => {
  it('prefers the agent language over the browser', () => {
    expect(resolveLanguage('sr', 'de-DE,de;q=0.9')).toBe('sr');
  });

  it('uses the browser language with the highest q-value that we ship', () => {
    expect(resolveLanguage(undefined, 'fr;q=1, sr-Cyrl-RS;q=0.5, de;q=0.8')).toBe('de');
  });

  it('keeps header order for equal weights', () => {
    expect(resolveLanguage(undefined, 'sr, de')).toBe('sr');
  });

  it('ignores languages refused with q=0', () => {
    expect(resolveLanguage(undefined, 'de;q=0, sr;q=0.1')).toBe('sr');
  });

  it('falls back to English when nothing matches', () => {
    expect(resolveLanguage('xx', 'fr, it')).toBe('en');
    expect(resolveLanguage(undefined, undefined)).toBe('en');
  });
});
