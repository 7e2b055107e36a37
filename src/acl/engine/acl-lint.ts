import { splitModifier } from './acl-modifiers';
import { compareCodePoints } from './acl-order';
import { perlPatternNotes } from './acl-regexp';
import type { Acl, AclConditions, AclItems } from './acl-types';
import { deployedItem } from './acl-value-matcher';

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

/** Every list of items in an ACL with its path. */
function itemLists(acl: Acl): [string, AclItems][] {
  const lists: [string, AclItems][] = [];
  for (const section of ['Properties', 'PropertiesDatabase'] as const) {
    for (const [object, attributes] of Object.entries(acl.ConfigMatch?.[section] ?? {})) {
      for (const [attribute, items] of Object.entries(attributes)) lists.push([`ConfigMatch.${section}.${object}.${attribute}`, items]);
    }
  }
  for (const kind of ['Possible', 'PossibleAdd', 'PossibleNot'] as const) {
    const change = acl.ConfigChange?.[kind];
    for (const [field, items] of Object.entries(change?.Ticket ?? {})) lists.push([`ConfigChange.${kind}.Ticket.${field}`, items]);
    for (const field of ['Action', 'Process', 'ActivityDialog'] as const) if (change?.[field]) lists.push([`ConfigChange.${kind}.${field}`, change[field]]);
  }
  return lists;
}

/** Regexes whose meaning differs a little from Perl's here (acl-regexp.ts). */
function patternWarnings(acl: Acl): string[] {
  const warnings: string[] = [];
  for (const [path, items] of itemLists(acl)) {
    for (const item of items) {
      const { modifier, operand } = splitModifier(deployedItem(item));
      if (!modifier || modifier === '[Not]') continue;
      for (const note of perlPatternNotes(operand)) warnings.push(`ACL ${JSON.stringify(acl.Name)}: ${path} ${JSON.stringify(item)}: ${note}`);
    }
  }
  return warnings;
}

/** What is surprising about one ACL on its own. */
export function aclWarningsFor(acl: Acl): string[] {
  return [...orNegationWarnings(acl, 'Properties', acl.ConfigMatch?.Properties), ...orNegationWarnings(acl, 'PropertiesDatabase', acl.ConfigMatch?.PropertiesDatabase), ...patternWarnings(acl)];
}

/** What is surprising about the set as a whole (the order of numbered names). */
export function aclSetWarnings(acls: readonly Acl[]): string[] {
  return orderWarnings(acls);
}

export function aclWarnings(acls: readonly Acl[]): string[] {
  return [...acls.flatMap(aclWarningsFor), ...aclSetWarnings(acls)];
}
