import { request as expressRequest, type Request } from 'express';
import { resolveLanguage } from './resolve-language';

/** A request as Express builds it, with only the Accept-Language header set. */
function withAcceptLanguage(header: string | undefined): Request {
  const req = Object.create(expressRequest) as Request;
  Object.defineProperty(req, 'headers', { value: header === undefined ? {} : { 'accept-language': header } });
  return req;
}

describe('resolveLanguage', () => {
  it('prefers the agent language over the browser', () => {
    expect(resolveLanguage('sr', withAcceptLanguage('de-DE,de;q=0.9'))).toBe('sr');
  });

  it('uses the browser language with the highest q-value that we ship', () => {
    expect(resolveLanguage(undefined, withAcceptLanguage('fr;q=1, sr-Cyrl-RS;q=0.5, de;q=0.8'))).toBe('de');
  });

  it('keeps header order for equal weights', () => {
    expect(resolveLanguage(undefined, withAcceptLanguage('sr, de'))).toBe('sr');
  });

  it('ignores languages refused with q=0', () => {
    expect(resolveLanguage(undefined, withAcceptLanguage('de;q=0, sr;q=0.1'))).toBe('sr');
  });

  it('takes a regional variant for its language', () => {
    expect(resolveLanguage(undefined, withAcceptLanguage('de-AT'))).toBe('de');
    expect(resolveLanguage(undefined, withAcceptLanguage('sr-Latn-RS'))).toBe('sr');
  });

  it('falls back to English when nothing matches', () => {
    expect(resolveLanguage('xx', withAcceptLanguage('fr, it'))).toBe('en');
    expect(resolveLanguage(undefined, withAcceptLanguage(undefined))).toBe('en');
  });
});
