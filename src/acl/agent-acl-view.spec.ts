import type { CurrentAgent } from '../auth/current-agent';
import { AgentAclView, stateChangeAction, type AgentAclViewInput } from './agent-acl-view';
import { compileAcls, type Acl, type AclConfigChange, type AclConfigMatch } from './engine';

const anna: CurrentAgent = { id: 5, login: 'anna', name: 'Anna Agent', language: 'en', isAdmin: false, groups: { users: 'rw' } };
const tina: CurrentAgent = { ...anna, id: 6, login: 'tina', groups: { users: 'rw', twitter: 'rw' } };
const root: CurrentAgent = { ...anna, id: 1, login: 'root@localhost', isAdmin: true };

function acl(Name: string, ConfigMatch: AclConfigMatch | null, ConfigChange: AclConfigChange): Acl {
  return { Name, Comment: null, Description: '', StopAfterMatch: false, ValidID: 1, ConfigMatch, ConfigChange };
}
const notTwitter: AclConfigMatch = { Properties: { User: { Group_rw: ['[Not]twitter'] } } };
const queues = [
  { id: 1, name: 'Raw' },
  { id: 2, name: 'Twitter' },
  { id: 3, name: 'Junk' },
];
const ticket = { id: 9, number: '2026010110', title: 'Help', queue: queues[1], state: 'open', locked: false, owner: null, profileId: 1 };

describe('an agent on a screen (the API the agent screens call)', () => {
  const set = compileAcls([
    acl('010-queue-by-name', notTwitter, { PossibleNot: { Ticket: { Queue: ['Twitter'] } } }),
    acl('020-queue-by-id', notTwitter, { PossibleNot: { Ticket: { QueueID: ['3'] } } }),
    acl(
      '030-no-close-in-twitter',
      { PropertiesDatabase: { Queue: { Name: ['Twitter'] } }, Properties: { Frontend: { Action: ['AgentTicketZoom'] } } },
      { PossibleNot: { Action: ['AgentTicketClose', 'AgentTicketMove'] } },
    ),
    acl('040-owners', notTwitter, { Possible: { Ticket: { Owner: ['anna', 'tina'] } } }),
    acl('050-states', { Properties: { Ticket: { Queue: ['Raw'] } } }, { PossibleNot: { Ticket: { State: ['pending reminder'] } } }),
  ]);
  const view = (agent: CurrentAgent, extra: Partial<AgentAclViewInput> = {}) => new AgentAclView(set, { agent, screen: 'AgentTicketZoom', ticket, ...extra });

  it('filters a choice by every field that names it (Queue by name and QueueID by id)', () => {
    expect(view(anna).allowed('queue', queues)).toEqual([queues[0]]);
    expect(view(tina).allowed('queue', queues)).toEqual(queues);
    expect(view(anna).mayChoose('queue', queues[1])).toBe(false);
  });

  it('compares owners by login', () => {
    const owners = [
      { id: 5, name: 'anna' },
      { id: 7, name: 'otto' },
    ];
    expect(view(anna).allowed('owner', owners)).toEqual([owners[0]]);
  });

  it('answers actions with the ticket as stored and the screen it is asked from', () => {
    expect(view(anna).allowedActions(['lock', 'close', 'move', 'note', 'reply'])).toEqual(['lock', 'note', 'reply']);
    expect(view(anna, { ticket: { ...ticket, queue: queues[0] } }).may('close')).toBe(true);
    expect(view(anna, { screen: 'AgentTicketMove' }).may('move')).toBe(true);
  });

  it('lets the form selection decide Properties, the stored ticket PropertiesDatabase', () => {
    expect(view(anna, { selection: { queue: queues[0] } }).allowedStateChanges(['open', 'pending reminder', 'closed successful'])).toEqual(['open']);
    expect(view(anna).allowedStateChanges(['open', 'pending reminder', 'closed successful'])).toEqual(['open', 'pending reminder']);
  });

  it('names a state change by the type of the new state', () => {
    expect(['new', 'open', 'pending reminder', 'closed successful', 'closed unsuccessful'].map(stateChangeAction)).toEqual(['state', 'state', 'pending', 'close', 'close']);
  });

  it('never restricts agent id 1', () => {
    expect(view(root).allowed('queue', queues)).toEqual(queues);
    expect(view(root).may('close')).toBe(true);
  });

  it('works without a stored ticket (new ticket): PropertiesDatabase conditions on the ticket do not match', () => {
    const fresh = new AgentAclView(set, { agent: anna, screen: 'AgentTicketEmail', selection: { queue: queues[0] } });
    expect(fresh.may('newTicket')).toBe(true);
    expect(fresh.allowedStateChanges(['open', 'pending reminder'])).toEqual(['open']);
  });
});
