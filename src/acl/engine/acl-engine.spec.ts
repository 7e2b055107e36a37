import { AclCompileError, compileAcls, explainPossibleOptions, possibleOptions, type PossibleOptionsRequest } from './acl-engine';
import type { Acl, AclContext } from './acl-types';

function acl(Name: string, parts: Partial<Acl> = {}): Acl {
  return { Name, Comment: null, Description: '', StopAfterMatch: false, ValidID: 1, ConfigMatch: null, ConfigChange: null, ...parts };
}

const profiles = new Map([
  ['1', 'ProfileA'],
  ['2', 'ProfileB'],
  ['3', 'ProfileC'],
]);
const queues = new Map([
  ['1', 'Raw'],
  ['2', 'Misc'],
  ['3', 'Junk'],
]);
const agent = (groups: string[]): AclContext => ({ User: { UserID: '2', Group_rw: groups } });

function run(acls: Acl[], request: Partial<PossibleOptionsRequest> = {}) {
  return possibleOptions(compileAcls(acls), { field: 'Ticket.Queue', options: queues, current: agent([]), ...request });
}

const queuesNot = (name: string, ...items: string[]) => acl(name, { ConfigChange: { PossibleNot: { Ticket: { Queue: items } } } });
const queuesOnly = (name: string, ...items: string[]) => acl(name, { ConfigChange: { Possible: { Ticket: { Queue: items } } } });

