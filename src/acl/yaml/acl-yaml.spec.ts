import { ACL_IMPORT_MAX_ACLS, validateAclSection } from '../engine';
import { ACL_YAML_MAX_BYTES, parseAclYaml, parseAclYamlFile, parseAclYamlSection } from './acl-yaml';

const exportText = `---
- ChangeBy: root@localhost
  ChangeTime: 2020-11-05 10:57:35
  Comment: Twitter access restriction
  ConfigChange:
    PossibleNot:
      Ticket:
        TwitterProfileID:
        - '1'
  ConfigMatch:
    Properties:
      User:
        Group_rw:
        - '[Not]twitter'
  CreateBy: root@localhost
  CreateTime: 2020-11-05 10:55:15
  Description: Restrict the access of members of the group “twitter” to a Twitter
    profile.
  ID: 2
  Name: Limit Access to Twitter Profile
  StopAfterMatch: 0
  ValidID: 1
`;

const errorsOf = (input: string | Uint8Array, options?: { maxBytes?: number }) => {
  const result = parseAclYaml(input, options);
  return result.ok ? [] : result.errors;
};

describe('importing an OTRS ACL export', () => {
  it('reads the export of OTRS into engine ACLs', () => {
    expect(parseAclYaml(exportText)).toEqual({
      ok: true,
      warnings: [],
      acls: [
        {
          Name: 'Limit Access to Twitter Profile',
          Comment: 'Twitter access restriction',
          Description: 'Restrict the access of members of the group “twitter” to a Twitter profile.',
          StopAfterMatch: false,
          ValidID: 1,
          ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } },
          ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } },
        },
      ],
    });
  });

  it('reads bytes as UTF-8 and refuses bytes that are not', () => {
    expect(parseAclYaml(Buffer.from(exportText, 'utf8')).ok).toBe(true);
    expect(errorsOf(new Uint8Array([0x2d, 0x20, 0xff]))).toEqual(['the file is not UTF-8 text']);
  });

  it('keeps unquoted numbers as written, the way Perl reads them', () => {
    const result = parseAclYaml('- Name: n\n  ConfigChange:\n    PossibleNot:\n      Ticket:\n        TwitterProfileID: [1, 1.0, 0x10, 007]\n');
    expect(result.ok && result.acls[0].ConfigChange?.PossibleNot?.Ticket?.TwitterProfileID).toEqual(['1', '1.0', '0x10', '007']);
  });

  it('treats an empty list as "no ACLs"', () => {
    expect(parseAclYaml('--- []\n')).toEqual({ ok: true, acls: [], warnings: [] });
  });

  it('passes on the warnings about surprising ACLs', () => {
    const result = parseAclYaml("- Name: a\n  ConfigMatch:\n    Properties:\n      Ticket:\n        Queue: ['[Not]Raw', '[Not]Junk']\n");
    expect(result.ok && result.warnings).toEqual([expect.stringMatching(/2 negated items; items are OR-ed/)]);
  });
});

