import { canonicalJson, columnsOf, compareWithDeployed, engineAclOf } from './acl-record';
import type { StoredAcl } from './acl.entity';
import type { Acl } from './engine';

const acl = (Name: string, parts: Partial<Acl> = {}): Acl => ({
  Name,
  Comment: null,
  Description: '',
  StopAfterMatch: false,
  ValidID: 1,
  ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] }, Frontend: { Action: ['AgentTicketZoom'] } } },
  ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } },
  ...parts,
});

describe('stored ACL rows', () => {
  it('keep an engine ACL exactly, with absent sections as null columns', () => {
    const original = acl('a', { Comment: 'c', StopAfterMatch: true, ValidID: 3 });
    expect(engineAclOf(columnsOf(original) as StoredAcl)).toEqual(original);
    expect(columnsOf(acl('b', { ConfigMatch: null, ConfigChange: null }))).toMatchObject({ configMatch: null, configChange: null });
  });
});

describe('comparing the drafts with the deployed set', () => {
  it('sees no difference in key order, only in content', () => {
    const reordered: Acl = { ...acl('a'), ConfigMatch: { Properties: { Frontend: { Action: ['AgentTicketZoom'] }, User: { Group_rw: ['[Not]twitter'] } } } };
    expect(canonicalJson(reordered)).toBe(canonicalJson(acl('a')));
    expect(canonicalJson(acl('a', { Comment: 'x' }))).not.toBe(canonicalJson(acl('a')));
  });

  it('marks each draft and lists what a deploy would remove', () => {
    const deployed = [acl('same'), acl('edited'), acl('invalidated'), acl('deleted')];
    const drafts = [acl('same'), acl('edited', { StopAfterMatch: true }), acl('invalidated', { ValidID: 2 }), acl('added'), acl('never', { ValidID: 3 })];
    const result = compareWithDeployed(drafts, deployed);
    expect(Object.fromEntries(result.states)).toEqual({ same: 'deployed', edited: 'changed', invalidated: 'not-deployed', added: 'new', never: 'not-deployed' });
    expect(result.removed).toEqual(['invalidated', 'deleted']);
    expect(result.inSync).toBe(false);
  });

  it('is in sync when a deploy would change nothing, invalid drafts included', () => {
    expect(compareWithDeployed([acl('a'), acl('b', { ValidID: 2 })], [acl('a')]).inSync).toBe(true);
    expect(compareWithDeployed([], []).inSync).toBe(true);
    expect(compareWithDeployed([], [acl('a')]).inSync).toBe(false);
  });
});
