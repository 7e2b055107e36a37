import fc from 'fast-check';
import { compileAcls, possibleOptions, scanPossibleOptions, type PossibleOptionsRequest } from './acl-engine';
import { ANCHORED_SPLIT, anchorOf } from './acl-index';
import { compileMatch } from './acl-matcher';
import type { Acl, AclConditions, AclContext } from './acl-types';

function acl(Name: string, parts: Partial<Acl> = {}): Acl {
  return { Name, Comment: null, Description: '', StopAfterMatch: false, ValidID: 1, ConfigMatch: null, ConfigChange: null, ...parts };
}

describe('anchoring an ACL on a condition with plain values', () => {
  it('picks a condition whose items are all plain values, preferring few values and scalars over group lists', () => {
    const match = compileMatch({
      Properties: { User: { Group_rw: ['twitter'] }, Ticket: { Queue: ['Raw', 'Junk'] } },
      PropertiesDatabase: { Ticket: { State: ['[Not]closed'] } },
    });
    expect(anchorOf(match)).toMatchObject({ view: 'current', object: 'Ticket', attribute: 'Queue', values: new Set(['Raw', 'Junk']) });
  });

  it('anchors on a group list when nothing else is plain', () => {
    expect(anchorOf(compileMatch({ PropertiesDatabase: { User: { Group_rw: ['twitter'] } } }))).toMatchObject({ view: 'stored', attribute: 'Group_rw' });
  });

  it('leaves ACLs with only negations, regexes or no conditions floating', () => {
    expect(anchorOf(compileMatch({ Properties: { User: { Group_rw: ['[Not]twitter'] }, Ticket: { Queue: ['Raw', '[RegExp]^J'] } } }))).toBeUndefined();
    expect(anchorOf(compileMatch(null))).toBeUndefined();
  });
});

describe('the indexed engine gives the answers of the straightforward one', () => {
  const queues = new Map([
    ['1', 'Raw'],
    ['2', 'Junk'],
    ['3', 'Misc'],
  ]);
  const run = (acls: Acl[], request: Partial<PossibleOptionsRequest>) => {
    const set = compileAcls(acls);
    const full: PossibleOptionsRequest = { field: 'Ticket.Queue', options: queues, current: { User: { Group_rw: [] } }, ...request };
    return [possibleOptions(set, full), scanPossibleOptions(set, full)];
  };

  it('uses only the anchored ACLs the request brings values for', () => {
    const byQueue = ['Raw', 'Junk', 'Misc'].map((queue, i) =>
      acl(`${i}-${queue}`, { ConfigMatch: { Properties: { Ticket: { Queue: [queue] } } }, ConfigChange: { Possible: { Ticket: { Queue: [queue] } } } }),
    );
    const [indexed, scan] = run(byQueue, { current: { Ticket: { Queue: 'Junk' } } });
    expect(indexed).toEqual({ applied: true, allowedKeys: ['2'] });
    expect(scan).toMatchObject(indexed);
  });

  it('ends at the first matching StopAfterMatch ACL, anchored or floating', () => {
    const stop = acl('1-stop', { StopAfterMatch: true, ConfigMatch: { Properties: { Ticket: { Queue: ['Raw'] } } }, ConfigChange: { PossibleNot: { Ticket: { Queue: ['Junk'] } } } });
    const later = acl('2-later', { ConfigChange: { PossibleNot: { Ticket: { Queue: ['Misc'] } } } });
    expect(run([stop, later], { current: { Ticket: { Queue: 'Raw' } } })[0]).toEqual({ applied: true, allowedKeys: ['1', '3'] });
    expect(run([stop, later], { current: { Ticket: { Queue: 'Misc' } } })[0]).toEqual({ applied: true, allowedKeys: ['1', '2'] });
  });

  it('counts an ACL as applied when it matches but changes none of the offered options', () => {
    expect(run([acl('x', { ConfigChange: { PossibleNot: { Ticket: { Queue: ['Nowhere'] } } } })], {})[0]).toEqual({ applied: true, allowedKeys: ['1', '2', '3'] });
  });

  it('does not reuse a match answer of an earlier call', () => {
    const set = compileAcls([acl('x', { ConfigMatch: { Properties: { User: { UserLogin: ['anna'] } } }, ConfigChange: { PossibleNot: { Ticket: { Queue: ['Raw'] } } } })]);
    const ask = (login: string) => possibleOptions(set, { field: 'Ticket.Queue', options: queues, current: { User: { UserLogin: login } } }).allowedKeys;
    expect([ask('anna'), ask('bob'), ask('anna')]).toEqual([
      ['2', '3'],
      ['1', '2', '3'],
      ['2', '3'],
    ]);
  });
});

