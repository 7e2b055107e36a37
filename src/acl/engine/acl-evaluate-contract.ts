import { compileAcls, possibleOptions, type CompiledAclSet } from './acl-engine';
import { parseAclField } from './acl-field';
import type { Acl, AclContext, AclContextValue, AclMatchOn } from './acl-types';
import { validateAclDefinitions } from './acl-validator';
import { parseJsonKeepingKeyOrder, sourceKeyOrder } from './json-key-order';

// The `acl evaluate` contract (docs/ACL.md §10): one JSON request per line in, one JSON
// answer per line out, a malformed request answered by {"error": "<one line>"}.

/** OTRS never restricts user id 1 (ENG:176); the contract keeps that so imported cases agree. */
export const SUPERUSER_ID = '1';

export class AclContractError extends Error {}

export interface AclEvaluateRequest {
  /** ACLs to evaluate instead of the deployed set. */
  readonly acls?: readonly Acl[];
  readonly current: AclContext;
  readonly stored: AclContext;
  readonly superuser: boolean;
  readonly field: string;
  readonly matchOn: AclMatchOn;
  readonly options: ReadonlyMap<string, string>;
}

export interface AclEvaluateAnswer {
  readonly applied: boolean;
  /** Keys that remain selectable, in input order. */
  readonly possible: string[];
}

export type AclEvaluateLine = AclEvaluateAnswer | { readonly error: string };

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new AclContractError(message);
}

/** Scalars as Perl would stringify them after JSON decoding. */
function contextScalar(value: unknown, path: string): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return fail(`${path} must be a text, a number, a list or null`);
}

function readContext(value: unknown, name: string): AclContext {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) fail(`${name} must be an object like {"User": {"Group_rw": ["twitter"]}}`);
  const objects: [string, Record<string, AclContextValue>][] = [];
  for (const [object, attributes] of Object.entries(value)) {
    // A null object is known but empty: no attribute matches, yet the context is not empty.
    if (attributes === null) {
      objects.push([object, {}]);
      continue;
    }
    if (!isMapping(attributes)) fail(`${name}.${object} must be an object of attributes`);
    const read = Object.entries(attributes).map(([attribute, raw]): [string, AclContextValue] => {
      const path = `${name}.${object}.${attribute}`;
      return [attribute, Array.isArray(raw) ? raw.map((element, i) => contextScalar(element, `${path}[${i}]`)) : contextScalar(raw, path)];
    });
    objects.push([object, Object.fromEntries(read)]);
  }
  return Object.fromEntries(objects);
}

function readAcls(value: unknown): readonly Acl[] | undefined {
  if (value === undefined) return undefined;
  const result = validateAclDefinitions(value);
  if (result.ok) return result.acls;
  const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '';
  return fail(`acls: ${result.errors[0]}${more}`);
}

/**
 * For Action a plain string is one option; '-', '' or no options mean "the current screen"
 * (Frontend.Action), as OTRS does with its Action parameter (ENG:292-307).
 */
function readOptions(value: unknown, field: string, current: AclContext): Map<string, string> {
  if (field === 'Action') {
    const usesCurrent = value === undefined || value === '' || value === '-' || (isMapping(value) && Object.keys(value).length === 0);
    if (typeof value === 'string' && !usesCurrent) return new Map([['1', value]]);
    if (usesCurrent) {
      const frontend = current.Frontend;
      const action = frontend && Object.hasOwn(frontend, 'Action') ? frontend.Action : undefined;
      return typeof action === 'string' && action !== '' ? new Map([['1', action]]) : new Map<string, string>();
    }
  }
  if (!isMapping(value)) fail('options must be an object of key → value, e.g. {"1": "ProfileA"}');
  const options = new Map<string, string>();
  for (const key of sourceKeyOrder(value)) {
    const option = value[key];
    if (typeof option === 'string') options.set(key, option);
    else if (typeof option === 'number') options.set(key, String(option));
    else fail(`options.${key} must be a text or a number`);
  }
  return options;
}

