import { migrateOtrs33Actions } from './acl-legacy-migration';
import { ACL_CONDITION_OBJECTS, ACL_LIST_FIELDS, type Acl, type AclChangeLists, type AclConditions, type AclConfigChange, type AclConfigMatch, type AclItems, type AclValidId } from './acl-types';
import { itemProblem } from './acl-value-matcher';

// ACLs in OTRS's export shape (parsed YAML or JSON) → engine ACLs, or every problem found.
// OTRS validates almost nothing here (§4, §8 items 4-6, 9-13); a mistake in an ACL decides who
// sees what, so everything that OTRS would silently misread is refused with its path.

type Mapping = Record<string, unknown>;

export type AclDefinitionsResult = { readonly ok: true; readonly acls: Acl[] } | { readonly ok: false; readonly errors: string[] };

const KNOWN_KEYS = ['Name', 'Comment', 'Description', 'ValidID', 'StopAfterMatch', 'ConfigMatch', 'ConfigChange'];
/** Written by OTRS's export, ignored on import (the server sets them). */
const IGNORED_KEYS = ['ID', 'CreateBy', 'CreateTime', 'ChangeBy', 'ChangeTime'];
const MATCH_SECTIONS = ['Properties', 'PropertiesDatabase'] as const;
const CHANGE_SECTIONS = ['Possible', 'PossibleAdd', 'PossibleNot'] as const;
const NAME_MAX = 200;
/** At most this many ACLs per import file (docs/ACL.md); the store and a deploy hold any number. */
export const ACL_IMPORT_MAX_ACLS = 10_000;
/** Keys that name JavaScript object internals: refused anywhere in an ACL, whatever the nesting. */
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];
const TEXT_MAX = 250;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strings as they are; numbers as their decimal text (Perl compares them as strings). */
function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return `a ${typeof value}`;
}

/** Absent, null and '' all mean "no section" in the export format. */
function isNone(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

class Problems {
  readonly list: string[] = [];
  /** Without a label (one section typed in the editor) a problem reads `path: message`. */
  constructor(private readonly label?: string) {}
  add(path: string, message: string): void {
    this.list.push(this.label ? `${this.label}: ${path}: ${message}` : `${path}: ${message}`);
  }
}

/** Every forbidden key below `value`, with its path (`ConfigMatch.Properties.User.constructor`). */
function findForbiddenKeys(value: unknown, path: string, problems: Problems, depth = 0): void {
  if (depth > 50) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => findForbiddenKeys(item, `${path}[${index}]`, problems, depth + 1));
    return;
  }
  if (!isMapping(value)) return;
  for (const key of Object.keys(value)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.includes(key)) problems.add(keyPath, `the key "${key}" is not allowed`);
    else findForbiddenKeys(value[key], keyPath, problems, depth + 1);
  }
}

function validateItems(value: unknown, path: string, problems: Problems): AclItems | undefined {
  if (!Array.isArray(value)) {
    problems.add(path, `must be a list of items, not ${describe(value)}`);
    return undefined;
  }
  if (value.length === 0) {
    problems.add(path, 'is an empty list; list at least one item or remove it');
    return undefined;
  }
  const items: string[] = [];
  value.forEach((raw, index) => {
    const item = asText(raw);
    if (item === undefined) return problems.add(`${path}[${index}]`, `must be a text, not ${describe(raw)}`);
    const problem = itemProblem(item);
    if (problem) return problems.add(`${path}[${index}] ${JSON.stringify(item)}`, problem);
    items.push(item);
  });
  return items.length === value.length ? items : undefined;
}

