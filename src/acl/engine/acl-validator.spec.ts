import { validateAclDefinition, validateAclDefinitions, validateAclSection } from './acl-validator';

const restriction = {
  Name: 'Limit Access to Twitter Profile',
  Comment: 'Twitter access restriction',
  Description: 'Only members of twitter',
  StopAfterMatch: 0,
  ValidID: 1,
  ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } },
  ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } },
};

/** The errors for one ACL in export shape, given as changes to a valid one. */
function errorsFor(changes: Record<string, unknown>): string[] {
  return validateAclDefinition({ ...restriction, ...changes }, 1).errors;
}

describe('reading one ACL in export shape (§2)', () => {
  it('turns a valid export entry into an engine ACL', () => {
    expect(validateAclDefinition(restriction, 1)).toEqual({
      acl: {
        Name: 'Limit Access to Twitter Profile',
        Comment: 'Twitter access restriction',
        Description: 'Only members of twitter',
        StopAfterMatch: false,
        ValidID: 1,
        ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } },
        ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } },
      },
      errors: [],
    });
  });

  it('fills the defaults of OTRS for missing fields', () => {
    expect(validateAclDefinition({ Name: 'bare' }, 1).acl).toEqual({
      Name: 'bare',
      Comment: null,
      Description: '',
      StopAfterMatch: false,
      ValidID: 1,
      ConfigMatch: null,
      ConfigChange: null,
    });
  });

  it("reads '' and null as an absent ConfigMatch / ConfigChange", () => {
    const acl = validateAclDefinition({ Name: 'a', ConfigMatch: '', ConfigChange: null }, 1).acl;
    expect([acl?.ConfigMatch, acl?.ConfigChange]).toEqual([null, null]);
  });

  it('reads numbers among the items as their decimal text', () => {
    const acl = validateAclDefinition({ ...restriction, ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: [1, 20] } } } }, 1).acl;
    expect(acl?.ConfigChange?.PossibleNot?.Ticket?.TwitterProfileID).toEqual(['1', '20']);
  });

  it('ignores the bookkeeping fields of the export', () => {
    const result = validateAclDefinition({ ...restriction, ID: 2, CreateBy: 'root@localhost', CreateTime: '2020-11-05 10:55:15', ChangeBy: 'x', ChangeTime: 'y' }, 1);
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.acl!)).not.toContain('ID');
  });

  it('reads StopAfterMatch 0/1 and ValidID 1/2/3 also when written as text', () => {
    const acl = validateAclDefinition({ Name: 'a', StopAfterMatch: '1', ValidID: '3' }, 1).acl;
    expect([acl?.StopAfterMatch, acl?.ValidID]).toEqual([true, 3]);
  });

  it('drops empty Properties / Possible sections, which change nothing', () => {
    const acl = validateAclDefinition({ Name: 'a', ConfigMatch: { Properties: {} }, ConfigChange: { Possible: {}, PossibleNot: { Ticket: {} } } }, 1).acl;
    expect([acl?.ConfigMatch, acl?.ConfigChange]).toEqual([null, null]);
  });
});

