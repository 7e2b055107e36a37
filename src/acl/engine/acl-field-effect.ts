import type { CompiledFieldChange } from './acl-change-applier';
import type { ItemMatcher } from './acl-value-matcher';

// What one ACL does to one option of a field, as the indexed engine asks it: keep the working
// value, allow the option, or remove it. Possible → PossibleAdd → PossibleNot (§5.5) folded into
// one answer per option.

/** The items of one list, split into plain values (looked up) and the rest (tested one by one). */
export interface ItemSet {
  readonly plain: ReadonlySet<string>;
  readonly others: readonly ItemMatcher[];
}

export const KEEP = 0;
export const ALLOW = 1;
export const REMOVE = 2;
export type Effect = typeof KEEP | typeof ALLOW | typeof REMOVE;

export interface FieldEffect {
  readonly possible?: ItemSet;
  readonly possibleAdd?: ItemSet;
  readonly possibleNot?: ItemSet;
  /**
   * The only compared values this ACL can change, when that is known in advance (no Possible list,
   * plain items only); undefined when it may change any option.
   */
  readonly affects?: ReadonlySet<string>;
}

function itemSetOf(matchers: readonly ItemMatcher[]): ItemSet {
  const plain = new Set<string>();
  const others: ItemMatcher[] = [];
  for (const matcher of matchers) {
    if (!matcher.negated && matcher.exact !== undefined) plain.add(matcher.exact);
    else others.push(matcher);
  }
  return { plain, others };
}

function has(set: ItemSet, value: string): boolean {
  if (set.plain.has(value)) return true;
  for (const matcher of set.others) if (matcher.negated ? !matcher.hits(value) : matcher.hits(value)) return true;
  return false;
}

export function fieldEffectOf(change: CompiledFieldChange): FieldEffect {
  const possible = change.possible && itemSetOf(change.possible);
  const possibleAdd = change.possibleAdd && itemSetOf(change.possibleAdd);
  const possibleNot = change.possibleNot && itemSetOf(change.possibleNot);
  const onlyPlain = !possible && (possibleAdd?.others.length ?? 0) === 0 && (possibleNot?.others.length ?? 0) === 0;
  const affects = onlyPlain ? new Set([...(possibleAdd?.plain ?? []), ...(possibleNot?.plain ?? [])]) : undefined;
  return { possible, possibleAdd, possibleNot, affects };
}

/** The ACL's verdict on one option (its compared key or value). */
export function effectOn(effect: FieldEffect, value: string): Effect {
  let result: Effect = KEEP;
  if (effect.possible) result = has(effect.possible, value) ? ALLOW : REMOVE;
  if (effect.possibleAdd && has(effect.possibleAdd, value)) result = ALLOW;
  if (effect.possibleNot && has(effect.possibleNot, value)) result = REMOVE;
  return result;
}