describe('evaluating the deployed ACLs for one field', () => {
  it('is not applied when no ACL is deployed: every option stays', () => {
    expect(run([])).toEqual({ applied: false, allowedKeys: ['1', '2', '3'] });
  });

  it('returns the remaining keys in the order offered, with applied set', () => {
    expect(run([queuesNot('a', 'Misc')])).toEqual({ applied: true, allowedKeys: ['1', '3'] });
  });

  it('compares items with option values by default and with keys when asked', () => {
    expect(run([queuesNot('a', '2')]).allowedKeys).toEqual(['1', '2', '3']);
    expect(run([queuesNot('a', '2')], { matchOn: 'key' }).allowedKeys).toEqual(['1', '3']);
  });

  it('never restricts the superuser', () => {
    expect(run([queuesNot('a', 'Misc')], { superuser: true })).toEqual({ applied: false, allowedKeys: ['1', '2', '3'] });
  });

  it('evaluates only ACLs with ValidID 1', () => {
    expect(
      run([
        { ...queuesNot('a', 'Misc'), ValidID: 2 },
        { ...queuesNot('b', 'Raw'), ValidID: 3 },
      ]).applied,
    ).toBe(false);
    expect(compileAcls([{ ...queuesNot('a', 'Misc'), ValidID: 2 }, queuesNot('b', 'Raw')]).names).toEqual(['b']);
  });

  it('runs ACLs in code-point order of their names, so 10-x runs before 2-x', () => {
    // The last Possible wins; '2-raw' sorts after '10-junk'.
    expect(run([queuesOnly('2-raw', 'Raw'), queuesOnly('10-junk', 'Junk')]).allowedKeys).toEqual(['1']);
    expect(compileAcls([queuesOnly('b', 'Raw'), queuesOnly('B', 'Raw'), queuesOnly('a', 'Raw')]).names).toEqual(['B', 'a', 'b']);
  });

  it('lets a later Possible replace an earlier one completely', () => {
    expect(run([queuesOnly('1', 'Raw', 'Misc'), queuesOnly('2', 'Junk')]).allowedKeys).toEqual(['3']);
  });

  it('lets a later Possible bring back what an earlier PossibleNot removed', () => {
    expect(run([queuesNot('1', 'Raw'), queuesOnly('2', 'Raw', 'Misc')]).allowedKeys).toEqual(['1', '2']);
  });

  it('lets later PossibleNot lists remove from the result of earlier ACLs', () => {
    expect(run([queuesOnly('1', 'Raw', 'Misc'), queuesNot('2', 'Raw')]).allowedKeys).toEqual(['2']);
  });

  it('skips ACLs whose conditions do not match', () => {
    const twitterOnly = acl('a', {
      ConfigMatch: { Properties: { User: { Group_rw: ['twitter'] } } },
      ConfigChange: { PossibleNot: { Ticket: { Queue: ['Junk'] } } },
    });
    expect(run([twitterOnly], { current: agent(['users']) }).applied).toBe(false);
    expect(run([twitterOnly], { current: agent(['twitter']) }).allowedKeys).toEqual(['1', '2']);
  });

  it('does not count an ACL that matches but has no list for the field', () => {
    const other = acl('a', { ConfigChange: { PossibleNot: { Ticket: { State: ['open'] } } } });
    expect(run([other])).toEqual({ applied: false, allowedKeys: ['1', '2', '3'] });
  });

  it('counts a list that matches no option: applied with nothing selectable', () => {
    expect(run([queuesOnly('a', 'Postmaster')])).toEqual({ applied: true, allowedKeys: [] });
  });

  it('counts a PossibleNot that removes nothing as applied', () => {
    expect(run([queuesNot('a', 'Postmaster')])).toEqual({ applied: true, allowedKeys: ['1', '2', '3'] });
  });

  it('uses the current view for the stored view when none is given', () => {
    const storedRaw = acl('a', {
      ConfigMatch: { PropertiesDatabase: { Ticket: { Queue: ['Raw'] } } },
      ConfigChange: { PossibleNot: { Ticket: { Queue: ['Junk'] } } },
    });
    expect(run([storedRaw], { current: { Ticket: { Queue: 'Raw' } } }).applied).toBe(true);
    expect(run([storedRaw], { current: { Ticket: { Queue: 'Raw' } }, stored: { Ticket: { Queue: 'Misc' } } }).applied).toBe(false);
  });

  it('applies nothing when there is no context data at all, as OTRS does', () => {
    const unconditional = queuesNot('a', 'Misc');
    expect(run([unconditional], { current: {} })).toEqual({ applied: false, allowedKeys: ['1', '2', '3'] });
    expect(run([unconditional], { current: {}, stored: { Ticket: {} } }).applied).toBe(true);
    expect(run([unconditional], { current: { User: {} } }).applied).toBe(true);
  });

  it('restricts Action, Process and ActivityDialog by their own lists', () => {
    const actions = new Map([
      ['1', 'AgentTicketZoom'],
      ['2', 'AgentTicketClose'],
    ]);
    const noClose = acl('a', { ConfigChange: { PossibleNot: { Action: ['AgentTicketClose'] }, Possible: { Process: ['P2'] } } });
    expect(run([noClose], { field: 'Action', options: actions }).allowedKeys).toEqual(['1']);
    expect(run([noClose], { field: 'Action.-', options: actions }).allowedKeys).toEqual(['1']);
    const processes = new Map([
      ['P1', 'P1'],
      ['P2', 'P2'],
    ]);
    expect(run([noClose], { field: 'Process', options: processes }).allowedKeys).toEqual(['P2']);
    expect(run([noClose], { field: 'ActivityDialog', options: processes }).applied).toBe(false);
  });
});

describe('StopAfterMatch (§5.6)', () => {
  const stopping = (acl: Acl): Acl => ({ ...acl, StopAfterMatch: true });

  it('stops after an ACL that applied', () => {
    expect(run([stopping(queuesNot('1', 'Raw')), queuesNot('2', 'Misc')]).allowedKeys).toEqual(['2', '3']);
  });

  it('has no effect when the ACL did not match', () => {
    const notMatching = stopping(acl('1', { ConfigMatch: { Properties: { User: { Group_rw: ['admin'] } } }, ConfigChange: { PossibleNot: { Ticket: { Queue: ['Raw'] } } } }));
    expect(run([notMatching, queuesNot('2', 'Misc')]).allowedKeys).toEqual(['1', '3']);
  });

  it('has no effect when the ACL matched but had nothing for this field, so it works per field', () => {
    const stateOnly = stopping(acl('1', { ConfigChange: { PossibleNot: { Ticket: { State: ['open'] } } } }));
    expect(run([stateOnly, queuesNot('2', 'Misc')]).allowedKeys).toEqual(['1', '3']);
  });

  it('does not undo ACLs that ran before it', () => {
    expect(run([queuesNot('1', 'Raw'), stopping(queuesNot('2', 'Misc')), queuesNot('3', 'Junk')]).allowedKeys).toEqual(['3']);
  });
});

