import { userAclAttributes } from './acl-user-context';

describe('the User object of the context (§6)', () => {
  it('rw on twitter and ro on users: Group_rw [twitter], Group_ro [twitter, users]', () => {
    const user = userAclAttributes({
      groups: [
        { group: 'twitter', permission: 'rw' },
        { group: 'users', permission: 'ro' },
      ],
    });
    expect([user.Group_rw, user.Group_ro]).toEqual([['twitter'], ['twitter', 'users']]);
  });

  it('rw counts as every permission type', () => {
    const user = userAclAttributes({ groups: [{ group: 'twitter', permission: 'rw' }] });
    for (const type of ['ro', 'move_into', 'create', 'note', 'owner', 'priority', 'rw']) expect(user[`Group_${type}`]).toEqual(['twitter']);
  });

  it('ro only on twitter: Group_rw [], Group_ro [twitter]', () => {
    const user = userAclAttributes({ groups: [{ group: 'twitter', permission: 'ro' }] });
    expect([user.Group_rw, user.Group_ro]).toEqual([[], ['twitter']]);
  });

  it('a valid role granting rw on twitter counts like a direct membership, and is listed', () => {
    const user = userAclAttributes({ groups: [], roles: [{ role: 'Social', permissions: [{ group: 'twitter', permission: 'rw' }] }] });
    expect([user.Group_rw, user.Group_ro, user.Role]).toEqual([['twitter'], ['twitter'], ['Social']]);
  });

  it('an invalid role grants nothing and is not listed', () => {
    const user = userAclAttributes({ groups: [], roles: [{ role: 'Social', roleValid: false, permissions: [{ group: 'twitter', permission: 'rw' }] }] });
    expect([user.Group_rw, user.Group_ro, user.Role]).toEqual([[], [], []]);
  });

  it('rw on an invalid group grants nothing', () => {
    const user = userAclAttributes({ groups: [{ group: 'twitter', permission: 'rw', groupValid: false }] });
    expect([user.Group_rw, user.Group_ro]).toEqual([[], []]);
  });

  it('sorts group names by code point, without duplicates, and keeps the plain attributes', () => {
    const user = userAclAttributes({
      attributes: { UserID: '2', UserLogin: 'agent' },
      groups: [
        { group: 'users', permission: 'rw' },
        { group: 'Twitter', permission: 'rw' },
        { group: 'users', permission: 'ro' },
      ],
    });
    expect(user).toMatchObject({ UserID: '2', UserLogin: 'agent', Group_rw: ['Twitter', 'users'], Group_ro: ['Twitter', 'users'] });
  });

  it('uses the configured permission types', () => {
    expect(Object.keys(userAclAttributes({ groups: [], permissionTypes: ['ro', 'rw'] })).sort()).toEqual(['Group_ro', 'Group_rw', 'Role']);
  });
});