function validateConditions(value: unknown, path: string, problems: Problems): AclConditions | undefined {
  if (isNone(value)) return undefined;
  if (!isMapping(value)) {
    problems.add(path, `must be a mapping of objects (User, Ticket, …), not ${describe(value)}`);
    return undefined;
  }
  const objects: [string, Record<string, AclItems>][] = [];
  for (const [object, attributes] of Object.entries(value)) {
    const objectPath = `${path}.${object}`;
    if (!ACL_CONDITION_OBJECTS.includes(object)) {
      problems.add(objectPath, `unknown object; expected one of ${ACL_CONDITION_OBJECTS.join(', ')}`);
      continue;
    }
    // OTRS treats an object without attributes as "tried nothing": the ACL silently never matches.
    if (!isMapping(attributes) || Object.keys(attributes).length === 0) {
      problems.add(objectPath, isMapping(attributes) ? 'lists no attribute' : `must be a mapping of attributes, not ${describe(attributes)}`);
      continue;
    }
    const checked: [string, AclItems][] = [];
    for (const [attribute, items] of Object.entries(attributes)) {
      const valid = validateItems(items, `${objectPath}.${attribute}`, problems);
      if (valid) checked.push([attribute, valid]);
    }
    objects.push([object, Object.fromEntries(checked)]);
  }
  return objects.length > 0 ? Object.fromEntries(objects) : undefined;
}

function validateConfigMatch(value: unknown, problems: Problems): AclConfigMatch | null {
  if (isNone(value)) return null;
  if (!isMapping(value)) {
    problems.add('ConfigMatch', `must be a mapping with Properties and/or PropertiesDatabase, or '', not ${describe(value)}`);
    return null;
  }
  if (Object.keys(value).length === 0) {
    problems.add('ConfigMatch', "is an empty mapping; write '' (or leave it out) for an ACL without conditions");
    return null;
  }
  for (const key of Object.keys(value)) {
    // A misspelled section would be dropped at deploy and the ACL would apply to everyone (§8 item 12).
    if (!(MATCH_SECTIONS as readonly string[]).includes(key)) {
      problems.add(`ConfigMatch.${key}`, `unknown section; expected ${MATCH_SECTIONS.join(' or ')}`);
    }
  }
  const match: { -readonly [K in keyof AclConfigMatch]: AclConditions } = {};
  for (const section of MATCH_SECTIONS) {
    const conditions = validateConditions(value[section], `ConfigMatch.${section}`, problems);
    if (conditions) match[section] = conditions;
  }
  return Object.keys(match).length > 0 ? match : null;
}

function validateChangeLists(value: unknown, path: string, problems: Problems): AclChangeLists | undefined {
  if (isNone(value)) return undefined;
  if (!isMapping(value)) {
    problems.add(path, `must be a mapping with Ticket, ${ACL_LIST_FIELDS.join(', ')}, not ${describe(value)}`);
    return undefined;
  }
  const lists: { -readonly [K in keyof AclChangeLists]: AclChangeLists[K] } = {};
  for (const [key, entry] of Object.entries(value)) {
    const entryPath = `${path}.${key}`;
    if (key === 'Ticket') {
      if (isNone(entry)) continue;
      if (!isMapping(entry)) {
        problems.add(entryPath, `must be a mapping of ticket fields, not ${describe(entry)}`);
        continue;
      }
      const fields: [string, AclItems][] = [];
      for (const [field, items] of Object.entries(entry)) {
        const valid = validateItems(items, `${entryPath}.${field}`, problems);
        if (valid) fields.push([field, valid]);
      }
      if (fields.length > 0) lists.Ticket = Object.fromEntries(fields);
    } else if ((ACL_LIST_FIELDS as readonly string[]).includes(key)) {
      const valid = validateItems(entry, entryPath, problems);
      if (valid) lists[key as (typeof ACL_LIST_FIELDS)[number]] = valid;
    } else {
      problems.add(entryPath, `unknown key; expected Ticket, ${ACL_LIST_FIELDS.join(', ')}`);
    }
  }
  return Object.keys(lists).length > 0 ? lists : undefined;
}

