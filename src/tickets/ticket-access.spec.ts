import fc from 'fast-check';
import { AgentAclView, stateChangeAction } from '../acl/agent-acl-view';
import type { AclTicketValues } from '../acl/acl-ticket-context';
import { TICKET_ACTIONS, type TicketAclAction } from '../acl/acl-scope';
import { compileAcls, type Acl, type AclConfigChange, type AclConfigMatch } from '../acl/engine';
import type { CurrentAgent } from '../auth/current-agent';
import { DomainException, ForbiddenActionException } from '../common/domain.exception';
import { NewTicketAccess, TicketAccess, type TicketRequest } from './ticket-access';
import { AGENT_STATES } from './ticket-rules';

const anna: CurrentAgent = { id: 5, login: 'anna', name: 'Anna Agent', language: 'en', isAdmin: false, groups: { users: 'rw' } };
const tina: CurrentAgent = { ...anna, id: 6, login: 'tina', name: 'Tina', groups: { users: 'rw', escalation: 'rw' } };
const root: CurrentAgent = { ...anna, id: 1, login: 'root@localhost', isAdmin: true };

let n = 0;
function acl(ConfigMatch: AclConfigMatch | null, ConfigChange: AclConfigChange, name = `${String(++n).padStart(3, '0')}-acl`): Acl {
  return { Name: name, Comment: null, Description: '', StopAfterMatch: false, ValidID: 1, ConfigMatch, ConfigChange };
}
const queues = [
  { id: 1, name: 'Support' },
  { id: 2, name: 'Sales' },
  { id: 3, name: 'Escalation' },
];
const owners = [
  { id: 5, name: 'anna' },
  { id: 6, name: 'tina' },
  { id: 7, name: 'otto' },
];
const profile = { id: 1, name: 'AcmeSupport' };
const ticketIn = (state: string, queue = queues[0]): AclTicketValues => ({ id: 9, number: '2026010110', title: 'Help', queue, state, locked: false, owner: null, profileId: 1 });

function accessFor(acls: Acl[], agent: CurrentAgent, ticket: AclTicketValues): TicketAccess {
  const zoom = new AgentAclView(compileAcls(acls), { agent, screen: 'AgentTicketZoom', ticket });
  return new TicketAccess(zoom, { state: ticket.state!, profile });
}

/** What `require` answers: undefined when it passes, else the 403 or the form message. */
function refusal(access: TicketAccess | NewTicketAccess, request: TicketRequest | Parameters<NewTicketAccess['require']>[0]): string | undefined {
  try {
    (access.require as (request: object) => void).call(access, request);
    return undefined;
  } catch (error) {
    if (error instanceof ForbiddenActionException) return `403 ${error.messageKey}`;
    if (error instanceof DomainException) return `form ${error.field}: ${error.messageKey}`;
    throw error;
  }
}

const notEscalation: AclConfigMatch = { Properties: { User: { Group_rw: ['[Not]escalation'] } } };

