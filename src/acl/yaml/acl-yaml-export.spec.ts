import type { Acl } from '../engine/acl-types';
import { parseAclYaml } from './acl-yaml';
import { aclExportBody, dumpAclYamlSection, exportAclsToYaml, YAML_DOCUMENT_START } from './acl-yaml-export';
import { parseAclYamlSection } from './acl-yaml';

const restriction: Acl = {
  Name: 'Limit Access to Twitter Profile',
  Comment: 'Twitter access restriction',
  Description: 'Only members of twitter',
  StopAfterMatch: false,
  ValidID: 1,
  ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } },
  ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } },
};

describe('exporting ACLs in the shape OTRS exports', () => {
  it('writes a YAML list with keys in alphabetical order, items quoted as needed', () => {
    expect(exportAclsToYaml([{ ...restriction, ID: 2, CreateBy: 'root@localhost', CreateTime: '2020-11-05 10:55:15', ChangeBy: 'root@localhost', ChangeTime: '2020-11-05 10:57:35' }])).toBe(
      [
        '---',
        '- ChangeBy: root@localhost',
        "  ChangeTime: '2020-11-05 10:57:35'",
        '  Comment: Twitter access restriction',
        '  ConfigChange:',
        '    PossibleNot:',
        '      Ticket:',
        '        TwitterProfileID:',
        "        - '1'",
        '  ConfigMatch:',
        '    Properties:',
        '      User:',
        '        Group_rw:',
        "        - '[Not]twitter'",
        '  CreateBy: root@localhost',
        "  CreateTime: '2020-11-05 10:55:15'",
        '  Description: Only members of twitter',
        '  ID: 2',
        '  Name: Limit Access to Twitter Profile',
        '  StopAfterMatch: 0',
        '  ValidID: 1',
        '',
      ].join('\n'),
    );
  });

  it("writes an absent ConfigMatch / ConfigChange as '' and StopAfterMatch as 1", () => {
    const text = exportAclsToYaml([{ ...restriction, ConfigMatch: null, ConfigChange: null, StopAfterMatch: true, Comment: null }]);
    expect(text).toContain("  ConfigMatch: ''\n");
    expect(text).toContain("  ConfigChange: ''\n");
    expect(text).toContain('  StopAfterMatch: 1\n');
    expect(text).toContain('- Comment: null\n');
  });

  it('writes dates in the OTRS timestamp format (UTC)', () => {
    expect(exportAclsToYaml([{ ...restriction, CreateTime: new Date('2024-02-03T04:05:06.789Z') }])).toContain("CreateTime: '2024-02-03 04:05:06'");
  });

  it('sorts keys by code point, also numeric-looking ones', () => {
    const text = exportAclsToYaml([{ ...restriction, ConfigChange: { Possible: { Ticket: { b: ['x'], '10': ['x'], '9': ['x'], A: ['x'] } } } }]);
    const ticketFields = text.slice(text.indexOf('Ticket:'), text.indexOf('ConfigMatch:'));
    const keys = ticketFields
      .split('\n')
      .filter((line) => line.endsWith(':') && line.startsWith('        '))
      .map((line) => line.trim());
    expect(keys).toEqual(["'10':", "'9':", 'A:', 'b:']);
  });

  it('round-trips: importing an export gives the same ACLs back', () => {
    const acls: Acl[] = [
      restriction,
      {
        Name: '010-Close only for admins',
        Comment: null,
        Description: '',
        StopAfterMatch: true,
        ValidID: 3,
        ConfigMatch: {
          Properties: { User: { Group_rw: ['[NotRegExp]^admin$'] }, Frontend: { Action: ['AgentTicketZoom'] } },
          PropertiesDatabase: { Ticket: { Queue: ['[regexp]^raw', '[empty]', '1', 'yes', 'null', ''] } },
        },
        ConfigChange: {
          Possible: { Ticket: { State: ['open', 'new'] } },
          PossibleAdd: { Process: ['P1'] },
          PossibleNot: { Action: ['AgentTicketClose'], ActivityDialog: ['AD1'] },
        },
      },
    ];
    expect(parseAclYaml(exportAclsToYaml(acls))).toEqual({ ok: true, acls, warnings: [] });
  });

  it('exports an empty list that imports as no ACLs', () => {
    expect(parseAclYaml(exportAclsToYaml([]))).toEqual({ ok: true, acls: [], warnings: [] });
  });
});

describe('showing one section in the ACL editor', () => {
  it('dumps a section with sorted keys and reads back to the same value', () => {
    const text = dumpAclYamlSection({ PossibleNot: { Ticket: { TwitterProfileID: ['1'] } }, Possible: { Action: ['AgentTicketZoom'] } });
    expect(text).toBe(['Possible:', '  Action:', '  - AgentTicketZoom', 'PossibleNot:', '  Ticket:', '    TwitterProfileID:', "    - '1'", ''].join('\n'));
    expect(parseAclYamlSection(text)).toEqual({ ok: true, value: { Possible: { Action: ['AgentTicketZoom'] }, PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } } });
  });

  it('shows an absent section as empty text', () => {
    expect(dumpAclYamlSection(null)).toBe('');
  });
});

describe('exporting a slice at a time', () => {
  it('joins entries into the same file as one export', () => {
    const records = [
      { Name: 'b', Comment: null, Description: '', StopAfterMatch: false, ValidID: 1 as const, ConfigMatch: null, ConfigChange: { PossibleNot: { Action: ['AgentTicketClose'] } } },
      { Name: 'a', Comment: 'x: y', Description: 'long\ntext', StopAfterMatch: true, ValidID: 2 as const, ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } }, ConfigChange: null },
    ];
    expect(YAML_DOCUMENT_START + records.map(aclExportBody).join('')).toBe(exportAclsToYaml(records));
  });
});
