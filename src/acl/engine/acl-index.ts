import type { CompiledFieldChange } from './acl-change-applier';
import { effectOn, fieldEffectOf, KEEP, REMOVE, type Effect, type FieldEffect } from './acl-field-effect';
import { aclMatches, conditionMatches, contextValue, type CompiledCondition, type CompiledMatch, type ConditionCheck } from './acl-matcher';
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
//    they change, or — when they may change any option (Possible, regexes, [Not]) — grouped by
//    identical lists: per option one verdict per group, and a group that keeps the option is
//    skipped whole.

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
  /** Per position: the same lists as one effect per option (for the indexed engine); shared by identical lists. */
  readonly effects: readonly (IdentifiedEffect | undefined)[];
  readonly anchors: readonly AnchorPostings[];
  /** Candidates without an anchor, ascending. */
  readonly floating: Int32Array;
  readonly floatingStops: Int32Array;
  /** Floating candidates that may change any option (Possible, regexes, [Not]), by identical lists. */
  readonly floatingGroups: readonly EffectGroup[];
  /** Floating candidates that change only the listed plain values: value → positions, descending. */
  readonly floatingByOption: ReadonlyMap<string, Int32Array>;
  /** Per option being decided: each distinct effect's verdict, computed once. */
  readonly verdicts: VerdictMemo;
}

/** An effect with a number among the distinct effects of its field. */
export type IdentifiedEffect = FieldEffect & { readonly id: number };

/** Verdicts of the distinct effects on the option being decided; `next()` moves to another option. */
export class VerdictMemo {
  private readonly stamps: Uint32Array;
  private readonly verdicts: Uint8Array;
  private generation = 0;

  constructor(size: number) {
    this.stamps = new Uint32Array(size);
    this.verdicts = new Uint8Array(size);
  }

