import { load, mapTag, nullCoreTag, Schema, seqTag, strTag, YAMLException } from 'js-yaml';
import { aclSetWarnings, aclWarnings, aclWarningsFor } from '../engine/acl-lint';
import type { Acl } from '../engine/acl-types';
import { AclDefinitionsValidator, ACL_IMPORT_MAX_ACLS, validateAclDefinitions } from '../engine/acl-validator';

// Reads an OTRS/Znuny ACL export (a YAML list of ACL mappings) into engine ACLs: all of them or
// the list of problems, never a part (docs/ACL.md §4).

export const ACL_YAML_MAX_BYTES = 1024 * 1024;

/**
 * Plain scalars stay text, as Perl's YAML loader gives them: `1.0` stays "1.0", `0x10` stays
 * "0x10", `yes` stays "yes". Only null is recognised. Any explicit tag (`!!js/function`, `!!int`,
 * `!foo`) is an unknown tag and refused; merge keys (`<<`) are plain keys and then refused as
 * unknown keys by validation.
 */
const ACL_YAML_SCHEMA = new Schema([strTag, nullCoreTag, seqTag, mapTag]);

export type AclYamlResult = { readonly ok: true; readonly acls: Acl[]; readonly warnings: string[] } | { readonly ok: false; readonly errors: string[] };

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

export interface AclYamlLimits {
  /** Bytes per file; default 1 MiB (the web upload). Infinity: no limit (the command line). */
  readonly maxBytes?: number;
  /** ACLs per file; default 10,000 (the web upload). Infinity: no limit (the command line). */
  readonly maxAcls?: number;
}

/** The checks before parsing: size, UTF-8, not empty. The text, or why not. */
function readText(input: string | Uint8Array, maxBytes: number): { text: string } | { error: string } {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) return { error: `the file is ${size} bytes; at most ${maxBytes} bytes are accepted` };
  const text = decode(input);
  if (text === undefined) return { error: 'the file is not UTF-8 text' };
  if (text.trim() === '') return { error: 'the file is empty' };
  return { text };
}

function loadDocument(text: string): unknown {
  // No aliases at all: an alias bomb parses fast but explodes when walked (docs/ACL.md, "Import").
  return load(text, { schema: ACL_YAML_SCHEMA, maxAliases: 0, maxDepth: 20 });
}

/** Parses and validates an ACL export in one go (small texts; files go through parseAclYamlFile). */
export function parseAclYaml(input: string | Uint8Array, options: AclYamlLimits = {}): AclYamlResult {
  const read = readText(input, options.maxBytes ?? ACL_YAML_MAX_BYTES);
  if ('error' in read) return failure(read.error);
  let document: unknown;
  try {
    document = loadDocument(read.text);
  } catch (error) {
    return failure(describeYamlError(error));
  }
  const result = validateAclDefinitions(document, { maxAcls: options.maxAcls ?? ACL_IMPORT_MAX_ACLS });
  if (!result.ok) return { ok: false, errors: result.errors };
  return { ok: true, acls: result.acls, warnings: aclWarnings(result.acls) };
}

/** One top-level entry (`- Name: …` and the indented lines under it): its first and last+1 line. */
interface EntryLines {
  readonly from: number;
  readonly to: number;
}

const ENTRY_START = /^-(\s|$)/;
const DOCUMENT_START = /^---\s*(#.*)?$/;
const DOCUMENT_END = /^\.\.\.\s*(#.*)?$/;

/**
 * The lines of each entry of a block-style list at the top of the document (how every export is
 * written), or undefined for anything else (flow style, directives, several documents, a
 * mapping): those are parsed whole, which gives the authoritative result and messages.
 */
export function splitTopLevelEntries(lines: readonly string[]): EntryLines[] | undefined {
  const entries: EntryLines[] = [];
  let state: 'header' | 'body' | 'end' = 'header';
  let current = -1;
  const close = (at: number) => {
    if (current >= 0) entries.push({ from: current, to: at });
    current = -1;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const bare = line.trimEnd();
    if (bare === '' || bare.startsWith('#')) continue;
    if (state === 'end') return undefined;
    if (line[0] === ' ') {
      if (current < 0) return undefined;
      continue;
    }
    if (ENTRY_START.test(line)) {
      close(i);
      current = i;
      state = 'body';
      continue;
    }
    if (state === 'header' && DOCUMENT_START.test(line)) {
      state = 'body';
      continue;
    }
    if (state === 'body' && DOCUMENT_END.test(line)) {
      close(i);
      state = 'end';
      continue;
    }
    return undefined;
  }
  close(lines.length);
  return entries.length > 0 ? entries : undefined;
}

export interface AclFileOptions extends AclYamlLimits {
  /** Awaited between slices, so a large file never holds the event loop for long. */
  readonly pause?: () => Promise<void>;
  /** ACLs per slice. */
  readonly chunk?: number;
}

const noPause = () => Promise.resolve();

/**
 * Parses and validates an ACL export like parseAclYaml (same result, same messages), but a large
 * file in slices of `chunk` entries with `pause()` between them: the entries of a block-style list
 * are parsed slice by slice. When anything about a slice is unusual (a YAML error, a different
 * number of entries), the whole document is parsed at once instead, so the result and the
 * messages never depend on the slicing.
 */
export async function parseAclYamlFile(input: string | Uint8Array, options: AclFileOptions = {}): Promise<AclYamlResult> {
  const read = readText(input, options.maxBytes ?? ACL_YAML_MAX_BYTES);
  if ('error' in read) return failure(read.error);
  const pause = options.pause ?? noPause;
  const chunk = options.chunk ?? 250;
  const maxAcls = options.maxAcls ?? ACL_IMPORT_MAX_ACLS;
  const lines = read.text.split('\n');
  const entries = splitTopLevelEntries(lines);
  if (!entries) return parseAclYaml(input, options);
  if (entries.length > maxAcls) return failure(`the file holds ${entries.length} ACLs; at most ${maxAcls} are accepted per file`);

  const definitions: unknown[] = [];
  for (let from = 0; from < entries.length; from += chunk) {
    await pause();
    const slice = entries.slice(from, from + chunk);
    const text = lines.slice(slice[0].from, slice[slice.length - 1].to).join('\n');
    let parsed: unknown;
    try {
      parsed = loadDocument(text);
    } catch {
      // The whole parse names the problem with its line in the file.
      return parseAclYaml(input, options);
    }
    if (!Array.isArray(parsed) || parsed.length !== slice.length) return parseAclYaml(input, options);
    definitions.push(...(parsed as unknown[]));
  }

  const validator = new AclDefinitionsValidator();
  for (let from = 0; from < definitions.length; from += chunk) {
    if (from > 0) await pause();
    for (const raw of definitions.slice(from, from + chunk)) validator.add(raw);
  }
  const result = validator.result();
  if (!result.ok) return { ok: false, errors: result.errors };
  // The same warnings as aclWarnings, a slice at a time.
  const warnings: string[] = [];
  for (let from = 0; from < result.acls.length; from += chunk) {
    await pause();
    for (const acl of result.acls.slice(from, from + chunk)) warnings.push(...aclWarningsFor(acl));
  }
  return { ok: true, acls: result.acls, warnings: [...warnings, ...aclSetWarnings(result.acls)] };
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
