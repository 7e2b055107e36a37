import { load, mapTag, nullCoreTag, Schema, seqTag, strTag, YAMLException } from 'js-yaml';
import { aclWarnings } from '../engine/acl-lint';
import type { Acl } from '../engine/acl-types';
import { validateAclDefinitions } from '../engine/acl-validator';

// Reads an OTRS/Znuny ACL export (a YAML list of ACL mappings) into engine ACLs: all of them or
// the list of problems, never a part (DESIGN.md flow 4).

export const ACL_YAML_MAX_BYTES = 1024 * 1024;

/**
 * Plain scalars stay text, as Perl's YAML loader gives them: `1.0` stays "1.0", `0x10` stays
 * "0x10", `yes` stays "yes". Only null is recognised. Any explicit tag (`!!js/function`, `!!int`,
 * `!foo`) is an unknown tag and refused; merge keys (`<<`) are plain keys and then refused as
 * unknown keys by validation.
 */
const ACL_YAML_SCHEMA = new Schema([strTag, nullCoreTag, seqTag, mapTag]);

export type AclYamlResult =
  | { readonly ok: true; readonly acls: Acl[]; readonly warnings: string[] }
  | { readonly ok: false; readonly errors: string[] };

function failure(error: string): AclYamlResult {
  return { ok: false, errors: [error] };
}

function describeYamlError(error: unknown, subject = 'the file'): string {
  if (error instanceof YAMLException) {
    const where = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : '';
    return `${subject} is not valid YAML${where}: ${error.reason}`;
  }
  return `${subject} could not be read: ${(error as Error).message}`;
}

function decode(input: string | Uint8Array): string | undefined {
  if (typeof input === 'string') return input;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return undefined;
  }
}

/** Parses and validates an ACL export. `maxBytes` defaults to 1 MiB. */
export function parseAclYaml(input: string | Uint8Array, options: { maxBytes?: number } = {}): AclYamlResult {
  const maxBytes = options.maxBytes ?? ACL_YAML_MAX_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) return failure(`the file is ${size} bytes; at most ${maxBytes} bytes are accepted`);
  const text = decode(input);
  if (text === undefined) return failure('the file is not UTF-8 text');
  if (text.trim() === '') return failure('the file is empty');

  let document: unknown;
  try {
    // No aliases at all: an alias bomb parses fast but explodes when walked (STACK.md §2.5).
    document = load(text, { schema: ACL_YAML_SCHEMA, maxAliases: 0, maxDepth: 20 });
  } catch (error) {
    return failure(describeYamlError(error));
  }
  const result = validateAclDefinitions(document);
  if (!result.ok) return { ok: false, errors: result.errors };
  return { ok: true, acls: result.acls, warnings: aclWarnings(result.acls) };
}

export type AclYamlSectionResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/**
 * One part of an ACL typed into a form (ConfigMatch or ConfigChange), read with the same safe
 * schema and limits as a whole file. Empty text is null ("no section"); validation is the caller's.
 */
export function parseAclYamlSection(text: string, options: { maxBytes?: number } = {}): AclYamlSectionResult {
  const maxBytes = options.maxBytes ?? ACL_YAML_MAX_BYTES;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) return { ok: false, error: `the text is ${size} bytes; at most ${maxBytes} bytes are accepted` };
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: load(text, { schema: ACL_YAML_SCHEMA, maxAliases: 0, maxDepth: 20 }) ?? null };
  } catch (error) {
    return { ok: false, error: describeYamlError(error, 'the text') };
  }
}
