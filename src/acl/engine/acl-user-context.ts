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
  readonly roles?: readonly RoleMembership[];
  readonly permissionTypes?: readonly string[];
}

function sortedUnique(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  // Without surrogate pairs, UTF-16 order (the built-in sort) is code point order, and much faster.
  return SURROGATE.test(list.join('')) ? list.sort(compareCodePoints) : list.sort();
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Attributes for the context's `User` (or `Owner`/`Responsible`) object. */
export function userAclAttributes(input: UserAclInput): Record<string, string | string[]> {
  const types = input.permissionTypes ?? DEFAULT_PERMISSION_TYPES;
  const validRoles = (input.roles ?? []).filter((role) => role.roleValid !== false);
  const grants = [...input.groups, ...validRoles.flatMap((role) => role.permissions)].filter(
    (grant) => grant.groupValid !== false,
  );
  const result: Record<string, string | string[]> = Object.fromEntries(Object.entries(input.attributes ?? {}));
  for (const type of types) {
    const groups = grants.filter((grant) => grant.permission === type || grant.permission === 'rw').map((grant) => grant.group);
    result[`Group_${type}`] = sortedUnique(groups);
  }
  result.Role = sortedUnique(validRoles.map((role) => role.role));
  return result;
}
