import type { CompiledFieldChange } from './acl-change-applier';
import { ALLOW, effectOn, fieldEffectOf, KEEP, REMOVE, type Effect, type FieldEffect } from './acl-field-effect';
import { aclMatches, contextValue, type CompiledCondition, type CompiledMatch } from './acl-matcher';
import type { AclContext } from './acl-types';

// The deployed set, indexed once per deploy so that one evaluation looks at few ACLs (docs/ACL.md,
// "How the engine is fast"). The result of an evaluation is the same as running every ACL in
// order (§5.7); acl-engine.spec.ts and the property test in acl-index.spec.ts hold it to that.
//
// Two facts make the index possible:
// 1. An option ends up as the last matching ACL (up to the StopAfterMatch one) that changed it
//    left it, or selectable when none changed it. So per option the engine walks the ACLs that
//    can change it from the last one backwards and stops at the first that matches.
// 2. An ACL with a condition whose items are all plain values (`Queue: [Raw, Junk]`) can only match
//    when the context holds one of them ("anchored" on them). Only the anchored ACLs whose values
//    the request brings are looked at; the others ("floating") are indexed by the option values
//    they change.

export interface CompiledAcl {
  readonly name: string;
  readonly stopAfterMatch: boolean;
  readonly match: CompiledMatch;
}

interface Anchor {
  readonly view: 'current' | 'stored';
  readonly object: string;
  readonly attribute: string;
}

/** ACLs anchored on one attribute: value → positions (ascending) of the ACLs it can make match. */
interface AnchorPostings extends Anchor {
  readonly postings: Map<string, number[]>;
}

/** Everything one field needs at evaluation time. Positions are evaluation order (0 = first). */
export interface FieldPlan {
  /** Every ACL with a list for the field, ascending. */
  readonly candidates: Int32Array;
  /** Per position: the lists of that ACL for this field (for the straightforward engine). */
  readonly changes: readonly (CompiledFieldChange | undefined)[];
  /** Per position: the same lists as one effect per option (for the indexed engine). */
  readonly effects: readonly (FieldEffect | undefined)[];
  readonly anchors: readonly AnchorPostings[];
  /** Candidates without an anchor, ascending. */
  readonly floating: Int32Array;
  readonly floatingStops: Int32Array;
  /** Floating candidates that may change any option (Possible, regexes, [Not]), descending. */
  readonly floatingAnyOption: Int32Array;
  /** Floating candidates that change only the listed plain values: value → positions, descending. */
  readonly floatingByOption: ReadonlyMap<string, Int32Array>;
}

/** Lists are mostly groups and roles: anchor on them only when nothing scalar is there. */
const LIST_ATTRIBUTE = /^(Group_|Role$)/;

/** The condition an ACL is anchored on: all plain items, the fewest values, scalars first. */
export function anchorOf(match: CompiledMatch): (Anchor & { readonly values: ReadonlySet<string> }) | undefined {
  let best: { anchor: Anchor; condition: CompiledCondition; score: number } | undefined;
  const consider = (view: Anchor['view'], conditions: readonly CompiledCondition[] | undefined) => {
    for (const condition of conditions ?? []) {
      if (!condition.plainValues) continue;
      const score = condition.plainValues.size + (LIST_ATTRIBUTE.test(condition.attribute) ? 1_000 : 0);
      if (!best || score < best.score) best = { anchor: { view, object: condition.object, attribute: condition.attribute }, condition, score };
    }
  };
  consider('current', match.current);
  consider('stored', match.stored);
  return best && { ...best.anchor, values: best.condition.plainValues! };
}

/** Collects, per field, the ACLs that have lists for it; `finish` builds the plans. */
export class FieldPlanBuilder {
  private readonly entries: { position: number; change: CompiledFieldChange }[] = [];

  add(position: number, change: CompiledFieldChange): void {
    this.entries.push({ position, change });
  }

  finish(acls: readonly CompiledAcl[], anchors: readonly (ReturnType<typeof anchorOf> | undefined)[]): FieldPlan {
    const changes: (CompiledFieldChange | undefined)[] = new Array(acls.length);
    const effects: (FieldEffect | undefined)[] = new Array(acls.length);
    const anchorPostings = new Map<string, AnchorPostings>();
    const floating: number[] = [];
    const floatingStops: number[] = [];
    const anyOption: number[] = [];
    const byOption = new Map<string, number[]>();
    for (const { position, change } of this.entries) {
      changes[position] = change;
      const effect = fieldEffectOf(change);
      effects[position] = effect;
      const anchor = anchors[position];
      if (anchor) {
        const key = `${anchor.view}\u0000${anchor.object}\u0000${anchor.attribute}`;
        let entry = anchorPostings.get(key);
        if (!entry) anchorPostings.set(key, (entry = { view: anchor.view, object: anchor.object, attribute: anchor.attribute, postings: new Map() }));
        for (const value of anchor.values) {
          const list = entry.postings.get(value);
          if (list) list.push(position);
          else entry.postings.set(value, [position]);
        }
        continue;
      }
      floating.push(position);
      if (acls[position].stopAfterMatch) floatingStops.push(position);
      if (!effect.affects) anyOption.push(position);
      else {
        for (const value of effect.affects) {
          const list = byOption.get(value);
          if (list) list.push(position);
          else byOption.set(value, [position]);
        }
      }
    }
    const descending = (list: number[]) => Int32Array.from(list).reverse();
    return {
      candidates: Int32Array.from(this.entries.map((e) => e.position)),
      changes,
      effects,
      anchors: [...anchorPostings.values()],
      floating: Int32Array.from(floating),
      floatingStops: Int32Array.from(floatingStops),
      floatingAnyOption: descending(anyOption),
      floatingByOption: new Map([...byOption].map(([value, list]) => [value, descending(list)])),
    };
  }
}

