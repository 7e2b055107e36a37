import type { Acl } from './acl-types';

/**
 * Compares by Unicode code point, as Perl's `sort` does on decoded strings: case-sensitive,
 * not numeric, not locale (`10-x` < `2-x`, `B` < `a`). JavaScript's default comparison works on
 * UTF-16 units, which puts astral characters before U+E000–U+FFFF, so it is not used.
 */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return 0;
}

/** ACLs in evaluation order: ascending Name by code point (§5.2); the database id plays no role. */
export function sortAclsForEvaluation<T extends Pick<Acl, 'Name'>>(acls: readonly T[]): T[] {
  return [...acls].sort((a, b) => compareCodePoints(a.Name, b.Name));
}
