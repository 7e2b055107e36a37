import { listFieldKey, ticketFieldKey, type AclFieldKey } from './acl-field';
import { ACL_LIST_FIELDS, type AclChangeLists, type AclConfigChange, type AclItems } from './acl-types';
import { anyItemMatches, compileItem, deployedItem, type ItemMatcher } from './acl-value-matcher';

// Possible / PossibleAdd / PossibleNot of one ACL for one field, applied to the working set
// (§5.5, Znuny ENG:545-897).

export interface CompiledFieldChange {
  readonly possible?: readonly ItemMatcher[];
  readonly possibleAdd?: readonly ItemMatcher[];
  readonly possibleNot?: readonly ItemMatcher[];
  /** The lists as written: two ACLs with the same source change the field in the same way. */
  readonly source: string;
}

type ChangeKind = 'possible' | 'possibleAdd' | 'possibleNot';
const KINDS: readonly [keyof AclConfigChange, ChangeKind][] = [
  ['Possible', 'possible'],
  ['PossibleAdd', 'possibleAdd'],
  ['PossibleNot', 'possibleNot'],
];

export class AclEmptyListError extends Error {}

function compileItems(items: AclItems, where: string): ItemMatcher[] {
  // OTRS counts an empty Ticket list (empties the field) but ignores an empty Action list (§8
  // item 3); import refuses both, and so does the compiler, so only one rule ever exists.
  if (items.length === 0) throw new AclEmptyListError(`${where} is an empty list`);
  return items.map((item) => compileItem(deployedItem(item)));
}

function listsByField(lists: AclChangeLists | undefined, change: string): [AclFieldKey, AclItems, string][] {
  if (!lists) return [];
  const found: [AclFieldKey, AclItems, string][] = [];
  for (const [field, items] of Object.entries(lists.Ticket ?? {})) {
    found.push([ticketFieldKey(field), items, `ConfigChange.${change}.Ticket.${field}`]);
  }
  for (const field of ACL_LIST_FIELDS) {
    const items = lists[field];
    if (items) found.push([listFieldKey(field), items, `ConfigChange.${change}.${field}`]);
  }
  return found;
}

/** The change of one ACL, per field it touches. Fields it has no list for are not in the map. */
export function compileChanges(configChange: AclConfigChange | null): Map<AclFieldKey, CompiledFieldChange> {
  const byField = new Map<AclFieldKey, { -readonly [K in ChangeKind]?: readonly ItemMatcher[] } & { source: string }>();
  for (const [change, kind] of KINDS) {
    for (const [field, items, where] of listsByField(configChange?.[change], change)) {
      const entry = byField.get(field) ?? { source: '' };
      entry[kind] = compileItems(items, where);
      entry.source += `${kind}:${JSON.stringify(items)};`;
      byField.set(field, entry);
    }
  }
  return byField;
}

/**
 * Applies one ACL's lists, in the fixed order Possible → PossibleAdd → PossibleNot.
 * `compared[i]` is what the items are compared with for option i (its key or its value);
 * `allowed[i]` is the working set, updated in place.
 */
export function applyFieldChange(change: CompiledFieldChange, compared: readonly string[], allowed: boolean[]): void {
  const { possible, possibleAdd, possibleNot } = change;
  // Possible rebuilds from the ORIGINAL list: earlier removals are forgotten (T-ACL:3517).
  if (possible) for (let i = 0; i < compared.length; i++) allowed[i] = anyItemMatches(possible, compared[i]);
  // PossibleAdd can only bring back offered options, never invent new ones.
  if (possibleAdd) for (let i = 0; i < compared.length; i++) allowed[i] ||= anyItemMatches(possibleAdd, compared[i]);
  // OTRS skips removal when the option's value is "0" or "" (false in Perl, §8 item 2); we remove it.
  if (possibleNot) for (let i = 0; i < compared.length; i++) allowed[i] &&= !anyItemMatches(possibleNot, compared[i]);
}