// ---- property: random ACL sets and requests ------------------------------------------------------

const VALUES = ['a', 'b', 'Raw', 'Junk', '1', '2', ''];
const value = fc.constantFrom(...VALUES);
const nonEmpty = fc.constantFrom(...VALUES.filter((v) => v !== ''));
const item: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: value },
  { weight: 3, arbitrary: value.map((v) => `[Not]${v}`) },
  { weight: 1, arbitrary: value.map((v) => `[RegExp]^${v}`) },
  { weight: 1, arbitrary: value.map((v) => `[regexp]${v.toUpperCase()}$`) },
  { weight: 1, arbitrary: nonEmpty.map((v) => `[NotRegExp]${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('[empty]', '[Not][empty]', '[NotExact]a', '[Notregexp]^J') },
);
const items = fc.array(item, { minLength: 1, maxLength: 3 });

/** Objects and attributes a condition may name; some are never in the context (always absent). */
const ATTRIBUTES: [string, string][] = [
  ['User', 'Group_rw'],
  ['User', 'UserLogin'],
  ['Ticket', 'Queue'],
  ['Frontend', 'Action'],
  ['Ticket', 'Priority'],
];
const conditions: fc.Arbitrary<AclConditions> = fc.array(fc.tuple(fc.constantFrom(...ATTRIBUTES), items), { maxLength: 3 }).map((list) => {
  const result: Record<string, Record<string, readonly string[]>> = {};
  for (const [[object, attribute], values] of list) (result[object] ??= {})[attribute] = values;
  return result;
});
const configMatch = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.record({ Properties: conditions, PropertiesDatabase: conditions }, { requiredKeys: [] }) },
  // An object without attributes: the section "tried nothing" and never matches.
  { weight: 1, arbitrary: fc.constant({ Properties: { User: {} } }) },
);
const changeLists = fc.record({ Ticket: fc.record({ Queue: items }, { requiredKeys: [] }), Action: items }, { requiredKeys: [] });
const configChange = fc.record({ Possible: changeLists, PossibleAdd: changeLists, PossibleNot: changeLists }, { requiredKeys: [] });

const aclSet: fc.Arbitrary<Acl[]> = fc
  .uniqueArray(fc.string({ unit: fc.constantFrom('0', '1', '2', 'a', 'B'), minLength: 1, maxLength: 3 }), { maxLength: 12 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc
          .record({ match: configMatch, change: configChange, stop: fc.boolean(), valid: fc.constantFrom<1 | 2>(1, 1, 1, 2) })
          .map(({ match, change, stop, valid }): Acl => acl(name, { ConfigMatch: match, ConfigChange: change, StopAfterMatch: stop, ValidID: valid })),
      ),
    ),
  );

const contextValue = fc.oneof(value, fc.constant(null), fc.array(fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 4 }));
const context: fc.Arbitrary<AclContext> = fc.array(fc.tuple(fc.constantFrom(...ATTRIBUTES), contextValue), { maxLength: 4 }).map((list) => {
  const result: Record<string, Record<string, string | null | (string | null)[]>> = {};
  for (const [[object, attribute], v] of list) (result[object] ??= {})[attribute] = v;
  return result;
});
const request: fc.Arbitrary<PossibleOptionsRequest> = fc.record({
  field: fc.constantFrom('Ticket.Queue', 'Action'),
  options: fc.uniqueArray(fc.tuple(fc.constantFrom('1', '2', '3', '4'), value), { selector: ([key]) => key, maxLength: 4 }).map((entries) => new Map(entries)),
  matchOn: fc.constantFrom<'key' | 'value'>('key', 'value'),
  current: context,
  stored: fc.option(context, { nil: undefined }),
  superuser: fc.constantFrom(false, false, false, true),
});

// A third engine written from the specification alone (§5.3–§5.7), sharing no code with the other
// two, so that a mistake in the shared matchers shows as well.
function naiveItemMatches(rawItem: string, value: string): boolean {
  const item = rawItem.split('[empty]').join('');
  const regex = (source: string, flags: string) => new RegExp(source, flags).test(value);
  if (item.startsWith('[Not]')) return value !== item.slice(5);
  if (item.startsWith('[NotRegExp]')) return !regex(item.slice(11), '');
  if (item.startsWith('[Notregexp]')) return !regex(item.slice(11), 'i');
  if (item.startsWith('[Not')) return true;
  if (value === item) return true;
  if (item.startsWith('[RegExp]')) return regex(item.slice(8), '');
  if (item.startsWith('[regexp]')) return regex(item.slice(8), 'i');
  return false;
}
function naiveListMatches(rawItem: string, list: readonly (string | null)[]): boolean {
  const negated = rawItem.startsWith('[Not');
  for (const element of list) {
    if (element === null) return false;
    const hit = negated ? !naiveItemMatches(rawItem, element) : naiveItemMatches(rawItem, element);
    if (hit) return !negated;
  }
  return negated;
}
function naiveSection(conditions: AclConditions | undefined, context: AclContext): boolean | undefined {
  if (!conditions || Object.keys(conditions).length === 0) return undefined;
  let tried = 0;
  for (const [object, attributes] of Object.entries(conditions)) {
    for (const [attribute, list] of Object.entries(attributes)) {
      tried++;
      const v = context[object]?.[attribute];
      if (v === undefined || v === null) return false;
      const ok = list.some((entry) => (typeof v === 'string' ? naiveItemMatches(entry, v) : naiveListMatches(entry, v)));
      if (!ok) return false;
    }
  }
  return tried > 0;
}
function naivePossibleOptions(acls: readonly Acl[], req: PossibleOptionsRequest) {
  const keys = [...req.options.keys()];
  const current = req.current;
  const stored = req.stored ?? current;
  if (req.superuser || (Object.keys(current).length === 0 && Object.keys(stored).length === 0)) return { applied: false, allowedKeys: keys };
  const compared = req.matchOn === 'key' ? keys : [...req.options.values()];
  const allowed = keys.map(() => true);
  let applied = false;
  const ordered = acls.filter((a) => a.ValidID === 1).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  for (const a of ordered) {
    const p = naiveSection(a.ConfigMatch?.Properties, current);
    const d = naiveSection(a.ConfigMatch?.PropertiesDatabase, stored);
    if (p === false || d === false) continue;
    const lists = (kind: 'Possible' | 'PossibleAdd' | 'PossibleNot') => (req.field === 'Action' ? a.ConfigChange?.[kind]?.Action : a.ConfigChange?.[kind]?.Ticket?.Queue);
    const [possible, add, not] = [lists('Possible'), lists('PossibleAdd'), lists('PossibleNot')];
    if (!possible && !add && !not) continue;
    compared.forEach((v, i) => {
      if (possible) allowed[i] = possible.some((entry) => naiveItemMatches(entry, v));
      if (add && add.some((entry) => naiveItemMatches(entry, v))) allowed[i] = true;
      if (not && not.some((entry) => naiveItemMatches(entry, v))) allowed[i] = false;
    });
    applied = true;
    if (a.StopAfterMatch) break;
  }
  return { applied, allowedKeys: applied ? keys.filter((_, i) => allowed[i]) : keys };
}

describe('property: indexed engine ≡ straightforward engine ≡ the specification', () => {
  const defaults = { ...ANCHORED_SPLIT };
  afterEach(() => Object.assign(ANCHORED_SPLIT, defaults));

  it.each([
    ['as configured', defaults],
    ['always splitting the matching anchored ACLs', { minCount: 1, minWork: 0 }],
  ])('on random ACL sets and several requests each, in any order (%s)', (_, split) => {
    Object.assign(ANCHORED_SPLIT, split);
    fc.assert(
      fc.property(aclSet, fc.array(request, { minLength: 1, maxLength: 6 }), (acls, requests) => {
        const set = compileAcls(acls);
        for (const req of requests) {
          const { applied, allowedKeys } = scanPossibleOptions(set, req);
          expect(possibleOptions(set, req)).toEqual({ applied, allowedKeys });
          expect(naivePossibleOptions(acls, req)).toEqual({ applied, allowedKeys });
        }
      }),
      { numRuns: 400 },
    );
  });
});
