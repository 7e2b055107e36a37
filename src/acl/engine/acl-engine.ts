import { applyFieldChange, compileChanges } from './acl-change-applier';
import { parseAclField, type AclFieldKey } from './acl-field';
import { anchorOf, evaluateIndexed, FieldPlanBuilder, MatchMemo, valueFrequencies, type CompiledAcl, type FieldPlan } from './acl-index';
import { aclMatches, compileMatch, ConditionRegistry } from './acl-matcher';
import { sortAclsForEvaluation } from './acl-order';
import type { Acl, AclContext, AclMatchOn } from './acl-types';

// Compile the deployed set once (acl-index.ts builds the per-field index); per request only the
// ACLs that can decide an option are looked at. `scanPossibleOptions` is the straightforward
// engine (every ACL in order, §5.7): the reference the indexed one is tested against, and what
// the simulator uses to list every ACL that applied.

export class AclCompileError extends Error {}

export interface CompiledAclSet {
  /** Names of the deployed (ValidID 1) ACLs, in evaluation order. */
  readonly names: readonly string[];
  readonly acls: readonly CompiledAcl[];
  readonly fields: ReadonlyMap<AclFieldKey, FieldPlan>;
  readonly memo: MatchMemo;
}

/** Builds a compiled set ACL by ACL, so that a large deploy can hand the event loop back in between. */
export class AclSetCompiler {
  private readonly acls: CompiledAcl[] = [];
  private readonly builders = new Map<AclFieldKey, FieldPlanBuilder>();
  private readonly conditions = new ConditionRegistry();
  private readonly deployed: Acl[];

  /** Keeps ValidID 1 only and orders by Name (code points). */
  constructor(acls: readonly Acl[]) {
    this.deployed = sortAclsForEvaluation(acls.filter((acl) => acl.ValidID === 1));
  }

  get size(): number {
    return this.deployed.length;
  }

  /** Compiles ACLs [from, to) of the evaluation order. Throws AclCompileError naming the ACL. */
  compileRange(from: number, to: number): void {
    for (let position = from; position < Math.min(to, this.deployed.length); position++) {
      const acl = this.deployed[position];
      if (position > 0 && this.deployed[position - 1].Name === acl.Name) throw new AclCompileError(`ACL "${acl.Name}" is deployed twice`);
      try {
        const match = compileMatch(acl.ConfigMatch, this.conditions);
        this.acls.push({ name: acl.Name, stopAfterMatch: acl.StopAfterMatch, match });
        for (const [field, change] of compileChanges(acl.ConfigChange)) {
          let builder = this.builders.get(field);
          if (!builder) this.builders.set(field, (builder = new FieldPlanBuilder()));
          builder.add(position, change);
        }
      } catch (error) {
        throw new AclCompileError(`ACL "${acl.Name}": ${(error as Error).message}`);
      }
    }
  }

  finish(): CompiledAclSet {
    const steps = this.finishing();
    while (!steps.next().done);
    return this.result!;
  }

  /** The same, handing the event loop back between steps (large deploys). */
  async finishInChunks(pause: () => Promise<void>): Promise<CompiledAclSet> {
    for (const steps = this.finishing(); !steps.next().done;) await pause();
    return this.result!;
  }

  private result?: CompiledAclSet;

  /** Builds the index; yields between steps of bounded size. */
  private *finishing(): Generator<void, void, void> {
    if (this.acls.length !== this.deployed.length) throw new Error('finish() before every ACL was compiled');
    const slice = 2_000;
    // Anchor each ACL on its condition whose values the fewest other ACLs share.
    const frequencies = new Map<string, number>();
    for (let i = 0; i < this.acls.length; i += slice) {
      for (const [key, count] of valueFrequencies(this.acls.slice(i, i + slice).map((acl) => acl.match))) frequencies.set(key, (frequencies.get(key) ?? 0) + count);
      yield;
    }
    const anchors: ReturnType<typeof anchorOf>[] = [];
    for (let i = 0; i < this.acls.length; i += slice) {
      for (const acl of this.acls.slice(i, i + slice)) anchors.push(anchorOf(acl.match, frequencies));
      yield;
    }
    const fields = new Map<AclFieldKey, FieldPlan>();
    for (const [field, builder] of this.builders) {
      fields.set(field, builder.finish(this.acls, anchors));
      yield;
    }
    this.result = { names: this.deployed.map((acl) => acl.Name), acls: this.acls, fields, memo: new MatchMemo(this.acls.length, this.conditions.size) };
  }
}

/**
 * Compiles the deployed set: keeps ValidID 1 only, orders by Name (code points), compiles every
 * item and regex and indexes the set. Throws AclCompileError naming the ACL if an item cannot be
 * compiled.
 */
export function compileAcls(acls: readonly Acl[]): CompiledAclSet {
  const compiler = new AclSetCompiler(acls);
  compiler.compileRange(0, compiler.size);
  return compiler.finish();
}

