import { safeRedirectPath } from './safe-redirect';

describe('safeRedirectPath', () => {
  it('keeps a local path', () => expect(safeRedirectPath('/admin/queues?filter=x')).toBe('/admin/queues?filter=x'));
  it('refuses protocol-relative and absolute URLs', () => {
    expect(safeRedirectPath('//evil.example/x')).toBe('/');
    expect(safeRedirectPath('/\\evil.example')).toBe('/');
    expect(safeRedirectPath('https://evil.example')).toBe('/');
  });
  it('falls back for anything that is not a string', () => expect(safeRedirectPath(undefined)).toBe('/'));
});
