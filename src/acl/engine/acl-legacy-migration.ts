import { compareCodePoints } from './acl-order';

// OTRS 3.3 wrote action restrictions as `Possible.Action: {AgentTicketClose: 0, …}`. Import
// turns that into `PossibleNot.Action` = the actions set to 0, sorted (DB:1241-1258).

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type LegacyMigration = { readonly acl: unknown } | { readonly problem: string };

/**
 * Returns the ACL with the 3.3 form rewritten (the input is not modified), or a problem text.
 * Unlike OTRS it leaves no empty `Possible` behind (§8 item 10), does not invent an empty
 * `PossibleNot.Action` when nothing was set to 0, and keeps an existing `PossibleNot.Action`.
 */
export function migrateOtrs33Actions(acl: unknown): LegacyMigration {
  if (!isMapping(acl) || !isMapping(acl.ConfigChange)) return { acl };
  const change = acl.ConfigChange;
  if (!isMapping(change.Possible) || !isMapping(change.Possible.Action)) return { acl };

  const denied: string[] = [];
  for (const [action, flag] of Object.entries(change.Possible.Action)) {
    if (flag === 0 || flag === '0') denied.push(action);
    else if (flag !== 1 && flag !== '1') {
      return { problem: `ConfigChange.Possible.Action.${action}: the OTRS 3.3 form needs 0 or 1, got ${JSON.stringify(flag)}` };
    }
  }
  denied.sort(compareCodePoints);

  const { Action: _legacy, ...possibleRest } = change.Possible;
  const { Possible: _possible, ...changeRest } = change;
  const migrated: Mapping = { ...changeRest };
  if (Object.keys(possibleRest).length > 0) migrated.Possible = possibleRest;
  if (denied.length > 0) {
    const possibleNot = isMapping(change.PossibleNot) ? change.PossibleNot : {};
    const existing = Array.isArray(possibleNot.Action) ? (possibleNot.Action as unknown[]) : [];
    migrated.PossibleNot = { ...possibleNot, Action: [...existing, ...denied.filter((a) => !existing.includes(a))] };
  }
  // Nothing left (every action was allowed): the ACL changes nothing, as if ConfigChange were ''.
  return { acl: { ...acl, ConfigChange: Object.keys(migrated).length > 0 ? migrated : '' } };
}
