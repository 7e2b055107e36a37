import type { CurrentAgent } from '../auth/current-agent';
import { agentAclContext, defaultMatchOn, isAclSuperuser } from './acl-agent-context';

const anna: CurrentAgent = { id: 5, login: 'anna', name: 'Anna Agent', language: 'de', isAdmin: false, groups: { twitter: 'rw', users: 'ro' } };

describe('the ACL context of an agent', () => {
  it('gives User the OTRS attributes, with rw counting as every permission', () => {
    const { current } = agentAclContext({ agent: anna });
    expect(current.User).toMatchObject({
      UserID: '5',
      UserLogin: 'anna',
      UserFullname: 'Anna Agent',
      UserLanguage: 'de',
      Group_rw: ['twitter'],
      Group_ro: ['twitter', 'users'],
      Group_note: ['twitter'],
      Role: [],
    });
  });

  it('puts User and Frontend into both views, ticket objects only where given', () => {
    const { current, stored } = agentAclContext({ agent: anna, action: 'AgentTicketZoom', current: { Ticket: { Queue: 'Raw' } } });
    expect(current.Frontend).toEqual({ Action: 'AgentTicketZoom' });
    expect(stored.Frontend).toEqual({ Action: 'AgentTicketZoom' });
    expect(current.Ticket).toEqual({ Queue: 'Raw' });
    expect(stored.Ticket).toBeUndefined();
  });

  it('does not let ticket data overwrite who the user is', () => {
    const { current } = agentAclContext({ agent: anna, current: { User: { UserLogin: 'root@localhost' } } });
    expect((current.User as Record<string, unknown>).UserLogin).toBe('anna');
  });

  it('treats only agent id 1 as the superuser, as OTRS does', () => {
    expect(isAclSuperuser({ ...anna, id: 1 })).toBe(true);
    expect(isAclSuperuser({ ...anna, isAdmin: true })).toBe(false);
  });

  it('compares profile ids by key and other fields by name', () => {
    expect(defaultMatchOn('Ticket.TwitterProfileID')).toBe('key');
    expect(defaultMatchOn('Ticket.Queue')).toBe('value');
  });
});
