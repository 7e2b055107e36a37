import type { AclConditions, AclConfigMatch, AclContext, AclContextValue } from './acl-types';
import { compileItem, deployedItem, itemMatchesList, itemMatchesValue, type ItemMatcher } from './acl-value-matcher';

// Does an ACL's ConfigMatch match the context? (§5.3, Znuny ENG:394-531)

export interface CompiledCondition {
  readonly object: string;
  readonly attribute: string;
  readonly items: readonly ItemMatcher[];
  /**
   * Set when every item is a plain value (`Raw`, `twitter`): the condition holds exactly when the
   * value (or a list element before the first missing one) is one of them. The engine indexes
   * ACLs by these values (acl-index.ts).
   */
  readonly plainValues?: ReadonlySet<string>;
}

/** A present section: its conditions, possibly none ("tried nothing", e.g. only `User: {}`). */
export type CompiledSection = readonly CompiledCondition[];

export interface CompiledMatch {
  /** undefined: the section is absent (missing or an empty mapping). */
  readonly current?: CompiledSection;
  readonly stored?: CompiledSection;
}

function compileSection(conditions: AclConditions | undefined): CompiledSection | undefined {
  if (!conditions || Object.keys(conditions).length === 0) return undefined;
  const compiled: CompiledCondition[] = [];
  for (const [object, attributes] of Object.entries(conditions)) {
    for (const [attribute, items] of Object.entries(attributes)) {
      const matchers = items.map((item) => compileItem(deployedItem(item)));
      const plain = matchers.every((m) => !m.negated && m.exact !== undefined);
      compiled.push({ object, attribute, items: matchers, plainValues: plain ? new Set(matchers.map((m) => m.exact!)) : undefined });
    }
  }
  return compiled;
}

export function compileMatch(configMatch: AclConfigMatch | null): CompiledMatch {
  return {
    current: compileSection(configMatch?.Properties),
    stored: compileSection(configMatch?.PropertiesDatabase),
  };
}

/** Own properties only: an attribute called `toString` must not find Object.prototype's. */
export function contextValue(context: AclContext, object: string, attribute: string): AclContextValue | undefined {
  if (!Object.hasOwn(context, object)) return undefined;
  const attributes = context[object];
  if (!attributes || !Object.hasOwn(attributes, attribute)) return undefined;
  return attributes[attribute];
}

function conditionMatches(condition: CompiledCondition, context: AclContext): boolean {
  const value = contextValue(context, condition.object, condition.attribute);
  // Absent attribute: no item matches, negated ones included (ENG:460).
  if (value === undefined || value === null) return false;
  const plain = condition.plainValues;
  if (typeof value === 'string') return plain ? plain.has(value) : condition.items.some((item) => itemMatchesValue(item, value));
  const list = value as readonly (string | null)[];
  if (plain) {
    // A positive item scans the list up to the first missing element (itemMatchesList).
    for (const element of list) {
      if (element === null) return false;
      if (plain.has(element)) return true;
    }
    return false;
  }
  return condition.items.some((item) => itemMatchesList(item, list));
}

/** AND over all listed attributes; a section that lists none does not match (MatchTry). */
function sectionMatches(section: CompiledSection, context: AclContext): boolean {
  return section.length > 0 && section.every((condition) => conditionMatches(condition, context));
}

/**
 * Properties are checked on the current view, PropertiesDatabase on the stored view. Neither
 * present: always matches. One present: its result decides. Both present: both must match.
 */
export function aclMatches(match: CompiledMatch, current: AclContext, stored: AclContext): boolean {
  const currentResult = match.current && sectionMatches(match.current, current);
  const storedResult = match.stored && sectionMatches(match.stored, stored);
  if (currentResult === undefined && storedResult === undefined) return true;
  return (currentResult ?? storedResult)! && (storedResult ?? currentResult)!;
}
