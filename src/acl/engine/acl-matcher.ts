import type { AclConditions, AclConfigMatch, AclContext, AclContextValue } from './acl-types';
import { compileItem, deployedItem, itemMatchesList, itemMatchesValue, type ItemMatcher } from './acl-value-matcher';

// Does an ACL's ConfigMatch match the context? (§5.3, Znuny ENG:394-531)

interface CompiledCondition {
  readonly object: string;
  readonly attribute: string;
  readonly items: readonly ItemMatcher[];
}

/** A present section: its conditions, possibly none ("tried nothing", e.g. only `User: {}`). */
type CompiledSection = readonly CompiledCondition[];

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
      compiled.push({ object, attribute, items: items.map((item) => compileItem(deployedItem(item))) });
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
function contextValue(context: AclContext, object: string, attribute: string): AclContextValue | undefined {
  if (!Object.hasOwn(context, object)) return undefined;
  const attributes = context[object];
  if (!attributes || !Object.hasOwn(attributes, attribute)) return undefined;
  return attributes[attribute];
}

function conditionMatches(condition: CompiledCondition, context: AclContext): boolean {
  const value = contextValue(context, condition.object, condition.attribute);
  // Absent attribute: no item matches, negated ones included (ENG:460).
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return condition.items.some((item) => itemMatchesValue(item, value));
  return condition.items.some((item) => itemMatchesList(item, value as readonly (string | null)[]));
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
