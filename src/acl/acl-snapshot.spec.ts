import { compileSnapshot } from './acl-store.service';
import { possibleOptions, type Acl } from './engine';

const acl = (Name: string, item: string): Acl => ({
  Name,
  Comment: null,
  Description: '',
  StopAfterMatch: false,
  ValidID: 1,
  ConfigMatch: null,
  ConfigChange: { PossibleNot: { Ticket: { Queue: [item] } } },
});

describe('compiling a deployed snapshot', () => {
  it('leaves out, and reports, an ACL an older version deployed with a pattern RE2 cannot run; the rest applies', async () => {
    const reports: string[] = [];
    const set = await compileSnapshot(
      [acl('a-lookahead', '[RegExp]^(?=J)'), acl('b-junk', 'Junk')],
      async () => undefined,
      (m) => reports.push(m),
    );
    expect(set.names).toEqual(['b-junk']);
    expect(reports).toEqual([expect.stringMatching(/^deployed ACL left out: ACL "a-lookahead": look-ahead/)]);
    const queues = new Map([
      ['1', 'Raw'],
      ['2', 'Junk'],
    ]);
    expect(possibleOptions(set, { field: 'Ticket.Queue', options: queues, current: { User: {} } })).toEqual({ applied: true, allowedKeys: ['1'] });
  });
});
