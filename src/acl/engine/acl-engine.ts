import { applyFieldChange, compileChanges, type CompiledFieldChange } from './acl-change-applier';
import { parseAclField, type AclFieldKey } from './acl-field';
import { aclMatches, compileMatch, type CompiledMatch } from './acl-matcher';
import { sortAclsForEvaluation } from './acl-order';
import type { Acl, AclContext, AclMatchOn } from './acl-types';

// Compile the deployed set once; per request only the ACLs that have a list for the requested
// field are looked at (an ACL without one can neither apply nor stop the run, §5.6).

export class AclCompileError extends Error {}

interface CompiledAcl {
  readonly name: string;
  readonly stopAfterMatch: boolean;
  readonly match: CompiledMatch;
  readonly change: CompiledFieldChange;
}

export interface CompiledAclSet {
  /** Names of the deployed (ValidID 1) ACLs, in evaluation order. */
  readonly names: readonly string[];
  readonly byField: ReadonlyMap<AclFieldKey, readonly CompiledAcl[]>;
}

/**
 * Compiles the deployed set: keeps ValidID 1 only, orders by Name (code points), compiles every
 * item and regex. Throws AclCompileError naming the ACL if an item cannot be compiled.
 */
export function compileAcls(acls: readonly Acl[]): CompiledAclSet {
  const deployed = sortAclsForEvaluation(acls.filter((acl) => acl.ValidID === 1));
  const byField = new Map<AclFieldKey, CompiledAcl[]>();
  for (let i = 0; i < deployed.length; i++) {
    const acl = deployed[i];
    if (i > 0 && deployed[i - 1].Name === acl.Name) throw new AclCompileError(`ACL "${acl.Name}" is deployed twice`);
    try {
      const match = compileMatch(acl.ConfigMatch);
      for (const [field, change] of compileChanges(acl.ConfigChange)) {
        const list = byField.get(field) ?? [];
        list.push({ name: acl.Name, stopAfterMatch: acl.StopAfterMatch, match, change });
        byField.set(field, list);
      }
    } catch (error) {
      throw new AclCompileError(`ACL "${acl.Name}": ${(error as Error).message}`);
    }
  }
  return { names: deployed.map((acl) => acl.Name), byField };
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

/**
 * Which of the offered options may be selected. Stateless: the result always comes with its
 * applied flag, never from a previous call (§8 item 7).
 */
export function possibleOptions(set: CompiledAclSet, request: PossibleOptionsRequest): AclEvaluation {
  const { applied, allowedKeys } = explainPossibleOptions(set, request);
  return { applied, allowedKeys };
}

export interface AclExplanation extends AclEvaluation {
  /** Names of the ACLs that applied, in the order they ran (for the admin's simulator). */
  readonly appliedAcls: string[];
}

/** possibleOptions plus which ACLs applied. */
export function explainPossibleOptions(set: CompiledAclSet, request: PossibleOptionsRequest): AclExplanation {
  const keys = [...request.options.keys()];
  const candidates = set.byField.get(parseAclField(request.field));
  const current = request.current;
  const stored = request.stored ?? current;
  // OTRS applies nothing when it has no context data at all (ENG: `%Checks || %ChecksDatabase`).
  const noContext = Object.keys(current).length === 0 && Object.keys(stored).length === 0;
  if (request.superuser || !candidates || noContext) return { applied: false, allowedKeys: keys, appliedAcls: [] };

  const compared = request.matchOn === 'key' ? keys : [...request.options.values()];
  const allowed = keys.map(() => true);
  const appliedAcls: string[] = [];
  for (const acl of candidates) {
    if (!aclMatches(acl.match, current, stored)) continue;
    applyFieldChange(acl.change, compared, allowed);
    appliedAcls.push(acl.name);
    if (acl.stopAfterMatch) break;
  }
  const applied = appliedAcls.length > 0;
  return { applied, allowedKeys: applied ? keys.filter((_, i) => allowed[i]) : keys, appliedAcls };
}
