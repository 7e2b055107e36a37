import { readFileSync } from 'fs';
import { join } from 'path';
import { compileAcls, possibleOptions } from '../engine/acl-engine';
import type { Acl } from '../engine/acl-types';
import { userAclAttributes, type GroupPermission } from '../engine/acl-user-context';
import { parseAclYaml } from './acl-yaml';

// The example users import as it is: acl-examples/TwitterAccessRestriction.yml (§7).

const examplePath = join(__dirname, '..', '..', '..', 'acl-examples', 'TwitterAccessRestriction.yml');
const profiles = new Map([
  ['1', '1'],
  ['2', '2'],
]);

function importedAcls(): Acl[] {
  const result = parseAclYaml(readFileSync(examplePath));
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.acls;
}

/** Which profiles an agent with these memberships may see on the ticket zoom screen. */
function visibleProfiles(acls: Acl[], groups: GroupPermission[], options: { superuser?: boolean } = {}) {
  const user = userAclAttributes({ attributes: { UserID: '2', UserLogin: 'agent' }, groups });
  return possibleOptions(compileAcls(acls), {
    field: 'Ticket.TwitterProfileID',
    options: profiles,
    matchOn: 'key',
    current: { User: user, Frontend: { Action: 'AgentTicketZoom' } },
    superuser: options.superuser,
  });
}

describe('acl-examples/TwitterAccessRestriction.yml', () => {
  const acls = importedAcls();

  it('imports as one valid ACL that removes profile 1 unless the agent has rw in twitter', () => {
    expect(acls).toHaveLength(1);
    expect(acls[0]).toMatchObject({
      Name: 'Limit Access to Twitter Profile',
      ValidID: 1,
      ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } },
      ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } },
    });
  });

  it('a member of twitter (rw) sees both profiles', () => {
    expect(
      visibleProfiles(acls, [
        { group: 'twitter', permission: 'rw' },
        { group: 'users', permission: 'rw' },
      ]),
    ).toEqual({ applied: false, allowedKeys: ['1', '2'] });
  });

  it('an agent outside twitter sees only profile 2', () => {
    expect(visibleProfiles(acls, [{ group: 'users', permission: 'rw' }])).toEqual({ applied: true, allowedKeys: ['2'] });
  });

  it('an agent without any group sees only profile 2', () => {
    expect(visibleProfiles(acls, [])).toEqual({ applied: true, allowedKeys: ['2'] });
  });

  it('read-only access to twitter is not enough', () => {
    expect(
      visibleProfiles(acls, [
        { group: 'twitter', permission: 'ro' },
        { group: 'users', permission: 'rw' },
      ]),
    ).toEqual({ applied: true, allowedKeys: ['2'] });
  });

  it('a group named Twitter is another group', () => {
    expect(visibleProfiles(acls, [{ group: 'Twitter', permission: 'rw' }])).toEqual({ applied: true, allowedKeys: ['2'] });
  });

  it('the superuser sees both profiles', () => {
    expect(visibleProfiles(acls, [], { superuser: true })).toEqual({ applied: false, allowedKeys: ['1', '2'] });
  });

  it('restricts nobody once set invalid', () => {
    expect(visibleProfiles([{ ...acls[0], ValidID: 2 }], [])).toEqual({ applied: false, allowedKeys: ['1', '2'] });
  });
});