function validateConfigChange(value: unknown, problems: Problems): AclConfigChange | null {
  if (isNone(value)) return null;
  if (!isMapping(value)) {
    problems.add('ConfigChange', `must be a mapping with Possible, PossibleAdd and/or PossibleNot, or '', not ${describe(value)}`);
    return null;
  }
  // OTRS refuses `ConfigMatch: {}` but lets `ConfigChange: {}` through (§8 item 10): one rule here.
  if (Object.keys(value).length === 0) {
    problems.add('ConfigChange', "is an empty mapping; write '' (or leave it out) for an ACL that changes nothing");
    return null;
  }
  for (const key of Object.keys(value)) {
    if (!(CHANGE_SECTIONS as readonly string[]).includes(key)) {
      problems.add(`ConfigChange.${key}`, `unknown section; expected ${CHANGE_SECTIONS.join(', ')}`);
    }
  }
  const change: { -readonly [K in keyof AclConfigChange]: AclChangeLists } = {};
  for (const section of CHANGE_SECTIONS) {
    const lists = validateChangeLists(value[section], `ConfigChange.${section}`, problems);
    if (lists) change[section] = lists;
  }
  return Object.keys(change).length > 0 ? change : null;
}

function validateText(value: unknown, path: string, max: number, problems: Problems): string | undefined {
  const text = asText(value);
  if (text === undefined) problems.add(path, `must be a text, not ${describe(value)}`);
  else if (text.length > max) problems.add(path, `is ${text.length} characters long; at most ${max} are allowed`);
  return text;
}

function validateValidId(value: unknown, problems: Problems): AclValidId {
  if (value === undefined || value === null) return 1;
  const text = asText(value);
  if (text === '1' || text === '2' || text === '3') return Number(text) as AclValidId;
  // OTRS turns 0 into "valid" (§8 item 13); an unknown validity is refused instead.
  problems.add('ValidID', `must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily), not ${JSON.stringify(value)}`);
  return 2;
}

function validateStopAfterMatch(value: unknown, problems: Problems): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === '0' || value === false) return false;
  if (value === 1 || value === '1' || value === true) return true;
  problems.add('StopAfterMatch', `must be 0 or 1, not ${JSON.stringify(value)}`);
  return false;
}

function labelOf(raw: unknown, position: number): string {
  const name = isMapping(raw) ? asText(raw.Name) : undefined;
  return name ? `ACL ${JSON.stringify(name)} (#${position})` : `ACL #${position}`;
}

/** One ACL in export shape; `position` is 1-based and only used in messages. */
export function validateAclDefinition(raw: unknown, position: number): { acl?: Acl; errors: string[] } {
  const problems = new Problems(labelOf(raw, position));
  if (!isMapping(raw)) {
    // OTRS skips such entries silently (§4 step 3); a file with holes is refused instead.
    problems.add('entry', `must be a mapping with at least a Name, not ${describe(raw)}`);
    return { errors: problems.list };
  }
  const migration = migrateOtrs33Actions(raw);
  if ('problem' in migration) {
    problems.add('ConfigChange', migration.problem);
    return { errors: problems.list };
  }
  findForbiddenKeys(raw, '', problems);
  if (problems.list.length > 0) return { errors: problems.list };
  const definition = migration.acl as Mapping;

  for (const key of Object.keys(definition)) {
    if (!KNOWN_KEYS.includes(key) && !IGNORED_KEYS.includes(key)) {
      problems.add(key, `unknown key; expected ${KNOWN_KEYS.join(', ')}`);
    }
  }
  // OTRS drops nameless entries (and the name "0") without reporting them (§8 item 9).
  let name: string | undefined;
  if (isNone(definition.Name)) problems.add('Name', 'is required');
  else {
    name = validateText(definition.Name, 'Name', NAME_MAX, problems);
    if (name === '0') problems.add('Name', 'must not be "0"');
  }
  const comment = isNone(definition.Comment) ? null : validateText(definition.Comment, 'Comment', TEXT_MAX, problems);
  const description = isNone(definition.Description) ? '' : validateText(definition.Description, 'Description', TEXT_MAX, problems);
  const acl: Acl = {
    Name: name ?? '',
    Comment: comment ?? null,
    Description: description ?? '',
    StopAfterMatch: validateStopAfterMatch(definition.StopAfterMatch, problems),
    ValidID: validateValidId(definition.ValidID, problems),
    ConfigMatch: validateConfigMatch(definition.ConfigMatch, problems),
    ConfigChange: validateConfigChange(definition.ConfigChange, problems),
  };
  return problems.list.length > 0 ? { errors: problems.list } : { acl, errors: [] };
}

