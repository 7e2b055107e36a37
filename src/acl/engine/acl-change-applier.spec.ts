import { AclEmptyListError, applyFieldChange, compileChanges } from './acl-change-applier';
import type { AclConfigChange } from './acl-types';

const values = ['new', 'open', 'closed successful', 'closed unsuccessful'];

/** Applies one ACL's change for `field` to a working set and returns what stays allowed. */
function apply(configChange: AclConfigChange, allowed = values.map(() => true), field = 'Ticket.State', compared = values): string[] {
  const change = compileChanges(configChange).get(field);
  if (!change) throw new Error(`no change for ${field}`);
  const working = [...allowed];
  applyFieldChange(change, compared, working);
  return compared.filter((_, i) => working[i]);
}

describe('applying one ACL to the options (§5.5)', () => {
  it('Possible keeps only matching options, taken from the original list', () => {
    const allowedOpenOnly = [false, true, false, false];
    expect(apply({ Possible: { Ticket: { State: ['new', 'closed successful'] } } }, allowedOpenOnly)).toEqual(['new', 'closed successful']);
  });

  it('PossibleAdd adds offered options back but cannot invent new ones', () => {
    expect(apply({ PossibleAdd: { Ticket: { State: ['new', 'merged'] } } }, [false, true, false, false])).toEqual(['new', 'open']);
  });

  it('PossibleAdd alone changes nothing on a complete list', () => {
    expect(apply({ PossibleAdd: { Ticket: { State: ['new'] } } })).toEqual(values);
  });

  it('PossibleNot removes matching options', () => {
    expect(apply({ PossibleNot: { Ticket: { State: ['[RegExp]^closed'] } } })).toEqual(['new', 'open']);
  });

  it('runs Possible, then PossibleAdd, then PossibleNot', () => {
    const change = {
      PossibleNot: { Ticket: { State: ['open'] } },
      PossibleAdd: { Ticket: { State: ['closed successful'] } },
      Possible: { Ticket: { State: ['new', 'open'] } },
    };
    expect(apply(change)).toEqual(['new', 'closed successful']);
  });

  it('Possible [Not]X keeps everything except X', () => {
    expect(apply({ Possible: { Ticket: { State: ['[Not]open'] } } })).toEqual(['new', 'closed successful', 'closed unsuccessful']);
  });

  it('PossibleNot [Not]X removes everything except X', () => {
    expect(apply({ PossibleNot: { Ticket: { State: ['[Not]open'] } } })).toEqual(['open']);
  });

  it('Possible naming no offered value empties the list', () => {
    expect(apply({ Possible: { Ticket: { State: ['merged'] } } })).toEqual([]);
  });

  it('PossibleNot removes an option whose value is "0" or empty (OTRS cannot, §8 item 2)', () => {
    const compared = ['0', '', '1'];
    expect(apply({ PossibleNot: { Ticket: { Priority: ['0', '[empty]'] } } }, [true, true, true], 'Ticket.Priority', compared)).toEqual(['1']);
  });

  it('keeps the lists of each field apart: Ticket fields, Action, Process, ActivityDialog', () => {
    const changes = compileChanges({
      Possible: { Ticket: { Queue: ['Raw'] }, Action: ['AgentTicketZoom'] },
      PossibleNot: { Process: ['P1'], ActivityDialog: ['AD1'], Ticket: { TwitterProfileID: ['1'] } },
    });
    expect([...changes.keys()].sort()).toEqual(['Action', 'ActivityDialog', 'Process', 'Ticket.Queue', 'Ticket.TwitterProfileID']);
    expect(changes.get('Ticket.Queue')).toEqual({ possible: [expect.anything()], source: 'possible:["Raw"];' });
    expect(changes.get('Process')).toMatchObject({ possibleNot: [expect.anything()] });
  });

  it('has no change at all for an ACL without ConfigChange', () => {
    expect(compileChanges(null).size).toBe(0);
  });

  it('refuses an empty list for any field, Ticket or Action alike (§8 item 3)', () => {
    expect(() => compileChanges({ Possible: { Ticket: { Queue: [] } } })).toThrow(AclEmptyListError);
    expect(() => compileChanges({ Possible: { Action: [] } })).toThrow('ConfigChange.Possible.Action is an empty list');
  });
});