/** Random ACL sets over the zoom's screens, fields and actions (both property tests below). */
const randomAcls = (() => {
  const frontends = ['AgentTicketZoom', 'AgentTicketClose', 'AgentTicketPending', 'AgentTicketFreeText', 'AgentTicketMove', 'AgentTicketOwner', 'AgentTicketCompose', 'AgentTicketLock'];
  const matchArb = fc.option(
    fc.record(
      {
        Frontend: fc.record({ Action: fc.subarray(frontends, { minLength: 1, maxLength: 2 }) }),
        Ticket: fc.record({ State: fc.subarray(['new', 'open', 'closed successful', 'pending reminder'], { minLength: 1, maxLength: 2 }) }),
        User: fc.record({ Group_rw: fc.constantFrom(['[Not]escalation'], ['escalation']) }),
      },
      { requiredKeys: [] },
    ),
    { nil: null },
  );
  const changeArb = fc.record(
    {
      Action: fc.subarray([...new Set(Object.values(TICKET_ACTIONS))], { minLength: 1, maxLength: 3 }),
      Ticket: fc.record(
        {
          State: fc.subarray([...AGENT_STATES, 'new'], { minLength: 1, maxLength: 3 }),
          StateID: fc.subarray(['1', '2', '3', '4', '6', '7'], { minLength: 1, maxLength: 2 }),
          Queue: fc.subarray(
            queues.map((q) => q.name),
            { minLength: 1 },
          ),
          QueueID: fc.subarray(['1', '2', '3'], { minLength: 1 }),
          Owner: fc.subarray(['anna', 'tina', 'otto'], { minLength: 1 }),
          TwitterProfileID: fc.constant(['1']),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  );
  const aclArb = fc.record({ kind: fc.constantFrom('Possible', 'PossibleNot', 'PossibleAdd'), match: matchArb, change: changeArb, where: fc.constantFrom('Properties', 'PropertiesDatabase') });
  return fc.array(aclArb, { maxLength: 6 }).map((specs) =>
    specs.map((spec, i) => {
      const change = Object.keys(spec.change).length > 0 ? spec.change : { Action: ['AgentTicketNote'] };
      const match = spec.match && Object.keys(spec.match).length > 0 ? { [spec.where]: spec.match } : null;
      return acl(match, { [spec.kind]: change }, `${String(i).padStart(2, '0')}-random`);
    }),
  );
})();

describe('the zoom and its forms under the ACLs (TicketAccess)', () => {
  it('offers an action only when the zoom and the action’s own screen both allow it', () => {
    const onZoom = acl({ Properties: { Frontend: { Action: ['AgentTicketZoom'] } } }, { PossibleNot: { Action: ['AgentTicketNote'] } });
    const onOwnScreen = acl({ Properties: { Frontend: { Action: ['AgentTicketLock'] } } }, { PossibleNot: { Action: ['AgentTicketLock'] } });
    const access = accessFor([onZoom, onOwnScreen], anna, ticketIn('open'));
    const actions: TicketAclAction[] = ['lock', 'unlock', 'owner', 'note', 'reply', 'resend', 'move', 'close', 'pending'];
    expect(actions.filter((action) => access.offers(action))).toEqual(['owner', 'reply', 'resend', 'move', 'close', 'pending']);
    expect(refusal(access, { action: 'note' })).toBe('403 ticketAcl.refused.note');
    expect(refusal(access, { action: 'unlock' })).toBe('403 ticketAcl.refused.unlock');
    expect(refusal(access, { action: 'owner' })).toBeUndefined();
  });

  it('asks each state of the state form as the screen of its type, and by its action', () => {
    const access = accessFor(
      [
        // On the close screen only "closed successful" — pending and open states are not on that screen.
        acl({ Properties: { Frontend: { Action: ['AgentTicketClose'] } } }, { Possible: { Ticket: { State: ['closed successful'] } } }),
        // Pending reminder by its OTRS id (6), wherever asked.
        acl(notEscalation, { PossibleNot: { Ticket: { StateID: ['6'] } } }),
      ],
      anna,
      ticketIn('new'),
    );
    expect(access.states(AGENT_STATES)).toEqual(['open', 'pending auto close+', 'pending auto close-', 'closed successful']);
    expect(refusal(access, { action: 'state', state: 'closed unsuccessful' })).toBe('403 ticketAcl.refused.stateOption');
    expect(refusal(access, { action: 'state', state: 'pending reminder' })).toBe('403 ticketAcl.refused.stateOption');
    expect(refusal(access, { action: 'state', state: 'closed successful' })).toBeUndefined();
  });

  it('hides every state of a type whose action is forbidden, and names that action on submit', () => {
    const access = accessFor([acl(notEscalation, { PossibleNot: { Action: ['AgentTicketPending', 'AgentTicketFreeText'] } })], anna, ticketIn('closed successful'));
    expect(access.states(AGENT_STATES)).toEqual(['closed successful', 'closed unsuccessful']);
    expect(refusal(access, { action: 'state', state: 'pending auto close+' })).toBe('403 ticketPending.error.actionNotAllowed');
    expect(refusal(access, { action: 'state', state: 'open' })).toBe('403 ticketAcl.refused.state');
    expect(accessFor([acl(notEscalation, { PossibleNot: { Action: ['AgentTicketPending', 'AgentTicketFreeText'] } })], tina, ticketIn('closed successful')).states(AGENT_STATES)).toEqual([
      ...AGENT_STATES,
    ]);
  });

  it('filters move targets by Queue and QueueID, asked as the zoom and as AgentTicketMove', () => {
    const access = accessFor(
      [
        acl({ Properties: { Frontend: { Action: ['AgentTicketMove'] } }, ...notEscalation }, { PossibleNot: { Ticket: { Queue: ['Escalation'] } } }),
        acl({ Properties: { Frontend: { Action: ['AgentTicketZoom'] }, User: { UserLogin: ['anna'] } } }, { PossibleNot: { Ticket: { QueueID: ['2'] } } }),
      ],
      anna,
      ticketIn('open'),
    );
    expect(access.moveTargets(queues)).toEqual([queues[0]]);
    expect(refusal(access, { action: 'move', queue: queues[2] })).toBe('403 ticketMove.error.queueNotAllowed');
    expect(refusal(access, { action: 'move', queue: queues[1] })).toBe('403 ticketMove.error.queueNotAllowed');
    expect(refusal(access, { action: 'move', queue: queues[0] })).toBeUndefined();
  });

  it('filters owners by login (Owner, NewOwner) and by id (OwnerID)', () => {
    const access = accessFor(
      [acl({ Properties: { Frontend: { Action: ['AgentTicketOwner'] } } }, { PossibleNot: { Ticket: { NewOwner: ['otto'] } } }), acl(notEscalation, { PossibleNot: { Ticket: { OwnerID: ['6'] } } })],
      anna,
      ticketIn('open'),
    );
    expect(access.owners(owners)).toEqual([owners[0]]);
    expect(refusal(access, { action: 'owner', owner: owners[2] })).toBe('403 ticketAcl.refused.ownerOption');
    expect(access.owners([])).toEqual([]);
  });

  it('offers the reply’s next state: a new ticket opens, any other keeps its state, a forbidden close or pending is hidden', () => {
    const noClose = acl(notEscalation, { PossibleNot: { Action: ['AgentTicketClose'] } });
    expect(accessFor([noClose], anna, ticketIn('new')).nextStates()).toEqual({
      options: ['open', 'pending reminder', 'pending auto close+', 'pending auto close-'],
      initial: 'open',
      unchanged: 'new',
    });
    expect(accessFor([noClose], anna, ticketIn('pending reminder')).nextStates()).toMatchObject({
      options: ['open', 'pending reminder', 'pending auto close+', 'pending auto close-'],
      initial: 'pending reminder',
    });
    // Keeping a closed state is no state change: offered even though closing is not.
    expect(accessFor([noClose], anna, ticketIn('closed successful')).nextStates().options).toEqual(['open', 'pending reminder', 'pending auto close+', 'pending auto close-', 'closed successful']);
    // Where opening is not allowed, a new ticket stays new.
    const onlyClose = accessFor([acl({ Properties: { Frontend: { Action: ['AgentTicketCompose'] } } }, { Possible: { Ticket: { State: ['closed successful'] } } })], anna, ticketIn('new'));
    expect(onlyClose.nextStates()).toEqual({ options: ['new', 'closed successful'], initial: 'new', unchanged: 'new' });
    expect(refusal(accessFor([noClose], anna, ticketIn('open')), { action: 'reply', nextState: 'closed successful' })).toBe('403 ticketAcl.refused.nextState');
    expect(refusal(accessFor([noClose], anna, ticketIn('open')), { action: 'reply', nextState: 'open' })).toBeUndefined();
    expect(refusal(accessFor([noClose], anna, ticketIn('open')), { action: 'reply', nextState: 'nonsense' })).toBe('403 ticketAcl.refused.nextState');
  });

  it('refuses a reply or resend through a profile the ACLs remove, and a reply the ACLs forbid first', () => {
    const noProfile = acl(notEscalation, { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } });
    expect(refusal(accessFor([noProfile], anna, ticketIn('open')), { action: 'reply', nextState: 'open' })).toBe('403 tickets.error.profileNotAllowed');
    expect(refusal(accessFor([noProfile], anna, ticketIn('open')), { action: 'resend' })).toBe('403 tickets.error.profileNotAllowed');
    const noReply = acl(notEscalation, { PossibleNot: { Action: ['AgentTicketCompose'] } });
    expect(refusal(accessFor([noProfile, noReply], anna, ticketIn('open')), { action: 'reply', nextState: 'open' })).toBe('403 ticketAcl.refused.reply');
    expect(refusal(accessFor([noProfile, noReply], tina, ticketIn('open')), { action: 'reply', nextState: 'open' })).toBeUndefined();
  });

  it('decides by the ticket as stored (PropertiesDatabase), e.g. nothing but notes in one queue', () => {
    const rules = [acl({ PropertiesDatabase: { Ticket: { Queue: ['Escalation'] } }, ...notEscalation }, { Possible: { Action: ['AgentTicketNote'] } })];
    const inEscalation = accessFor(rules, anna, ticketIn('open', queues[2]));
    expect((Object.keys(TICKET_ACTIONS) as TicketAclAction[]).filter((action) => inEscalation.offers(action))).toEqual(['note']);
    expect(accessFor(rules, anna, ticketIn('open')).offers('reply')).toBe(true);
  });

  it('never restricts agent id 1', () => {
    const access = accessFor([acl(null, { Possible: { Action: ['AgentTicketNote'], Ticket: { Queue: ['Support'], State: ['open'], Owner: ['anna'] } } })], root, ticketIn('open'));
    expect(access.offers('close')).toBe(true);
    expect(access.moveTargets(queues)).toEqual(queues);
    expect(access.states(AGENT_STATES)).toEqual([...AGENT_STATES]);
    expect(access.owners(owners)).toEqual(owners);
  });

  it('refuses on submit exactly what it hides when rendering, for random ACL sets (fast-check)', () => {
    fc.assert(
      fc.property(randomAcls, fc.constantFrom(...AGENT_STATES, 'new' as const), fc.constantFrom(anna, tina), (acls, state, agent) => {
        const access = accessFor(acls, agent, ticketIn(state));
        const same = (request: TicketRequest, offered: boolean) => expect([request, refusal(access, request) === undefined]).toEqual([request, offered]);
        for (const action of ['lock', 'unlock', 'note'] as const) same({ action }, access.offers(action));
        const states = access.states(AGENT_STATES);
        for (const s of AGENT_STATES) same({ action: 'state', state: s }, states.includes(s));
        const targets = access.moveTargets(queues);
        for (const queue of queues) same({ action: 'move', queue }, targets.includes(queue));
        const allowedOwners = access.owners(owners);
        for (const owner of owners) same({ action: 'owner', owner }, allowedOwners.includes(owner));
        const replyShown = access.offers('reply') && access.mayUseProfile('reply');
        const next = access.nextStates();
        for (const s of [...AGENT_STATES, 'new']) same({ action: 'reply', nextState: s }, replyShown && next.options.includes(s));
        expect(next.options).toContain(next.initial);
        same({ action: 'resend' }, access.offers('resend') && access.mayUseProfile('resend'));
      }),
      { numRuns: 150 },
    );
  });

  it('answers every question as fresh views asked one option at a time would, in any order (the per-request memo changes nothing; fast-check)', () => {
    const actions = Object.keys(TICKET_ACTIONS) as TicketAclAction[];
    const question = fc.oneof(
      fc.record({ ask: fc.constant('offers' as const), action: fc.constantFrom(...actions) }),
      // States beyond those an agent sets ('new') are asked too: a forged form may send them.
      fc.record({ ask: fc.constant('states' as const), states: fc.shuffledSubarray([...AGENT_STATES, 'new'], { minLength: 1 }) }),
      fc.record({ ask: fc.constant('nextStates' as const) }),
      fc.record({ ask: fc.constantFrom('moveTargets' as const, 'owners' as const) }),
    );
    fc.assert(
      fc.property(randomAcls, fc.constantFrom(...AGENT_STATES, 'new' as const), fc.constantFrom(anna, tina), fc.array(question, { minLength: 1, maxLength: 12 }), (acls, state, agent, questions) => {
        const set = compileAcls(acls);
        const ticket = ticketIn(state);
        // The reference: a new view for every question, each option asked on its own.
        const fresh = (screen: string) => new AgentAclView(set, { agent, screen, ticket });
        const views = (action: TicketAclAction) => [fresh('AgentTicketZoom'), fresh(TICKET_ACTIONS[action])];
        const offers = (action: TicketAclAction) => views(action).every((view) => view.may(action));
        const changeAllowed = (action: TicketAclAction, to: string) => views(action).every((view) => view.allowedStateChanges([to]).length === 1);
        const kept = <T extends { id: number; name: string }>(action: 'move' | 'owner', choice: 'queue' | 'owner', options: T[]) =>
          offers(action) ? options.filter((option) => views(action).every((view) => view.mayChoose(choice, option))) : [];

        const access = new TicketAccess(fresh('AgentTicketZoom'), { state, profile });
        for (const q of questions) {
          if (q.ask === 'offers') expect([q, access.offers(q.action)]).toEqual([q, offers(q.action)]);
          if (q.ask === 'states') expect([q, access.states(q.states)]).toEqual([q, q.states.filter((to) => changeAllowed(stateChangeAction(to), to))]);
          if (q.ask === 'moveTargets') expect(access.moveTargets(queues)).toEqual(kept('move', 'queue', queues));
          if (q.ask === 'owners') expect(access.owners(owners)).toEqual(kept('owner', 'owner', owners));
          if (q.ask === 'nextStates') {
            const next = access.nextStates();
            for (const to of AGENT_STATES) if (to !== state) expect([to, next.options.includes(to)]).toEqual([to, changeAllowed('reply', to)]);
            // Keeping the state is offered, except that answering a new ticket opens it where allowed.
            expect(next.initial).toBe(state === 'new' && changeAllowed('reply', 'open') ? 'open' : state);
            expect(next.options.includes(state)).toBe(next.initial === state);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('the new-ticket screen under the ACLs (NewTicketAccess)', () => {
  const profiles = [
    { id: 1, name: 'AcmeSupport' },
    { id: 2, name: 'AcmeSales' },
  ];
  const acls = [
    acl(notEscalation, { PossibleNot: { Ticket: { Queue: ['Escalation'] } } }),
    // With the Sales queue chosen, only the sales profile.
    acl({ Properties: { Ticket: { Queue: ['Sales'] } } }, { Possible: { Ticket: { TwitterProfileID: ['2'] } } }),
  ];
  const access = (agent: CurrentAgent, chosen: AclTicketValues = {}, rules = acls) => {
    const page = new AgentAclView(compileAcls(rules), { agent, screen: 'AgentTicketEmail' });
    return new NewTicketAccess(page, page.withSelection(chosen));
  };

  it('offers the queues and profiles the ACLs leave, with what the form has chosen', () => {
    expect(access(anna).queues(queues)).toEqual(queues.slice(0, 2));
    expect(access(tina).queues(queues)).toEqual(queues);
    expect(access(anna).profiles(profiles)).toEqual(profiles);
    expect(access(anna, { queue: queues[1] }).profiles(profiles)).toEqual([profiles[1]]);
  });

  it('refuses a choice no page offered with 403, and sends a clash of two offered choices back to the form', () => {
    expect(refusal(access(anna, { queue: queues[2], profileId: 1 }), { queue: queues[2], profile: profiles[0] })).toBe('403 ticketAcl.refused.queue');
    expect(refusal(access(anna, { queue: queues[1], profileId: 1 }), { queue: queues[1], profile: profiles[0] })).toBe('form profileId: tickets.error.profileNotAllowedHere');
    expect(refusal(access(anna, { queue: queues[1], profileId: 2 }), { queue: queues[1], profile: profiles[1] })).toBeUndefined();
    expect(refusal(access(tina, { queue: queues[2], profileId: 1 }), { queue: queues[2], profile: profiles[0] })).toBeUndefined();
  });

  it('forbids new tickets altogether with the action AgentTicketEmail, before looking at the choices', () => {
    const none = [acl(notEscalation, { PossibleNot: { Action: ['AgentTicketEmail'] } })];
    expect(access(anna, {}, none).mayCreate).toBe(false);
    expect(access(anna, {}, none).queues(queues)).toEqual([]);
    expect(refusal(access(anna, {}, none), {})).toBe('403 ticketAcl.refused.newTicket');
    expect(access(tina, {}, none).mayCreate).toBe(true);
  });
});