export type AclSectionResult = { readonly ok: true; readonly value: AclConfigMatch | AclConfigChange | null } | { readonly ok: false; readonly errors: string[] };

/**
 * ConfigMatch or ConfigChange alone, as an admin edits it in a form: the same rules as in a
 * whole ACL (including the OTRS 3.3 action form), problems as `path: message`.
 */
export function validateAclSection(section: 'ConfigMatch' | 'ConfigChange', value: unknown, aclName?: string): AclSectionResult {
  // With the name the messages read as at import: `ACL "x": ConfigMatch…: …`.
  const problems = new Problems(aclName ? `ACL ${JSON.stringify(aclName)}` : undefined);
  findForbiddenKeys(value, section, problems);
  if (problems.list.length > 0) return { ok: false, errors: problems.list };
  if (section === 'ConfigMatch') {
    const match = validateConfigMatch(value, problems);
    return problems.list.length > 0 ? { ok: false, errors: problems.list } : { ok: true, value: match };
  }
  const migration = migrateOtrs33Actions({ ConfigChange: value });
  if ('problem' in migration) {
    problems.add('ConfigChange', migration.problem);
    return { ok: false, errors: problems.list };
  }
  const change = validateConfigChange((migration.acl as Mapping).ConfigChange, problems);
  return problems.list.length > 0 ? { ok: false, errors: problems.list } : { ok: true, value: change };
}

/**
 * Validates ACLs one by one (so a caller can pause between slices of a large file) and checks that
 * names are unique ignoring case (DB:142-163); inside one import that is an error, not "first wins".
 */
export class AclDefinitionsValidator {
  readonly acls: Acl[] = [];
  readonly errors: string[] = [];
  private readonly seen = new Map<string, string>();
  private count = 0;

  /** `where` names the entry in messages when several files are imported together (`file b.yml, `). */
  add(raw: unknown, where = ''): void {
    const position = ++this.count;
    const result = validateAclDefinition(raw, position);
    this.errors.push(...result.errors.map((error) => `${where}${error}`));
    if (!result.acl) return;
    const folded = result.acl.Name.toLowerCase();
    const first = this.seen.get(folded);
    if (first !== undefined) {
      this.errors.push(`${where}${labelOf(raw, position)}: Name: used already by ${first} (names are unique ignoring case)`);
      return;
    }
    this.seen.set(folded, `${where}ACL #${position}`);
    this.acls.push(result.acl);
  }

  result(): AclDefinitionsResult {
    return this.errors.length > 0 ? { ok: false, errors: this.errors } : { ok: true, acls: this.acls };
  }
}

/**
 * A list of ACLs in export shape: all of them, or every problem (all or nothing). `maxAcls` is the
 * limit of one import file; checking stored ACLs (before a deploy) passes none.
 */
export function validateAclDefinitions(definitions: unknown, options: { maxAcls?: number } = {}): AclDefinitionsResult {
  if (!Array.isArray(definitions)) {
    return { ok: false, errors: [`expected a list of ACLs (as OTRS/Znuny export them), not ${describe(definitions)}`] };
  }
  if (options.maxAcls !== undefined && definitions.length > options.maxAcls) {
    return { ok: false, errors: [`the file holds ${definitions.length} ACLs; at most ${options.maxAcls} are accepted per file`] };
  }
  const validator = new AclDefinitionsValidator();
  for (const raw of definitions) validator.add(raw);
  return validator.result();
}
