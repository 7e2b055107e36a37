// The shape of an OTRS/Znuny ticket ACL as this project stores and evaluates it
// (docs/ACL.md §1–§2). Field names keep OTRS's spelling so the stored form, the export and
// the engine talk about the same thing.

/** 1 valid, 2 invalid, 3 invalid-temporarily. Only 1 is ever deployed (§3). */
export type AclValidId = 1 | 2 | 3;

/** Items of one condition or change list: plain values or modifier items such as `[Not]twitter`. */
export type AclItems = readonly string[];

/** `<Object>` → `<Attribute>` → items, e.g. `User.Group_rw: ['[Not]twitter']`. */
export type AclConditions = Readonly<Record<string, Readonly<Record<string, AclItems>>>>;

export interface AclConfigMatch {
  /** Checked against the current view (stored data overlaid with the form's selection). */
  readonly Properties?: AclConditions;
  /** Checked against the stored view (the ticket as saved). */
  readonly PropertiesDatabase?: AclConditions;
}

/** One of Possible / PossibleAdd / PossibleNot: the lists it holds per field. */
export interface AclChangeLists {
  /** Ticket field (Queue, State, TwitterProfileID, DynamicField_X, …) → items. */
  readonly Ticket?: Readonly<Record<string, AclItems>>;
  readonly Action?: AclItems;
  readonly Process?: AclItems;
  readonly ActivityDialog?: AclItems;
}

export interface AclConfigChange {
  readonly Possible?: AclChangeLists;
  readonly PossibleAdd?: AclChangeLists;
  readonly PossibleNot?: AclChangeLists;
}

export interface Acl {
  /** Identity and evaluation order (code-point order of names, §5.2). */
  readonly Name: string;
  readonly Comment: string | null;
  readonly Description: string;
  readonly StopAfterMatch: boolean;
  readonly ValidID: AclValidId;
  /** null: no conditions, the ACL always matches. */
  readonly ConfigMatch: AclConfigMatch | null;
  /** null: the ACL changes nothing. */
  readonly ConfigChange: AclConfigChange | null;
}

/**
 * One attribute of the context: a scalar, a list (Group_rw, Role, multiselect fields), or
 * null/absent. Absent means "unknown": no item matches it, not even a negated one (§5.3).
 */
export type AclContextValue = string | null | readonly (string | null)[];

/** `<Object>` → `<Attribute>` → value, e.g. `{ User: { Group_rw: ['twitter'] } }`. */
export type AclContext = Readonly<Record<string, Readonly<Record<string, AclContextValue>> | undefined>>;

/** Whether ACL items are compared with the option keys (ids) or the option values (names). */
export type AclMatchOn = 'key' | 'value';

/** The objects a condition may name (XML ACLKeysLevel2::Properties; Frontend works in both sections). */
export const ACL_CONDITION_OBJECTS: readonly string[] = [
  'CustomerUser',
  'DynamicField',
  'Frontend',
  'Owner',
  'Priority',
  'Process',
  'Queue',
  'Responsible',
  'SLA',
  'Service',
  'State',
  'Ticket',
  'Type',
  'User',
];

/** Change-list kinds other than Ticket: a plain list of names per ACL. */
export const ACL_LIST_FIELDS = ['Action', 'Process', 'ActivityDialog'] as const;
export type AclListField = (typeof ACL_LIST_FIELDS)[number];