/**
 * Per-evaluation memo of "does ACL i match?", reused across evaluations of one set: a stamp per
 * ACL says whether the stored answer belongs to the current evaluation, so nothing is cleared
 * between calls. Evaluations are synchronous, so one memo per set is enough.
 */
export class MatchMemo {
  private readonly stamps: Uint32Array;
  private readonly answers: Uint8Array;
  private generation = 0;

  constructor(size: number) {
    this.stamps = new Uint32Array(size);
    this.answers = new Uint8Array(size);
  }

  /** Starts a new evaluation: every stored answer becomes stale. */
  next(): void {
    if (++this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  matches(position: number, acls: readonly CompiledAcl[], current: AclContext, stored: AclContext): boolean {
    if (this.stamps[position] === this.generation) return this.answers[position] === 1;
    const answer = aclMatches(acls[position].match, current, stored);
    this.stamps[position] = this.generation;
    this.answers[position] = answer ? 1 : 0;
    return answer;
  }
}

const NO_POSITIONS = new Int32Array(0);

/** First index in a descending list whose position is ≤ limit. */
function firstAtOrBelow(list: Int32Array, limit: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid] > limit) low = mid + 1;
    else high = mid;
  }
  return low;
}

export interface IndexedResult {
  readonly applied: boolean;
  /** Per option: selectable? */
  readonly allowed: boolean[];
  /** Per option: position of the ACL that decided it, or -1 when no ACL changed it. */
  readonly deciders: Int32Array;
}

/** Evaluates one field for options compared by `compared` (keys or values), through the index. */
export function evaluateIndexed(
  plan: FieldPlan,
  acls: readonly CompiledAcl[],
  memo: MatchMemo,
  compared: readonly string[],
  current: AclContext,
  stored: AclContext,
): IndexedResult {
  memo.next();
  const matches = (position: number) => memo.matches(position, acls, current, stored);

  // Anchored ACLs whose anchor value the request brings, and of those the ones that match.
  const hits: number[] = [];
  for (const anchor of plan.anchors) {
    const value = contextValue(anchor.view === 'current' ? current : stored, anchor.object, anchor.attribute);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      const list = anchor.postings.get(value);
      if (list) for (const position of list) hits.push(position);
      continue;
    }
    for (const element of value as readonly (string | null)[]) {
      if (element === null) break;
      const list = anchor.postings.get(element);
      if (list) for (const position of list) hits.push(position);
    }
  }
  hits.sort((a, b) => a - b);
  const anchored: number[] = [];
  for (let k = 0; k < hits.length; k++) {
    if (k > 0 && hits[k] === hits[k - 1]) continue;
    if (matches(hits[k])) anchored.push(hits[k]);
  }

  // StopAfterMatch: the first matching ACL with it ends the run (§5.6).
  let stop = Number.POSITIVE_INFINITY;
  for (const position of plan.floatingStops) {
    if (matches(position)) {
      stop = position;
      break;
    }
  }
  for (const position of anchored) {
    if (position >= stop) break;
    if (acls[position].stopAfterMatch) {
      stop = position;
      break;
    }
  }

  const allowed: boolean[] = new Array(compared.length);
  const deciders = new Int32Array(compared.length);
  let applied = stop !== Number.POSITIVE_INFINITY || anchored.length > 0;
  for (let j = 0; j < compared.length; j++) {
    const value = compared[j];
    let decider = -1;
    let effect: Effect = KEEP;
    // Floating ACLs that can change this option, from the last one backwards (two sorted lists).
    const byOption = plan.floatingByOption.get(value) ?? NO_POSITIONS;
    const anyOption = plan.floatingAnyOption;
    let a = stop === Number.POSITIVE_INFINITY ? 0 : firstAtOrBelow(byOption, stop);
    let b = stop === Number.POSITIVE_INFINITY ? 0 : firstAtOrBelow(anyOption, stop);
    while (a < byOption.length || b < anyOption.length) {
      const position = b >= anyOption.length || (a < byOption.length && byOption[a] > anyOption[b]) ? byOption[a++] : anyOption[b++];
      const verdict = effectOn(plan.effects[position]!, value);
      if (verdict === KEEP || !matches(position)) continue;
      decider = position;
      effect = verdict;
      break;
    }
    // Matching anchored ACLs after that one, from the last one backwards.
    for (let k = anchored.length - 1; k >= 0; k--) {
      const position = anchored[k];
      if (position <= decider) break;
      if (position > stop) continue;
      const verdict = effectOn(plan.effects[position]!, value);
      if (verdict === KEEP) continue;
      decider = position;
      effect = verdict;
      break;
    }
    allowed[j] = effect !== REMOVE;
    deciders[j] = decider;
    if (decider >= 0) applied = true;
  }

  // Applied also when a matching ACL changed none of the offered options.
  if (!applied) {
    for (const position of plan.floating) {
      if (matches(position)) {
        applied = true;
        break;
      }
    }
  }
  return { applied, allowed, deciders };
}

export { ALLOW, KEEP, REMOVE };
