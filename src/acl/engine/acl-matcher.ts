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
  /** Number of this condition (with its view) among the distinct conditions of a compiled set. */
  readonly id: number;
}

/**
 * Shares one compiled condition between ACLs that state the same one for the same view, so the
 * engine evaluates it once per request however many ACLs repeat it.
 */
export class ConditionRegistry {
  private readonly known = new Map<string, CompiledCondition>();

  get size(): number {
    return this.known.size;
  }

  condition(view: 'current' | 'stored', object: string, attribute: string, items: readonly string[]): CompiledCondition {
    const key = JSON.stringify([view, object, attribute, items]);
    let condition = this.known.get(key);
    if (!condition) {
      const matchers = items.map((item) => compileItem(deployedItem(item)));
      const plain = matchers.every((m) => !m.negated && m.exact !== undefined);
      condition = { object, attribute, items: matchers, plainValues: plain ? new Set(matchers.map((m) => m.exact!)) : undefined, id: this.known.size };
      this.known.set(key, condition);
    }
    return condition;
  }
}

/** A present section: its conditions, possibly none ("tried nothing", e.g. only `User: {}`). */
export type CompiledSection = readonly CompiledCondition[];

export interface CompiledMatch {
  /** undefined: the section is absent (missing or an empty mapping). */
  readonly current?: CompiledSection;
  readonly stored?: CompiledSection;
}

function compileSection(view: 'current' | 'stored', conditions: AclConditions | undefined, registry: ConditionRegistry): CompiledSection | undefined {
  if (!conditions || Object.keys(conditions).length === 0) return undefined;
  const compiled: CompiledCondition[] = [];
  for (const [object, attributes] of Object.entries(conditions)) {
    for (const [attribute, items] of Object.entries(attributes)) compiled.push(registry.condition(view, object, attribute, items));
  }
  return compiled;
}

export function compileMatch(configMatch: AclConfigMatch | null, registry = new ConditionRegistry()): CompiledMatch {
  return {
    current: compileSection('current', configMatch?.Properties, registry),
    stored: compileSection('stored', configMatch?.PropertiesDatabase, registry),
  };
}

/** Own properties only: an attribute called `toString` must not find Object.prototype's. */
export function contextValue(context: AclContext, object: string, attribute: string): AclContextValue | undefined {
  if (!Object.hasOwn(context, object)) return undefined;
  const attributes = context[object];
  if (!attributes || !Object.hasOwn(attributes, attribute)) return undefined;
  return attributes[attribute];
}

export function conditionMatches(condition: CompiledCondition, context: AclContext): boolean {
  const value = contextValue(context, condition.object, condition.attribute);
  // Absent attribute: no item matches, negated ones included (ENG:460).
  if (value === undefined || value === null) return false;
  const plain = condition.plainValues;
  if (typeof value === 'string') return plain ? plain.has(value) : condition.items.some((item) => itemMatchesValue(item, value));
  const list = value;
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

/** Evaluates one condition on its context; the engine passes one that remembers answers per request. */
export type ConditionCheck = (condition: CompiledCondition, context: AclContext) => boolean;

/** AND over all listed attributes; a section that lists none does not match (MatchTry). */
function sectionMatches(section: CompiledSection, context: AclContext, check: ConditionCheck): boolean {
  if (section.length === 0) return false;
  for (const condition of section) if (!check(condition, context)) return false;
  return true;
}

/**
 * Properties are checked on the current view, PropertiesDatabase on the stored view. Neither
 * present: always matches. One present: its result decides. Both present: both must match.
 */
export function aclMatches(match: CompiledMatch, current: AclContext, stored: AclContext, check: ConditionCheck = conditionMatches): boolean {
  const currentResult = match.current && sectionMatches(match.current, current, check);
  const storedResult = match.stored && sectionMatches(match.stored, stored, check);
  if (currentResult === undefined && storedResult === undefined) return true;
  return (currentResult ?? storedResult)! && (storedResult ?? currentResult)!;
}
