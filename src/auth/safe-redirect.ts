/** Only paths on this site: `//evil.example` and absolute URLs fall back to the start page. */
export function safeRedirectPath(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}
