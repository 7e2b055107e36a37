import { aclWarnings } from './acl-lint';
import type { Acl } from './acl-types';

function acl(Name: string, parts: Partial<Acl> = {}): Acl {
  return { Name, Comment: null, Description: '', StopAfterMatch: false, ValidID: 1, ConfigMatch: null, ConfigChange: null, ...parts };
}

describe('warnings about valid but surprising ACLs', () => {
  it('warns that several negated items of one attribute are OR-ed (§8 item 1)', () => {
    const warnings = aclWarnings([acl('a', { ConfigMatch: { PropertiesDatabase: { Ticket: { Queue: ['[Not]Raw', '[NotRegExp]^Junk'] } } } })]);
    expect(warnings).toEqual([expect.stringMatching(/^ACL "a": ConfigMatch.PropertiesDatabase.Ticket.Queue has 2 negated items; items are OR-ed/)]);
  });

  it('does not warn about a single negation or positive alternatives', () => {
    expect(aclWarnings([acl('a', { ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'], Role: ['a', 'b'] } } } })])).toEqual([]);
  });

  it('warns when numbered names of different widths will not run in numeric order (§8 item 8)', () => {
    expect(aclWarnings([acl('2-second'), acl('10-tenth')])).toEqual([
      'ACL names start with numbers of different lengths; they run in character order ("10-tenth" before "2-second"), so pad the numbers with zeros (e.g. 002-, 010-) to get numeric order',
    ]);
    expect(aclWarnings([acl('02-second'), acl('10-tenth'), acl('plain')])).toEqual([]);
  });
});