/** The same, in slices of `chunk` ACLs with `pause()` awaited between them (large deploys). */
export async function compileAclsInChunks(acls: readonly Acl[], pause: () => Promise<void>, chunk = 500): Promise<CompiledAclSet> {
  const compiler = new AclSetCompiler(acls);
  for (let from = 0; from < compiler.size; from += chunk) {
    if (from > 0) await pause();
    compiler.compileRange(from, from + chunk);
  }
  return compiler.finishInChunks(pause);
}

export interface PossibleOptionsRequest {
  /** `Ticket.TwitterProfileID`, `Ticket.Queue`, `Action`, … */
  readonly field: string;
  /** All options offered, key → value, in display order. */
  readonly options: ReadonlyMap<string, string>;
  /** Compare ACL items with the keys (ids, e.g. TwitterProfileID) or the values (names). Default: value. */
  readonly matchOn?: AclMatchOn;
  /** Current view: stored data overlaid with the form's selection (ConfigMatch.Properties). */
  readonly current: AclContext;
  /** Stored view (ConfigMatch.PropertiesDatabase). Default: the current view. */
  readonly stored?: AclContext;
  /** Never restricted (OTRS: user id 1). The caller decides who that is. */
  readonly superuser?: boolean;
}

export interface AclEvaluation {
  /** Whether any ACL changed the list. false: show everything. */
  readonly applied: boolean;
  /** Keys that remain selectable, in the order offered; possibly empty when applied. */
  readonly allowedKeys: string[];
}

interface Prepared {
  readonly keys: string[];
  readonly compared: string[];
  readonly plan: FieldPlan;
  readonly current: AclContext;
  readonly stored: AclContext;
}

/** The request's parts, or undefined when nothing can apply (superuser, no ACL for the field, no context). */
function prepare(set: CompiledAclSet, request: PossibleOptionsRequest): Prepared | { keys: string[] } {
  const keys = [...request.options.keys()];
  const plan = set.fields.get(parseAclField(request.field));
  const current = request.current;
  const stored = request.stored ?? current;
  // OTRS applies nothing when it has no context data at all (ENG: `%Checks || %ChecksDatabase`).
  const noContext = Object.keys(current).length === 0 && Object.keys(stored).length === 0;
  if (request.superuser || !plan || noContext) return { keys };
  const compared = request.matchOn === 'key' ? keys : [...request.options.values()];
  return { keys, compared, plan, current, stored };
}

/**
 * Which of the offered options may be selected. Stateless: the result always comes with its
 * applied flag, never from a previous call (§8 item 7). No result is cached: every call
 * evaluates, through the index.
 */
export function possibleOptions(set: CompiledAclSet, request: PossibleOptionsRequest): AclEvaluation {
  const prepared = prepare(set, request);
  if (!('plan' in prepared)) return { applied: false, allowedKeys: prepared.keys };
  const result = evaluateIndexed(prepared.plan, set.acls, set.memo, prepared.compared, prepared.current, prepared.stored);
  return { applied: result.applied, allowedKeys: result.applied ? prepared.keys.filter((_, i) => result.allowed[i]) : prepared.keys };
}

export interface AclExplanation extends AclEvaluation {
  /** Names of the ACLs that applied, in the order they ran (for the admin's simulator). */
  readonly appliedAcls: string[];
  /** Per offered option (in order): the ACL whose list decided it, or null when no ACL changed it. */
  readonly decidedBy: (string | null)[];
}

/** possibleOptions plus which ACLs applied and which one decided each option. */
export function explainPossibleOptions(set: CompiledAclSet, request: PossibleOptionsRequest): AclExplanation {
  const prepared = prepare(set, request);
  if (!('plan' in prepared)) return { applied: false, allowedKeys: prepared.keys, appliedAcls: [], decidedBy: prepared.keys.map(() => null) };
  const indexed = evaluateIndexed(prepared.plan, set.acls, set.memo, prepared.compared, prepared.current, prepared.stored);
  const scan = scanPossibleOptions(set, request);
  return { ...scan, decidedBy: [...indexed.deciders].map((position) => (position >= 0 ? set.names[position] : null)) };
}

/** The straightforward engine: every ACL with a list for the field, in order (§5.7). */
export function scanPossibleOptions(set: CompiledAclSet, request: PossibleOptionsRequest): AclEvaluation & { appliedAcls: string[] } {
  const prepared = prepare(set, request);
  if (!('plan' in prepared)) return { applied: false, allowedKeys: prepared.keys, appliedAcls: [] };
  const { plan, compared, keys, current, stored } = prepared;
  const allowed = keys.map(() => true);
  const appliedAcls: string[] = [];
  for (const position of plan.candidates) {
    const acl = set.acls[position];
    if (!aclMatches(acl.match, current, stored)) continue;
    applyFieldChange(plan.changes[position]!, compared, allowed);
    appliedAcls.push(acl.name);
    if (acl.stopAfterMatch) break;
  }
  const applied = appliedAcls.length > 0;
  return { applied, allowedKeys: applied ? keys.filter((_, i) => allowed[i]) : keys, appliedAcls };
}
