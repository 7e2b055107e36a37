import { compareCodePoints } from './acl-order';

// The `User` object an ACL sees (§6): Group_<perm> = sorted names of valid groups where the user
// has that permission, directly or through a valid role; rw there counts as every permission.

/** OTRS's default System::Permission. */
export const DEFAULT_PERMISSION_TYPES: readonly string[] = ['ro', 'move_into', 'create', 'note', 'owner', 'priority', 'rw'];

export interface GroupPermission {
  readonly group: string;
  /** `rw`, `ro`, … */
  readonly permission: string;
  /** Invalid groups grant nothing. Default: valid. */
  readonly groupValid?: boolean;
}

export interface RoleMembership {
  readonly role: string;
  /** Invalid roles grant nothing and are not listed. Default: valid. */
  readonly roleValid?: boolean;
  readonly permissions: readonly GroupPermission[];
}

export interface UserAclInput {
  /** Plain attributes: UserID, UserLogin, UserFirstname, UserEmail, … */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly groups: readonly GroupPermission[];
  /** The same for valid groups as name → permission (what the app loads per request); added to `groups`. */
  readonly validGroupPermissions?: Readonly<Record<string, string>>;
  readonly roles?: readonly RoleMembership[];
  readonly permissionTypes?: readonly string[];
}

/** Without surrogate pairs, UTF-16 order (the built-in sort) is code point order, and much faster. */
const SURROGATE = /[\uD800-\uDFFF]/;

function sortByCodePoints(names: string[]): string[] {
  return SURROGATE.test(names.join('')) ? names.sort(compareCodePoints) : names.sort();
}

/**
 * Attributes for the context's `User` (or `Owner`/`Responsible`) object. Built on every request
 * that asks the ACLs, so the group names are sorted once and then filtered per permission type.
 */
export function userAclAttributes(input: UserAclInput): Record<string, string | string[]> {
  const types = input.permissionTypes ?? DEFAULT_PERMISSION_TYPES;
  const validRoles = (input.roles ?? []).filter((role) => role.roleValid !== false);
  // Group name → 'rw' (every type) or the set of types granted there.
  const granted = new Map<string, 'rw' | Set<string>>();
  const grant = (group: string, permission: string) => {
    const known = granted.get(group);
    if (permission === 'rw' || known === 'rw') granted.set(group, 'rw');
    else if (known) known.add(permission);
    else granted.set(group, new Set([permission]));
  };
  for (const g of input.groups) if (g.groupValid !== false) grant(g.group, g.permission);
  const record = input.validGroupPermissions ?? {};
  for (const group in record) if (Object.hasOwn(record, group)) grant(group, record[group]);
  for (const role of validRoles) for (const g of role.permissions) if (g.groupValid !== false) grant(g.group, g.permission);
  const names = sortByCodePoints([...granted.keys()]);
  const permissions = names.map((name) => granted.get(name)!);

  const result: Record<string, string | string[]> = { ...input.attributes };
  for (const type of types) {
    // Mostly every group grants the type (rw): then all types share one list, which the engine
    // then turns into one lookup set instead of one per type.
    const all = permissions.every((p) => p === 'rw' || p.has(type));
    result[`Group_${type}`] = all ? names : names.filter((_, i) => permissions[i] === 'rw' || permissions[i].has(type));
  }
  result.Role = sortByCodePoints([...new Set(validRoles.map((role) => role.role))]);
  return result;
}
