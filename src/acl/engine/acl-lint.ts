import { compareCodePoints } from './acl-order';
import type { Acl, AclConditions } from './acl-types';

// Valid ACLs whose meaning surprises people. OTRS keeps these behaviours and so do we (imported
// ACLs must give the same result); the admin gets a warning instead (§8 items 1 and 8).

function orNegationWarnings(acl: Acl, section: string, conditions: AclConditions | undefined): string[] {
  const warnings: string[] = [];
  for (const [object, attributes] of Object.entries(conditions ?? {})) {
    for (const [attribute, items] of Object.entries(attributes)) {
      const negated = items.filter((item) => item.startsWith('[Not'));
      if (negated.length < 2) continue;
      warnings.push(
        `ACL ${JSON.stringify(acl.Name)}: ConfigMatch.${section}.${object}.${attribute} has ${negated.length} negated items; ` +
          'items are OR-ed, so "[Not]a, [Not]b" matches almost everything — use one item such as [NotRegExp]^(a|b)$',
      );
    }
  }
  return warnings;
}

const LEADING_NUMBER = /^\d+/;

/** Names like `2-x` and `10-x` run in code-point order (`10-x` first), not numeric order. */
function orderWarnings(acls: readonly Acl[]): string[] {
  const numbered = acls.filter((acl) => LEADING_NUMBER.test(acl.Name));
  const widths = new Set(numbered.map((acl) => LEADING_NUMBER.exec(acl.Name)![0].length));
  if (widths.size < 2) return [];
  const names = numbered.map((acl) => acl.Name).sort(compareCodePoints);
  return [
    `ACL names start with numbers of different lengths; they run in character order (${names.map((n) => JSON.stringify(n)).join(' before ')}), ` +
      'so pad the numbers with zeros (e.g. 002-, 010-) to get numeric order',
  ];
}

export function aclWarnings(acls: readonly Acl[]): string[] {
  const warnings: string[] = [];
  for (const acl of acls) {
    warnings.push(...orNegationWarnings(acl, 'Properties', acl.ConfigMatch?.Properties));
    warnings.push(...orNegationWarnings(acl, 'PropertiesDatabase', acl.ConfigMatch?.PropertiesDatabase));
  }
  return [...warnings, ...orderWarnings(acls)];
}