  next(): void {
    if (++this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  verdict(effect: IdentifiedEffect, value: string): Effect {
    if (this.stamps[effect.id] === this.generation) return this.verdicts[effect.id] as Effect;
    // An effect that changes only listed values keeps every other option, without testing items.
    const verdict = effect.affects && !effect.affects.has(value) ? KEEP : effectOn(effect, value);
    this.stamps[effect.id] = this.generation;
    this.verdicts[effect.id] = verdict;
    return verdict;
  }
}

/** Floating ACLs with the same lists for a field: they treat every option alike. */
export interface EffectGroup {
  readonly effect: IdentifiedEffect;
  /** Descending. */
  readonly positions: Int32Array;
}

/** Lists are mostly groups and roles: anchor on them only when nothing scalar is there. */
const LIST_ATTRIBUTE = /^(Group_|Role$)/;

export type AnchorChoice = Anchor & { readonly values: ReadonlySet<string> };

/** How many ACLs of the set have a plain condition naming each value: `view object attribute value` → count. */
export type ValueFrequencies = ReadonlyMap<string, number>;

const anchorKey = (view: Anchor['view'], condition: CompiledCondition, value: string) => `${view}\u0000${condition.object}\u0000${condition.attribute}\u0000${value}`;

function plainConditions(match: CompiledMatch): [Anchor['view'], CompiledCondition][] {
  const found: [Anchor['view'], CompiledCondition][] = [];
  for (const condition of match.current ?? []) if (condition.plainValues) found.push(['current', condition]);
  for (const condition of match.stored ?? []) if (condition.plainValues) found.push(['stored', condition]);
  return found;
}

/** Counts, over a whole set, how often each value of a plain condition occurs (for anchorOf). */
export function valueFrequencies(matches: readonly CompiledMatch[]): ValueFrequencies {
  const counts = new Map<string, number>();
  for (const match of matches) {
    for (const [view, condition] of plainConditions(match)) {
      for (const value of condition.plainValues!) {
        const key = anchorKey(view, condition, value);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/**
 * The condition an ACL is anchored on: all plain items, and of those the one whose values the
 * fewest ACLs of the set share (so that a request brings as few ACLs as possible); without
 * frequencies, the fewest values, scalars before group lists.
 */
export function anchorOf(match: CompiledMatch, frequencies?: ValueFrequencies): AnchorChoice | undefined {
  let best: { choice: AnchorChoice; score: number } | undefined;
  for (const [view, condition] of plainConditions(match)) {
    const values = condition.plainValues!;
    let score = 0;
    if (frequencies) for (const value of values) score += frequencies.get(anchorKey(view, condition, value)) ?? 1;
    else score = values.size + (LIST_ATTRIBUTE.test(condition.attribute) ? 1_000 : 0);
    if (!best || score < best.score) best = { choice: { view, object: condition.object, attribute: condition.attribute, values }, score };
  }
  return best?.choice;
}

/** Collects, per field, the ACLs that have lists for it; `finish` builds the plans. */
export class FieldPlanBuilder {
  private readonly entries: { position: number; change: CompiledFieldChange }[] = [];

  add(position: number, change: CompiledFieldChange): void {
    this.entries.push({ position, change });
  }

  finish(acls: readonly CompiledAcl[], anchors: readonly (AnchorChoice | undefined)[]): FieldPlan {
    const changes = new Array<CompiledFieldChange | undefined>(acls.length);
    const effects = new Array<IdentifiedEffect | undefined>(acls.length);
    const anchorPostings = new Map<string, AnchorPostings>();
    const floating: number[] = [];
    const floatingStops: number[] = [];
    const groups = new Map<string, { effect: IdentifiedEffect; positions: number[] }>();
    const byOption = new Map<string, number[]>();
    // ACLs with the same lists share one effect (and its compiled items).
    const shared = new Map<string, IdentifiedEffect>();
    for (const { position, change } of this.entries) {
      changes[position] = change;
      let effect = shared.get(change.source);
      if (!effect) shared.set(change.source, (effect = { ...fieldEffectOf(change), id: shared.size }));
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
      if (!effect.affects) {
        const group = groups.get(change.source);
        if (group) group.positions.push(position);
        else groups.set(change.source, { effect, positions: [position] });
      } else {
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
      floatingGroups: [...groups.values()].map((group) => ({ effect: group.effect, positions: descending(group.positions) })),
      floatingByOption: new Map([...byOption].map(([value, list]) => [value, descending(list)])),
      verdicts: new VerdictMemo(shared.size),
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
  private readonly conditionStamps: Uint32Array;
  private readonly conditionAnswers: Uint8Array;
  private generation = 0;
  /** Conditions repeated by many ACLs (a group, a queue, a pattern) are evaluated once per request. */
  private readonly check: ConditionCheck = (condition, context) => {
    if (this.conditionStamps[condition.id] === this.generation) return this.conditionAnswers[condition.id] === 1;
    const answer = conditionMatches(condition, context);
    this.conditionStamps[condition.id] = this.generation;
    this.conditionAnswers[condition.id] = answer ? 1 : 0;
    return answer;
  };

  /** Scratch space for the positions one evaluation collects. */
  readonly scratch: Int32Array;
  private readonly visits: Uint32Array;

  constructor(size: number, conditions: number) {
    this.stamps = new Uint32Array(size);
    this.answers = new Uint8Array(size);
    this.scratch = new Int32Array(size);
    this.visits = new Uint32Array(size);
    this.conditionStamps = new Uint32Array(conditions);
    this.conditionAnswers = new Uint8Array(conditions);
  }

  /** Starts a new evaluation: every stored answer becomes stale. */
  next(): void {
    if (++this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.conditionStamps.fill(0);
      this.visits.fill(0);
      this.generation = 1;
    }
  }

  /** True the first time a position is visited in this evaluation. */
  firstVisit(position: number): boolean {
    if (this.visits[position] === this.generation) return false;
    this.visits[position] = this.generation;
    return true;
  }

  matches(position: number, acls: readonly CompiledAcl[], current: AclContext, stored: AclContext): boolean {
    if (this.stamps[position] === this.generation) return this.answers[position] === 1;
    // A condition's id names it together with its view, so one memo serves both contexts.
    const answer = aclMatches(acls[position].match, current, stored, this.check);
    this.stamps[position] = this.generation;
    this.answers[position] = answer ? 1 : 0;
    return answer;
  }
}

/**
 * Matching anchored ACLs are split by the values they change only when there are many of them
 * for many options (the split allocates); tests lower the bar to run both paths.
 */
export const ANCHORED_SPLIT = { minCount: 3, minWork: 256 };

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
export function evaluateIndexed(plan: FieldPlan, acls: readonly CompiledAcl[], memo: MatchMemo, compared: readonly string[], current: AclContext, stored: AclContext): IndexedResult {
  memo.next();
  const matches = (position: number) => memo.matches(position, acls, current, stored);

  // Anchored ACLs whose anchor value the request brings, and of those the ones that match.
  // (Collected in the memo's scratch buffer: no allocation per request for the common case.)
  let count = 0;
  const scratch = memo.scratch;
  const collect = (list: readonly number[]) => {
    for (const position of list) if (memo.firstVisit(position) && matches(position)) scratch[count++] = position;
  };
  for (const anchor of plan.anchors) {
    const value = contextValue(anchor.view === 'current' ? current : stored, anchor.object, anchor.attribute);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      const list = anchor.postings.get(value);
      if (list) collect(list);
      continue;
    }
    for (const element of value) {
      if (element === null) break;
      const list = anchor.postings.get(element);
      if (list) collect(list);
    }
  }
  const anchored: Int32Array = scratch.subarray(0, count).sort();

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

  // The matching anchored ACLs split like the floating ones: by the values they change, or any.
  let anchoredByOption: Map<string, number[]> | undefined;
  let anchoredAny: ArrayLike<number> = anchored;
  if (anchored.length >= ANCHORED_SPLIT.minCount && anchored.length * compared.length > ANCHORED_SPLIT.minWork) {
    anchoredByOption = new Map();
    const any: number[] = (anchoredAny = []);
    for (const position of anchored) {
      const affects = plan.effects[position]!.affects;
      if (!affects) {
        any.push(position);
        continue;
      }
      for (const value of affects) {
        const list = anchoredByOption.get(value);
        if (list) list.push(position);
        else anchoredByOption.set(value, [position]);
      }
    }
  }

  const allowed = new Array<boolean>(compared.length);
  const deciders = new Int32Array(compared.length);
  let applied = stop !== Number.POSITIVE_INFINITY || anchored.length > 0;
  const bounded = stop !== Number.POSITIVE_INFINITY;
  const verdicts = plan.verdicts;
  for (let j = 0; j < compared.length; j++) {
    const value = compared[j];
    verdicts.next();
    let decider = -1;
    let effect: Effect = KEEP;
    // Floating ACLs that change only listed values, this one among them: the last that matches decides.
    const byOption = plan.floatingByOption.get(value);
    if (byOption) {
      for (let a = bounded ? firstAtOrBelow(byOption, stop) : 0; a < byOption.length; a++) {
        const position = byOption[a];
        if (!matches(position)) continue;
        decider = position;
        effect = verdicts.verdict(plan.effects[position]!, value);
        break;
      }
    }
    // Groups of floating ACLs that may change any option: one verdict per group and option.
    for (const group of plan.floatingGroups) {
      const positions = group.positions;
      if (positions[0] <= decider) continue;
      const verdict = verdicts.verdict(group.effect, value);
      if (verdict === KEEP) continue;
      for (let b = bounded ? firstAtOrBelow(positions, stop) : 0; b < positions.length && positions[b] > decider; b++) {
        if (!matches(positions[b])) continue;
        decider = positions[b];
        effect = verdict;
        break;
      }
    }
    // Matching anchored ACLs after that one: those that change only listed values, this one
    // among them, and those that may change any option; each list from the last one backwards.
    for (const list of [anchoredByOption?.get(value), anchoredAny]) {
      if (!list) continue;
      for (let k = list.length - 1; k >= 0; k--) {
        const position = list[k];
        if (position <= decider) break;
        if (position > stop) continue;
        const verdict = verdicts.verdict(plan.effects[position]!, value);
        if (verdict === KEEP) continue;
        decider = position;
        effect = verdict;
        break;
      }
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
