import { aclMatches, compileMatch } from './acl-matcher';
import type { AclConfigMatch, AclContext } from './acl-types';

const matches = (configMatch: AclConfigMatch | null, current: AclContext, stored: AclContext = current) => aclMatches(compileMatch(configMatch), current, stored);

const agent = (groups: string[], extra: Record<string, string> = {}): AclContext => ({
  User: { UserLogin: 'agent', Group_rw: groups, ...extra },
});

describe('does an ACL match the context? (§5.3)', () => {
  it('always matches without Properties and PropertiesDatabase', () => {
    expect(matches(null, {})).toBe(true);
    expect(matches({ Properties: {}, PropertiesDatabase: {} }, {})).toBe(true);
  });

  it('needs every listed attribute to match (AND over attributes and objects)', () => {
    const configMatch = { Properties: { User: { Group_rw: ['twitter'], UserLogin: ['agent'] }, Frontend: { Action: ['AgentTicketZoom'] } } };
    const zoom = { ...agent(['twitter']), Frontend: { Action: 'AgentTicketZoom' } };
    expect(matches(configMatch, zoom)).toBe(true);
    expect(matches(configMatch, { ...zoom, Frontend: { Action: 'AgentTicketClose' } })).toBe(false);
    expect(matches(configMatch, { ...agent(['twitter'], { UserLogin: 'other' }), Frontend: zoom.Frontend })).toBe(false);
  });

  it('needs one item of an attribute to match (OR over items)', () => {
    const configMatch = { Properties: { Ticket: { Queue: ['Raw', 'Junk'] } } };
    expect(matches(configMatch, { Ticket: { Queue: 'Junk' } })).toBe(true);
    expect(matches(configMatch, { Ticket: { Queue: 'Misc' } })).toBe(false);
  });

  it('ORs negated items too: [Not]a, [Not]b matches a (§8 item 1, kept)', () => {
    const configMatch = { Properties: { Ticket: { Queue: ['[Not]Raw', '[Not]Junk'] } } };
    expect(matches(configMatch, { Ticket: { Queue: 'Raw' } })).toBe(true);
  });

  it('does not match when the attribute is absent, not even with a negated item', () => {
    const configMatch = { Properties: { Ticket: { Queue: ['[Not]Raw'] } } };
    expect(matches(configMatch, {})).toBe(false);
    expect(matches(configMatch, { Ticket: {} })).toBe(false);
    expect(matches(configMatch, { Ticket: { Queue: null } })).toBe(false);
  });

  it('compares an empty string as a value', () => {
    expect(matches({ Properties: { Ticket: { Queue: ['[Not]Raw'] } } }, { Ticket: { Queue: '' } })).toBe(true);
  });

  it('does not find Object.prototype members as attributes or objects', () => {
    expect(matches({ Properties: { User: { toString: ['[Not]x'] } } }, agent([]))).toBe(false);
    expect(matches({ Properties: { Ticket: { Queue: ['[Not]x'] } } }, Object.create({ Ticket: { Queue: 'y' } }))).toBe(false);
  });

  it('applies list semantics to list attributes such as Group_rw', () => {
    const notTwitter = { Properties: { User: { Group_rw: ['[Not]twitter'] } } };
    expect(matches(notTwitter, agent(['twitter', 'users']))).toBe(false);
    expect(matches(notTwitter, agent(['users']))).toBe(true);
    expect(matches(notTwitter, agent([]))).toBe(true);
  });

  it('stops scanning a list at a missing element, for plain items too (as OTRS does with undef)', () => {
    const twitter = { Properties: { User: { Group_rw: ['twitter', 'sales'] } } };
    expect(matches(twitter, { User: { Group_rw: ['users', 'twitter'] } })).toBe(true);
    expect(matches(twitter, { User: { Group_rw: ['users', null, 'twitter'] } })).toBe(false);
    expect(matches({ Properties: { User: { Group_rw: ['[Not]twitter'] } } }, { User: { Group_rw: ['users', null] } })).toBe(false);
  });

  it('never matches a section that names an object but no attribute ("tried nothing")', () => {
    expect(matches({ Properties: { User: {} } }, agent(['twitter']))).toBe(false);
    expect(matches({ Properties: { User: { Group_rw: ['twitter'] } }, PropertiesDatabase: { User: {} } }, agent(['twitter']))).toBe(false);
  });

  it('checks Properties on the current view and PropertiesDatabase on the stored view', () => {
    const current = { Ticket: { Queue: 'Junk' } };
    const stored = { Ticket: { Queue: 'Raw' } };
    expect(matches({ Properties: { Ticket: { Queue: ['Junk'] } } }, current, stored)).toBe(true);
    expect(matches({ PropertiesDatabase: { Ticket: { Queue: ['Junk'] } } }, current, stored)).toBe(false);
    expect(matches({ PropertiesDatabase: { Ticket: { Queue: ['Raw'] } } }, current, stored)).toBe(true);
  });

  it('lets the one present section decide, and needs both when both are present', () => {
    const current = { Ticket: { Queue: 'Junk' } };
    const stored = { Ticket: { Queue: 'Raw' } };
    const both = (p: string, d: string) => ({ Properties: { Ticket: { Queue: [p] } }, PropertiesDatabase: { Ticket: { Queue: [d] } } });
    expect(matches(both('Junk', 'Raw'), current, stored)).toBe(true);
    expect(matches(both('Junk', 'Junk'), current, stored)).toBe(false);
    expect(matches(both('Raw', 'Raw'), current, stored)).toBe(false);
  });

  it('cannot match PropertiesDatabase ticket conditions when there is no stored ticket', () => {
    const user = agent(['twitter']);
    expect(matches({ PropertiesDatabase: { Ticket: { Queue: ['[Not]Raw'] } } }, { ...user, Ticket: { Queue: 'Junk' } }, user)).toBe(false);
  });

  it('uses the deployed form of [empty] in conditions', () => {
    expect(matches({ Properties: { Ticket: { Type: ['[empty]'] } } }, { Ticket: { Type: '' } })).toBe(true);
    expect(matches({ Properties: { Ticket: { Type: ['[Not][empty]'] } } }, { Ticket: { Type: '' } })).toBe(false);
  });
});