describe('refusing what OTRS would silently misread (§8)', () => {
  it('names the ACL by name and position, and the field', () => {
    expect(errorsFor({ StopAfterMatch: 2 })).toEqual(['ACL "Limit Access to Twitter Profile" (#1): StopAfterMatch: must be 0 or 1, not 2']);
  });

  it('refuses an entry without a name or named "0" instead of dropping it unreported (item 9)', () => {
    expect(validateAclDefinition({ Description: 'x' }, 3).errors).toEqual(['ACL #3: Name: is required']);
    expect(errorsFor({ Name: '' })).toEqual(['ACL #1: Name: is required']);
    expect(errorsFor({ Name: '0' })).toEqual(['ACL "0" (#1): Name: must not be "0"']);
    expect(errorsFor({ Name: 'x'.repeat(201) })[0]).toMatch(/Name: is 201 characters long; at most 200/);
  });

  it('refuses too long Comment and Description', () => {
    expect(errorsFor({ Comment: 'x'.repeat(251), Description: 'y'.repeat(251) })).toHaveLength(2);
  });

  it('refuses ValidID 0, which OTRS turns into "valid" (item 13)', () => {
    expect(errorsFor({ ValidID: 0 })).toEqual(['ACL "Limit Access to Twitter Profile" (#1): ValidID: must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily), not 0']);
  });

  it('refuses an empty ConfigMatch and an empty ConfigChange alike (item 10)', () => {
    expect(errorsFor({ ConfigMatch: {} })[0]).toMatch(/ConfigMatch: is an empty mapping/);
    expect(errorsFor({ ConfigChange: {} })[0]).toMatch(/ConfigChange: is an empty mapping/);
  });

  it('refuses a misspelled section that would make the ACL apply to everyone (item 12)', () => {
    expect(errorsFor({ ConfigMatch: { Propertys: { User: { Group_rw: ['[Not]twitter'] } } } })).toEqual([
      'ACL "Limit Access to Twitter Profile" (#1): ConfigMatch.Propertys: unknown section; expected Properties or PropertiesDatabase',
    ]);
    expect(errorsFor({ ConfigChange: { PossibleNOT: { Ticket: { Queue: ['x'] } } } })[0]).toMatch(/ConfigChange.PossibleNOT: unknown section/);
    expect(errorsFor({ ConfigChange: { Possible: { Tickets: { Queue: ['x'] } } } })[0]).toMatch(/ConfigChange.Possible.Tickets: unknown key/);
  });

  it('refuses unknown objects and unknown top-level keys', () => {
    expect(errorsFor({ ConfigMatch: { Properties: { Users: { Group_rw: ['x'] } } } })[0]).toMatch(/ConfigMatch.Properties.Users: unknown object/);
    expect(errorsFor({ Stopaftermatch: 1 })[0]).toMatch(/Stopaftermatch: unknown key/);
  });

  it('refuses an object that lists no attribute, which would make the ACL inert (item 6)', () => {
    expect(errorsFor({ ConfigMatch: { Properties: { User: {} } } })).toEqual(['ACL "Limit Access to Twitter Profile" (#1): ConfigMatch.Properties.User: lists no attribute']);
  });

  it('refuses a scalar where a list is expected (item 5)', () => {
    expect(errorsFor({ ConfigMatch: { Properties: { User: { Group_rw: '[Not]twitter' } } } })).toEqual([
      'ACL "Limit Access to Twitter Profile" (#1): ConfigMatch.Properties.User.Group_rw: must be a list of items, not a string',
    ]);
    expect(errorsFor({ ConfigChange: { PossibleNot: { Action: 'AgentTicketClose' } } })[0]).toMatch(/PossibleNot.Action: must be a list/);
  });

  it('refuses empty lists for every field, one rule instead of two (item 3)', () => {
    expect(errorsFor({ ConfigChange: { Possible: { Ticket: { Queue: [] } } } })[0]).toMatch(/Possible.Ticket.Queue: is an empty list/);
    expect(errorsFor({ ConfigChange: { Possible: { Action: [] } } })[0]).toMatch(/Possible.Action: is an empty list/);
    expect(errorsFor({ ConfigMatch: { Properties: { User: { Group_rw: [] } } } })[0]).toMatch(/Group_rw: is an empty list/);
  });

  it('refuses unknown and misspelled modifiers and broken regexes, naming the item (item 4)', () => {
    expect(errorsFor({ ConfigMatch: { Properties: { User: { Group_rw: ['ok', '[NotExact]twitter'] } } } })).toEqual([
      'ACL "Limit Access to Twitter Profile" (#1): ConfigMatch.Properties.User.Group_rw[1] "[NotExact]twitter": unknown modifier [NotExact]; did you mean [Not] or [NotRegExp]? known modifiers are [Not], [RegExp], [regexp], [NotRegExp], [Notregexp]',
    ]);
    expect(errorsFor({ ConfigMatch: { Properties: { User: { Group_rw: ['[Nto]twitter'] } } } })).toEqual([
      'ACL "Limit Access to Twitter Profile" (#1): ConfigMatch.Properties.User.Group_rw[0] "[Nto]twitter": unknown modifier [Nto]; did you mean [Not]? known modifiers are [Not], [RegExp], [regexp], [NotRegExp], [Notregexp]',
    ]);
    expect(errorsFor({ ConfigChange: { PossibleNot: { Ticket: { Queue: ['[REGEXP]^Raw'] } } } })[0]).toMatch(/did you mean \[RegExp\] or \[regexp\]\? Modifiers are case-sensitive/);
    expect(errorsFor({ ConfigChange: { PossibleNot: { Ticket: { Queue: ['[RegExp]('] } } } })[0]).toMatch(/invalid regular expression/);
  });

  it('refuses items that are not text', () => {
    expect(errorsFor({ ConfigChange: { PossibleNot: { Ticket: { Queue: [null] } } } })[0]).toMatch(/Queue\[0\]: must be a text, not nothing/);
  });

  it('reports every problem of an ACL, not just the first', () => {
    expect(errorsFor({ ValidID: 9, StopAfterMatch: 'yes', ConfigMatch: 'x' })).toHaveLength(3);
  });
});

