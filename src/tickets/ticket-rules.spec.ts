import { canAct, canRead, groupNamesWith, queuePermission, replyPrefill } from './ticket-rules';

describe('ticket permissions follow the queue’s group', () => {
  const agent = { groups: { support: 'rw', sales: 'ro', admin: 'rw' } as const };

  it('rw in the queue’s group reads and acts', () => {
    const permission = queuePermission(agent, 'support');
    expect([canRead(permission), canAct(permission)]).toEqual([true, true]);
  });

  it('ro reads but does not act', () => {
    const permission = queuePermission(agent, 'sales');
    expect([canRead(permission), canAct(permission)]).toEqual([true, false]);
  });

  it('no membership in the group: neither, even for an admin', () => {
    const permission = queuePermission(agent, 'twitter');
    expect([canRead(permission), canAct(permission)]).toEqual([false, false]);
  });

  it('lists the groups to read and to work in', () => {
    expect(groupNamesWith(agent, 'read').sort()).toEqual(['admin', 'sales', 'support']);
    expect(groupNamesWith(agent, 'act').sort()).toEqual(['admin', 'support']);
  });
});

describe('replyPrefill', () => {
  it('starts a reply tweet with the customer’s @handle', () => {
    expect(replyPrefill('tweet', 'jane_doe')).toBe('@jane_doe ');
    expect(replyPrefill('tweet', '@jane_doe')).toBe('@jane_doe ');
  });

  it('leaves a DM empty', () => {
    expect(replyPrefill('dm', 'jane_doe')).toBe('');
  });
});