describe('refusing files safely and clearly', () => {
  it('refuses files above the size cap (1 MiB) before parsing them', () => {
    expect(ACL_YAML_MAX_BYTES).toBe(1048576);
    expect(errorsOf('#'.repeat(ACL_YAML_MAX_BYTES + 1))).toEqual(['the file is 1048577 bytes; at most 1048576 bytes are accepted']);
    expect(errorsOf('- Name: ä\n', { maxBytes: 10 })).toEqual(['the file is 11 bytes; at most 10 bytes are accepted']);
  });

  it('refuses an empty file', () => {
    expect(errorsOf('  \n')).toEqual(['the file is empty']);
  });

  it('refuses aliases, so an alias bomb never gets walked', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]'].join('\n');
    expect(errorsOf(bomb)).toEqual(['the file is not valid YAML at line 2, column 9: aliases exceeded maxAliases (0)']);
  });

  it('refuses nesting deeper than 20 levels', () => {
    expect(errorsOf('['.repeat(25) + ']'.repeat(25))[0]).toMatch(/nesting exceeded maxDepth \(20\)/);
  });

  it('refuses unknown and explicit tags, such as !!js/function', () => {
    expect(errorsOf('- Name: !!js/function "function () {}"\n')[0]).toMatch(/^the file is not valid YAML at line 1, column 9: unknown scalar tag/);
    expect(errorsOf('- Name: !custom x\n')[0]).toMatch(/unknown scalar tag/);
  });

  it('refuses duplicate keys and says where', () => {
    expect(errorsOf('- Name: a\n  Name: b\n')).toEqual(['the file is not valid YAML at line 2, column 3: duplicated mapping key']);
  });

  it('does not know merge keys: << is an unknown key', () => {
    expect(errorsOf('- Name: a\n  <<: {ValidID: 2}\n')).toEqual(['ACL "a" (#1): <<: unknown key; expected Name, Comment, Description, ValidID, StopAfterMatch, ConfigMatch, ConfigChange']);
  });

  it('refuses a single mapping, a scalar or several documents: an export is one list', () => {
    expect(errorsOf('Name: a\n')).toEqual(['expected a list of ACLs (as OTRS/Znuny export them), not a mapping']);
    expect(errorsOf('hello\n')).toEqual(['expected a list of ACLs (as OTRS/Znuny export them), not a string']);
    expect(errorsOf('- Name: a\n---\n- Name: b\n')[0]).toMatch(/expected a single document/);
  });

  it('is all or nothing: one bad ACL fails the file, every problem is named with the ACL and the field', () => {
    const text = `${exportText}- Name: second\n  ValidID: 0\n- Name: third\n  ConfigMatch:\n    Propertys:\n      User:\n        Group_rw: [x]\n`;
    expect(parseAclYaml(text)).toEqual({
      ok: false,
      errors: [
        'ACL "second" (#2): ValidID: must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily), not "0"',
        'ACL "third" (#3): ConfigMatch.Propertys: unknown section; expected Properties or PropertiesDatabase',
      ],
    });
  });

  it('keeps a __proto__ key as data and refuses it, naming the ACL and the key', () => {
    expect(errorsOf('- Name: a\n  __proto__: {ValidID: 2}\n')[0]).toBe('ACL "a" (#1): __proto__: the key "__proto__" is not allowed');
    expect(({} as Record<string, unknown>).ValidID).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s anywhere in an ACL', (key) => {
    const nested = `- Name: deep\n  ConfigMatch:\n    Properties:\n      User:\n        ${key}:\n        - x\n`;
    expect(errorsOf(nested)).toEqual([`ACL "deep" (#1): ConfigMatch.Properties.User.${key}: the key "${key}" is not allowed`]);
    const change = `- Name: other\n- Name: change\n  ConfigChange:\n    PossibleNot:\n      Ticket:\n        ${key}:\n        - x\n`;
    expect(errorsOf(change)).toEqual([`ACL "change" (#2): ConfigChange.PossibleNot.Ticket.${key}: the key "${key}" is not allowed`]);
    expect(errorsOf(`- Name: top\n  ${key}: 1\n`)).toEqual([`ACL "top" (#1): ${key}: the key "${key}" is not allowed`]);
  });

  it('refuses the key constructor in a section typed into the editor', () => {
    const parsed = parseAclYamlSection('Properties:\n  Ticket:\n    constructor: [x]\n');
    expect(parsed.ok && validateAclSection('ConfigMatch', parsed.value)).toEqual({ ok: false, errors: ['ConfigMatch.Properties.Ticket.constructor: the key "constructor" is not allowed'] });
  });

  it('accepts 10,000 ACLs in one file and refuses 10,001 with a clear message', () => {
    const file = (count: number) => Array.from({ length: count }, (_, i) => `- Name: acl ${i}\n`).join('');
    const accepted = parseAclYaml(file(ACL_IMPORT_MAX_ACLS));
    expect(accepted.ok && accepted.acls).toHaveLength(10_000);
    expect(errorsOf(file(ACL_IMPORT_MAX_ACLS + 1))).toEqual(['the file holds 10001 ACLs; at most 10000 are accepted per file']);
  });
});