/** Parses and checks one request; throws AclContractError with a one-line message. */
export function parseEvaluateRequest(json: string): AclEvaluateRequest {
  let raw: unknown;
  try {
    raw = parseJsonKeepingKeyOrder(json);
  } catch (error) {
    return fail(`invalid JSON: ${(error as Error).message}`);
  }
  if (!isMapping(raw)) return fail('a request must be a JSON object');
  if (typeof raw.field !== 'string') fail('field is required, e.g. "Ticket.TwitterProfileID"');
  const field = parseAclField(raw.field);
  if (raw.matchOn !== undefined && raw.matchOn !== 'key' && raw.matchOn !== 'value') fail('matchOn must be "key" or "value"');
  if (raw.userId !== undefined && raw.userId !== null && typeof raw.userId !== 'string' && typeof raw.userId !== 'number') {
    fail('userId must be a text or a number');
  }
  const current = readContext(raw.properties, 'properties');
  return {
    acls: readAcls(raw.acls),
    current,
    stored: raw.propertiesDatabase === undefined ? current : readContext(raw.propertiesDatabase, 'propertiesDatabase'),
    // Perl compares `UserID == 1` numerically, so "01" and "1.0" are the superuser too.
    superuser: raw.userId !== undefined && raw.userId !== null && Number(String(raw.userId).trim()) === Number(SUPERUSER_ID),
    field,
    matchOn: raw.matchOn ?? 'value',
    options: readOptions(raw.options, field, current),
  };
}

/** Evaluates a parsed request on its own ACLs, or on the deployed set when it brings none. */
export function answerEvaluateRequest(request: AclEvaluateRequest, deployed?: CompiledAclSet): AclEvaluateAnswer {
  const set = request.acls ? compileAcls(request.acls) : deployed;
  if (!set) fail('the request has no "acls" and no deployed ACL set is available');
  const result = possibleOptions(set, {
    field: request.field,
    options: request.options,
    matchOn: request.matchOn,
    current: request.current,
    stored: request.stored,
    superuser: request.superuser,
  });
  return { applied: result.applied, possible: result.allowedKeys };
}

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** One request text → its answer line (never throws). */
export function answerEvaluateLine(json: string, deployed?: CompiledAclSet): AclEvaluateLine {
  try {
    return answerEvaluateRequest(parseEvaluateRequest(json), deployed);
  } catch (error) {
    return { error: oneLine((error as Error).message) };
  }
}

/**
 * The whole stdin of `acl evaluate`: one request (possibly pretty-printed) or JSON Lines.
 * Answers come one per line in request order; exit code 2 if any request was malformed.
 */
export function answerEvaluateInput(input: string, deployed?: CompiledAclSet): { output: string; exitCode: 0 | 2 } {
  const requests = splitEvaluateInput(input);
  const answers: AclEvaluateLine[] = requests.length > 0 ? requests.map((json) => answerEvaluateLine(json, deployed)) : [{ error: 'no request on stdin' }];
  const exitCode = answers.some((answer) => 'error' in answer) ? 2 : 0;
  return { output: answers.map((answer) => JSON.stringify(answer)).join('\n') + '\n', exitCode };
}

/** One request (possibly pretty-printed) or JSON Lines → the request texts. */
function splitEvaluateInput(input: string): string[] {
  if (input.trim() === '') return [];
  try {
    JSON.parse(input);
    return [input];
  } catch {
    return input.split(/\r?\n/).filter((line) => line.trim() !== '');
  }
}

/**
 * Whether any well-formed request in the input brings no `acls` and so needs the deployed set.
 * Lets the command line answer self-contained requests without opening the database.
 */
export function evaluateInputNeedsDeployedSet(input: string): boolean {
  return splitEvaluateInput(input).some((json) => {
    try {
      return parseEvaluateRequest(json).acls === undefined;
    } catch {
      return false;
    }
  });
}
