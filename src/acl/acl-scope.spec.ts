import { aclScopeWarnings, HONOURED_ACTIONS, matchOnFor, TICKET_ACTIONS } from './acl-scope';
import type { Acl } from './engine';

function acl(parts: Partial<Acl>): Acl {
  return { Name: '100-x', Comment: null, Description: '', StopAfterMatch: false, ValidID: 1, ConfigMatch: null, ConfigChange: null, ...parts };
}

describe('what socialdesk honours of an ACL', () => {
  it('names lock, unlock, owner, state, move, pending, note, reply, resend and new ticket after OTRS actions', () => {
    expect(TICKET_ACTIONS).toEqual({
      lock: 'AgentTicketLock',
      unlock: 'AgentTicketLock',
      owner: 'AgentTicketOwner',
      state: 'AgentTicketFreeText',
      close: 'AgentTicketClose',
      pending: 'AgentTicketPending',
      move: 'AgentTicketMove',
      note: 'AgentTicketNote',
      reply: 'AgentTicketCompose',
      resend: 'AgentTicketEmailResend',
      newTicket: 'AgentTicketEmail',
    });
    expect(HONOURED_ACTIONS).toHaveLength(10);
  });

  it('compares ids for TwitterProfileID and the *ID fields, names otherwise', () => {
    expect(['Ticket.TwitterProfileID', 'Ticket.QueueID', 'Ticket.StateID', 'Ticket.OwnerID', 'Ticket.NewOwnerID'].map(matchOnFor)).toEqual(['key', 'key', 'key', 'key', 'key']);
    expect(['Ticket.Queue', 'Ticket.State', 'Ticket.Owner', 'Action', 'Ticket.Priority'].map(matchOnFor)).toEqual(['value', 'value', 'value', 'value', 'value']);
  });

  it('has nothing to say about an ACL on honoured fields, actions and context', () => {
    const fine = acl({
      ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] }, Queue: { Name: ['Raw'] }, Frontend: { Action: ['AgentTicketZoom'] } }, PropertiesDatabase: { Ticket: { State: ['open'] } } },
      ConfigChange: { PossibleNot: { Ticket: { Queue: ['Junk'], StateID: ['2'] }, Action: ['AgentTicketClose', '[RegExp]^AgentTicket(Move|Note)$', '[Not]AgentTicketZoom'] } },
    });
    expect(aclScopeWarnings(fine)).toEqual([]);
  });

  it('warns about change fields and actions socialdesk does not offer', () => {
    const priority = acl({
      ConfigChange: { Possible: { Ticket: { Priority: ['3 normal'] }, Action: ['AgentTicketPriority', 'AgentTicketNote', '[regexp]^agentticketbulk$'] }, PossibleNot: { Process: ['P1'] } },
    });
    expect(aclScopeWarnings(priority)).toEqual([
      'ACL "100-x": has no effect here: Ticket.Priority (ConfigChange.Possible: socialdesk offers no such field)',
      'ACL "100-x": has no effect here: Action AgentTicketPriority, [regexp]^agentticketbulk$ (ConfigChange.Possible: socialdesk has no such action)',
      'ACL "100-x": has no effect here: Process (ConfigChange.PossibleNot: socialdesk has no processes)',
    ]);
  });

  it('warns about conditions on values socialdesk never supplies, roles and unknown screens', () => {
    const conditions = acl({
      ConfigMatch: {
        Properties: { Ticket: { Priority: ['5 very high'] }, CustomerUser: { UserLogin: ['x'] }, Frontend: { Action: ['AgentTicketPriority', 'AgentTicketZoom'] } },
        PropertiesDatabase: { User: { Role: ['Support'] } },
      },
    });
    expect(aclScopeWarnings(conditions)).toEqual([
      'ACL "100-x": has no effect here: Ticket.Priority (ConfigMatch.Properties: socialdesk never supplies it, so this ACL never matches)',
      'ACL "100-x": has no effect here: CustomerUser.UserLogin (ConfigMatch.Properties: socialdesk never supplies it, so this ACL never matches)',
      'ACL "100-x": has no effect here: Frontend.Action AgentTicketPriority (ConfigMatch.Properties: no socialdesk screen has this name)',
      'ACL "100-x": has no effect here: User.Role (ConfigMatch.PropertiesDatabase: socialdesk has no roles, the list is always empty)',
    ]);
  });
});