describe('reading one section typed into the ACL editor', () => {
  it('reads a mapping with the same text-only scalars as a file', () => {
    expect(parseAclYamlSection('PossibleNot:\n  Ticket:\n    TwitterProfileID:\n    - 1\n')).toEqual({
      ok: true,
      value: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } },
    });
  });

  it('reads empty text as no section', () => {
    expect(parseAclYamlSection('  \n')).toEqual({ ok: true, value: null });
  });

  it('says where the YAML is broken, and refuses aliases and tags', () => {
    const broken = parseAclYamlSection('Properties:\n  User: [\n');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.error).toMatch(/^the text is not valid YAML at line \d+, column \d+: /);
    expect(parseAclYamlSection('a: &x [1]\nb: *x\n').ok).toBe(false);
    expect(parseAclYamlSection('a: !!js/function "x"\n').ok).toBe(false);
  });
});

describe('reading a large file in slices (parseAclYamlFile)', () => {
  const many = (count: number) =>
    '---\n' +
    Array.from({ length: count }, (_, i) => `- Name: acl-${i}\n  Comment: "n° ${i}"\n  ConfigChange:\n    PossibleNot:\n      Ticket:\n        Queue:\n        - Junk\n  ValidID: 1\n`).join('');

  it('gives the result of a whole-document parse, pausing between slices', async () => {
    let pauses = 0;
    const pause = async () => {
      pauses++;
    };
    const text = many(1_000);
    expect(await parseAclYamlFile(text, { pause, chunk: 100 })).toEqual(parseAclYaml(text));
    // 10 slices to parse (a pause before each, after the lines were split), 10 to validate (between
    // neighbours), 10 for the warnings (before each).
    expect(pauses).toBe(10 + 9 + 10);
  });

  it.each([
    ['the OTRS export', exportText],
    ['comments, blank lines and a document end', `# exported\n\n---\n# first\n- Name: a\n\n  ValidID: 2\n# between\n- Name: b\n...\n# done\n`],
    ['Windows line ends', '---\r\n- Name: a\r\n  ValidID: 1\r\n- Name: b\r\n'],
    ['a broken entry: line numbers of the file', `${many(3)}- Name: x\n  Name: y\n`],
    ['an unterminated quote across entries', '- Name: "a\n- b"\n'],
    ['flow style', '[{Name: a}, {Name: b}]\n'],
    ['a mapping', 'Name: a\n'],
    ['two documents', '- Name: a\n---\n- Name: b\n'],
    ['a directive', '%YAML 1.2\n---\n- Name: a\n'],
    ['an empty list', '--- []\n'],
    ['a tab', '-\tName: a\n'],
    ['an alias', '- Name: &n a\n- Name: *n\n'],
    ['duplicate names in different slices', '- Name: a\n- Name: b\n- Name: A\n'],
    ['indented entries', '  - Name: a\n  - Name: b\n'],
  ])('%s: the same result as one parse', async (_, text) => {
    expect(await parseAclYamlFile(text, { chunk: 1 })).toEqual(parseAclYaml(text));
  });

  it('names a YAML problem with its line in the file', async () => {
    const result = await parseAclYamlFile(`${many(3)}- Name: x\n  Name: y\n`, { chunk: 1 });
    expect(result).toEqual({ ok: false, errors: ['the file is not valid YAML at line 27, column 3: duplicated mapping key'] });
  });

  it('applies the per-file limits it is given: 10,000 ACLs and 1 MiB by default, none for the command line', async () => {
    const names = (count: number) => Array.from({ length: count }, (_, i) => `- Name: a${i}\n`).join('');
    expect(await parseAclYamlFile(names(10_001))).toEqual({ ok: false, errors: ['the file holds 10001 ACLs; at most 10000 are accepted per file'] });
    const unlimited = await parseAclYamlFile(names(10_001), { maxAcls: Infinity });
    expect(unlimited.ok && unlimited.acls).toHaveLength(10_001);
    const big = many(9_000);
    expect(Buffer.byteLength(big)).toBeGreaterThan(ACL_YAML_MAX_BYTES);
    expect((await parseAclYamlFile(big)).ok).toBe(false);
    expect((await parseAclYamlFile(big, { maxBytes: Infinity })).ok).toBe(true);
  });
});
