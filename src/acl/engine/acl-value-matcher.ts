import { EMPTY_VALUE_TOKEN, splitModifier, unknownPrefixProblem } from './acl-modifiers';
import { compilePerlPattern, perlPatternProblem } from './acl-regexp';

// One ACL item against one value or one list value, with the six modifiers of §5.4
// (Znuny `_CompareMatchWithData`).

export { EMPTY_VALUE_TOKEN } from './acl-modifiers';

export interface ItemMatcher {
  /** Negated items ([Not…]) match when the value does NOT hit them. */
  readonly negated: boolean;
  /** Positive item: the value matches. Negated item: the value is what the item excludes. */
  readonly hits: (value: string) => boolean;
  /** Set for a plain item (`x`, `[Not]x`): it hits exactly this text, so a list can be asked by lookup. */
  readonly exact?: string;
}

/** The item as deployed: every `[empty]` removed, so `[empty]` = "" and `[Not][empty]` = "not empty". */
export function deployedItem(item: string): string {
  return item.split(EMPTY_VALUE_TOKEN).join('');
}

/**
 * Compiles one (deployed) item. Unknown spellings keep OTRS's meaning so a stored ACL never
 * changes behaviour here; import refuses them (see itemProblem).
 */
export function compileItem(item: string): ItemMatcher {
  if (item.startsWith('[Not')) {
    if (item.startsWith('[Not]')) {
      const excluded = item.slice('[Not]'.length);
      return { negated: true, hits: (value) => value === excluded, exact: excluded };
    }
    if (item.startsWith('[NotRegExp]')) {
      const pattern = compilePerlPattern(item.slice('[NotRegExp]'.length), false);
      return { negated: true, hits: (value) => pattern.test(value) };
    }
    if (item.startsWith('[Notregexp]')) {
      const pattern = compilePerlPattern(item.slice('[Notregexp]'.length), true);
      return { negated: true, hits: (value) => pattern.test(value) };
    }
    // Any other `[Not…` is a negation that never triggers: it matches everything (ENG:2110-2158).
    return { negated: true, hits: () => false };
  }
  const pattern = item.startsWith('[RegExp]')
    ? compilePerlPattern(item.slice('[RegExp]'.length), false)
    : item.startsWith('[regexp]')
      ? compilePerlPattern(item.slice('[regexp]'.length), true)
      : undefined;
  // Plain equality is tried first even for regex items, so `[RegExp]x` also matches the literal text.
  if (!pattern) return { negated: false, hits: (value) => value === item, exact: item };
  return { negated: false, hits: (value) => value === item || pattern.test(value) };
}

/** Does the item match a scalar value? */
export function itemMatchesValue(matcher: ItemMatcher, value: string): boolean {
  return matcher.negated ? !matcher.hits(value) : matcher.hits(value);
}

/**
 * Does the item match a list value? Positive: some element matches (empty list: no). Negated:
 * no element hits the negation (empty list: yes). A missing (null) element ends the scan without
 * a match, as an undefined element does in OTRS.
 */
export function itemMatchesList(matcher: ItemMatcher, list: readonly (string | null)[]): boolean {
  if (matcher.exact !== undefined) {
    // Many ACLs ask the same list (an agent's groups): one Set per list instead of a scan per item.
    const lookup = lookupOf(list);
    if (lookup) return lookup.has(matcher.exact) !== matcher.negated;
  }
  for (const element of list) {
    if (element === null) return false;
    if (matcher.hits(element)) return !matcher.negated;
  }
  return matcher.negated;
}

/** Lists are context values, built per request and not changed while the ACLs run. */
const LOOKUPS = new WeakMap<readonly (string | null)[], ReadonlySet<string> | null>();
const LOOKUP_MIN_LENGTH = 8;

/** A Set of the list's elements, or null when a scan is needed (short lists; a null element ends a scan early). */
function lookupOf(list: readonly (string | null)[]): ReadonlySet<string> | null {
  if (list.length < LOOKUP_MIN_LENGTH) return null;
  let lookup = LOOKUPS.get(list);
  if (lookup === undefined) {
    lookup = list.includes(null) ? null : new Set(list as readonly string[]);
    LOOKUPS.set(list, lookup);
  }
  return lookup;
}

/** Does any of the items match the value? (OR over the items of one list.) */
export function anyItemMatches(matchers: readonly ItemMatcher[], value: string): boolean {
  for (const matcher of matchers) if (itemMatchesValue(matcher, value)) return true;
  return false;
}

/**
 * Why an item must be refused at import, or undefined. OTRS accepts unknown prefixes silently and
 * then matches everything (unknown `[Not…`) or compares literally (`[REGEXP]`, `[Nto]`) — §8 item 4.
 */
export function itemProblem(item: string): string | undefined {
  const { modifier, operand } = splitModifier(deployedItem(item));
  if (modifier === undefined) return unknownPrefixProblem(operand);
  if (modifier === '[Not]') return unknownPrefixProblem(operand, true);
  return perlPatternProblem(operand);
}