describe('migrating the OTRS 3.3 action form on the way in (T-IMP:187)', () => {
  it('turns Possible.Action {action: 0|1} into PossibleNot.Action of the actions set to 0', () => {
    const acl = validateAclDefinition({ Name: 'old', ConfigChange: { Possible: { Action: { AgentTicketZoom: 1, AgentTicketPrint: 0, AgentTicketClose: '0' } } } }, 1).acl;
    expect(acl?.ConfigChange).toEqual({ PossibleNot: { Action: ['AgentTicketClose', 'AgentTicketPrint'] } });
  });
});

describe('reading a list of ACLs (all or nothing)', () => {
  it('returns every ACL when all are valid, and nothing for an empty list', () => {
    const result = validateAclDefinitions([restriction, { Name: 'second' }]);
    expect(result.ok && result.acls.map((acl) => acl.Name)).toEqual(['Limit Access to Twitter Profile', 'second']);
    expect(validateAclDefinitions([])).toEqual({ ok: true, acls: [] });
  });

  it('returns only errors, for every bad ACL, when any is bad', () => {
    const result = validateAclDefinitions([{ Name: 'good' }, { Name: 'bad', ValidID: 0 }, { Name: 'worse', StopAfterMatch: 7 }]);
    expect(result).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^ACL "bad" \(#2\): ValidID/), expect.stringMatching(/^ACL "worse" \(#3\): StopAfterMatch/)],
    });
  });

  it('refuses entries that are not mappings instead of skipping them', () => {
    expect(validateAclDefinitions([{ Name: 'a' }, null, 'x'])).toEqual({
      ok: false,
      errors: ['ACL #2: entry: must be a mapping with at least a Name, not nothing', 'ACL #3: entry: must be a mapping with at least a Name, not a string'],
    });
  });

  it('refuses the same name twice, also in another case (item 11)', () => {
    expect(validateAclDefinitions([{ Name: 'Twitter' }, { Name: 'twitter' }])).toEqual({
      ok: false,
      errors: ['ACL "twitter" (#2): Name: used already by ACL #1 (names are unique ignoring case)'],
    });
  });

  it('refuses anything but a list', () => {
    expect(validateAclDefinitions(restriction)).toEqual({ ok: false, errors: ['expected a list of ACLs (as OTRS/Znuny export them), not a mapping'] });
  });
});

describe('one section as typed into the editor', () => {
  it('accepts a ConfigMatch or ConfigChange on its own, and nothing as "no section"', () => {
    expect(validateAclSection('ConfigMatch', restriction.ConfigMatch)).toEqual({ ok: true, value: restriction.ConfigMatch });
    expect(validateAclSection('ConfigChange', restriction.ConfigChange)).toEqual({ ok: true, value: restriction.ConfigChange });
    expect(validateAclSection('ConfigMatch', null)).toEqual({ ok: true, value: null });
  });

  it('names every problem by its path, without an ACL label', () => {
    expect(validateAclSection('ConfigMatch', { Propertys: { User: { Group_rw: 'twitter' } } })).toEqual({
      ok: false,
      errors: ['ConfigMatch.Propertys: unknown section; expected Properties or PropertiesDatabase'],
    });
    expect(validateAclSection('ConfigChange', { PossibleNot: { Ticket: { TwitterProfileID: [] } } })).toEqual({
      ok: false,
      errors: ['ConfigChange.PossibleNot.Ticket.TwitterProfileID: is an empty list; list at least one item or remove it'],
    });
  });

  it('turns the OTRS 3.3 action form into PossibleNot.Action, as import does', () => {
    expect(validateAclSection('ConfigChange', { Possible: { Action: { AgentTicketClose: 0, AgentTicketZoom: 1 } } })).toEqual({
      ok: true,
      value: { PossibleNot: { Action: ['AgentTicketClose'] } },
    });
  });
});
