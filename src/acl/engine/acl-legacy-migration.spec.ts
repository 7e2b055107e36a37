import { migrateOtrs33Actions } from './acl-legacy-migration';

const legacy = (action: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({
  Name: 'old',
  ConfigChange: { Possible: { Action: action, ...rest } },
});

describe('migrating OTRS 3.3 action restrictions', () => {
  it('lists the actions set to 0 under PossibleNot.Action, sorted', () => {
    expect(migrateOtrs33Actions(legacy({ AgentTicketZoom: 1, AgentTicketPrint: 0, AgentTicketClose: 0 }))).toEqual({
      acl: { Name: 'old', ConfigChange: { PossibleNot: { Action: ['AgentTicketClose', 'AgentTicketPrint'] } } },
    });
  });

  it('leaves no empty Possible behind (§8 item 10) but keeps its other lists', () => {
    const migrated = migrateOtrs33Actions(legacy({ AgentTicketPrint: 0 }, { Ticket: { Queue: ['Raw'] } }));
    expect(migrated).toEqual({
      acl: { Name: 'old', ConfigChange: { Possible: { Ticket: { Queue: ['Raw'] } }, PossibleNot: { Action: ['AgentTicketPrint'] } } },
    });
  });

  it("turns an ACL that allowed every action into one that changes nothing ('')", () => {
    expect(migrateOtrs33Actions(legacy({ AgentTicketZoom: 1 }))).toEqual({ acl: { Name: 'old', ConfigChange: '' } });
  });

  it('adds to an existing PossibleNot.Action instead of replacing it', () => {
    const acl = { Name: 'old', ConfigChange: { Possible: { Action: { B: 0 } }, PossibleNot: { Action: ['A', 'B'] } } };
    expect(migrateOtrs33Actions(acl)).toEqual({ acl: { Name: 'old', ConfigChange: { PossibleNot: { Action: ['A', 'B'] } } } });
  });

  it('leaves the current form and non-mappings alone, and does not modify its input', () => {
    const current = { Name: 'new', ConfigChange: { Possible: { Action: ['AgentTicketZoom'] } } };
    expect(migrateOtrs33Actions(current)).toEqual({ acl: current });
    expect(migrateOtrs33Actions('x')).toEqual({ acl: 'x' });
    const old = legacy({ A: 0 });
    migrateOtrs33Actions(old);
    expect(old.ConfigChange.Possible.Action).toEqual({ A: 0 });
  });

  it('refuses flags other than 0 and 1', () => {
    expect(migrateOtrs33Actions(legacy({ AgentTicketZoom: 'no' }))).toEqual({
      problem: 'ConfigChange.Possible.Action.AgentTicketZoom: the OTRS 3.3 form needs 0 or 1, got "no"',
    });
  });
});