describe('results do not leak between calls (§8 item 7)', () => {
  it('answers "not applied" with every option after a call that applied', () => {
    const set = compileAcls([acl('a', { ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } }, ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } } })]);
    const ask = (groups: string[]) => possibleOptions(set, { field: 'Ticket.TwitterProfileID', options: profiles, matchOn: 'key', current: agent(groups) });
    expect(ask(['users'])).toEqual({ applied: true, allowedKeys: ['2', '3'] });
    expect(ask(['twitter'])).toEqual({ applied: false, allowedKeys: ['1', '2', '3'] });
  });
});

describe('compiling the deployed set', () => {
  it('names the ACL whose item cannot be compiled', () => {
    expect(() => compileAcls([queuesNot('broken', '[RegExp](')])).toThrow(AclCompileError);
    expect(() => compileAcls([queuesNot('broken', '[RegExp](')])).toThrow(/^ACL "broken": invalid regular expression/);
  });

  it('refuses two deployed ACLs with the same name', () => {
    expect(() => compileAcls([queuesNot('a', 'Raw'), queuesNot('a', 'Misc')])).toThrow('ACL "a" is deployed twice');
  });

  it('refuses an unknown field at evaluation', () => {
    expect(() => run([], { field: 'Queue' })).toThrow(/unknown field/);
  });
});

describe('explaining a result (the admin simulator)', () => {
  const explain = (acls: Acl[], request: Partial<PossibleOptionsRequest> = {}) => explainPossibleOptions(compileAcls(acls), { field: 'Ticket.Queue', options: queues, current: agent([]), ...request });

  it('names the ACLs that applied, in the order they ran, and nothing else', () => {
    const stateOnly = acl('0-state', { ConfigChange: { PossibleNot: { Ticket: { State: ['open'] } } } });
    const admins = acl('5-admins', { ConfigMatch: { Properties: { User: { Group_rw: ['admin'] } } }, ConfigChange: { PossibleNot: { Ticket: { Queue: ['Raw'] } } } });
    expect(explain([queuesNot('9-misc', 'Misc'), stateOnly, admins, queuesOnly('1-all', 'Raw', 'Misc', 'Junk')])).toEqual({
      applied: true,
      allowedKeys: ['1', '3'],
      appliedAcls: ['1-all', '9-misc'],
      decidedBy: ['1-all', '9-misc', '1-all'],
    });
  });

  it('names for each option the last ACL that changed it, or none', () => {
    const add = acl('3-add', { ConfigChange: { PossibleAdd: { Ticket: { Queue: ['Raw'] } } } });
    expect(explain([queuesNot('1', 'Raw'), queuesNot('2', 'Junk'), add]).decidedBy).toEqual(['3-add', null, '2']);
    expect(explain([{ ...queuesNot('1', 'Raw'), StopAfterMatch: true }, queuesNot('2', 'Misc')]).decidedBy).toEqual(['1', null, null]);
  });

  it('stops naming ACLs where StopAfterMatch stopped the run', () => {
    expect(explain([{ ...queuesNot('1', 'Raw'), StopAfterMatch: true }, queuesNot('2', 'Misc')]).appliedAcls).toEqual(['1']);
  });

  it('names none for the superuser', () => {
    expect(explain([queuesNot('a', 'Misc')], { superuser: true })).toEqual({ applied: false, allowedKeys: ['1', '2', '3'], appliedAcls: [], decidedBy: [null, null, null] });
  });
});
