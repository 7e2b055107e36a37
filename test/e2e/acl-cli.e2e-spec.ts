import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoredAcl } from '../../src/acl/acl.entity';
import { parseAclYaml } from '../../src/acl/yaml/acl-yaml';
import { parseCliArgs } from '../../src/cli/parse-cli-args';
import { runCliCommand } from '../../src/cli/run-cli-command';
import { createTestApp, type TestApp } from '../utils/create-test-app';

const EXAMPLE_PATH = join(__dirname, '..', '..', 'acl-examples', 'TwitterAccessRestriction.yml');
const EXAMPLE_NAME = 'Limit Access to Twitter Profile';

/** A §10 request for the Twitter example; without `acls` it runs on the deployed set. */
function request(groups: string[], withAcls = false): string {
  const acls = withAcls ? [{ Name: 'x', ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } }, ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } } }] : undefined;
  return JSON.stringify({
    acls,
    properties: { User: { UserLogin: 'agent', Group_rw: groups } },
    userId: '2',
    field: 'Ticket.TwitterProfileID',
    matchOn: 'key',
    options: { '1': 'ProfileA', '2': 'ProfileB' },
  });
}

describe('acl on the command line', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'socialdesk-acl-cli-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(argv: string[], stdin = '') {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCliCommand(t.app, parseCliArgs(argv), { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => stdin });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  const names = async () => (await t.dataSource.getRepository(StoredAcl).find({ order: { id: 'ASC' } })).map((row) => row.name);

  it('imports a file; refuses existing names without --overwrite; replaces them with it', async () => {
    expect(await cli(['acl', 'import', EXAMPLE_PATH])).toEqual({
      code: 0,
      out: `Imported 1 added, 0 replaced: "${EXAMPLE_NAME}". Run "acl deploy" to make them effective.`,
      err: '',
    });
    expect(await cli(['acl', 'import', EXAMPLE_PATH])).toEqual({
      code: 2,
      out: '',
      err: `error: nothing was imported: ACLs with these names exist already: "${EXAMPLE_NAME}"; use --overwrite or --replace-all to replace them`,
    });
    expect((await cli(['acl', 'import', EXAMPLE_PATH, '--overwrite'])).out).toMatch(/^Imported 0 added, 1 replaced/);
    expect(await names()).toEqual([EXAMPLE_NAME]);
  });

  it('lists every problem of a broken file and imports nothing; a missing file is one error line', async () => {
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, '- Name: new-one\n- Name: "0"\n  ValidID: 7\n');
    const result = await cli(['acl', 'import', broken]);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toEqual([
      'error: nothing was imported: 2 problem(s) found',
      '  ACL "0" (#2): Name: must not be "0"',
      '  ACL "0" (#2): ValidID: must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily), not "7"',
    ]);
    expect(await names()).toEqual([EXAMPLE_NAME]);
    const missing = await cli(['acl', 'import', join(dir, 'nope.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^error: cannot read .*nope\.yml: ENOENT/);
  });

  it('exports to stdout or to a file, in a form that imports back', async () => {
    const stdout = await cli(['acl', 'export']);
    expect(stdout.code).toBe(0);
    const parsed = parseAclYaml(stdout.out);
    expect(parsed.ok && parsed.acls.map((acl) => acl.Name)).toEqual([EXAMPLE_NAME]);
    const file = join(dir, 'export.yml');
    expect((await cli(['acl', 'export', file])).out).toBe(`Wrote the ACL export to ${file}.`);
    expect(readFileSync(file, 'utf8')).toBe(`${stdout.out}\n`);
  });

  it('imports an export larger than the web upload (over 1 MiB, 12,000 ACLs in one file) and several files, without caps', async () => {
    const big = join(dir, 'big.yml');
    const lines = ['---'];
    for (let i = 0; i < 12_000; i++) lines.push(`- Name: big-${String(i).padStart(5, '0')}`, '  Comment: an ACL of a large set, with a comment that takes some room', '  ValidID: 2');
    writeFileSync(big, `${lines.join('\n')}\n`);
    expect(readFileSync(big).byteLength).toBeGreaterThan(1024 * 1024);
    const small = join(dir, 'small.yml');
    writeFileSync(small, '- Name: small-one\n  ValidID: 2\n');
    const result = await cli(['acl', 'import', big, small]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Imported 12001 added, 0 replaced: "big-00000", .* and 11951 more\. Run "acl deploy" to make them effective\.$/);
    expect(await t.dataSource.getRepository(StoredAcl).count()).toBe(12_002);

    // The whole export imports back in one file, replacing all drafts.
    const exported = join(dir, 'all.yml');
    await cli(['acl', 'export', exported]);
    const again = await cli(['acl', 'import', exported, '--replace-all']);
    expect(again.out).toMatch(/^Imported 0 added, 12002 replaced/);
    const replaced = await cli(['acl', 'import', small, '--replace-all']);
    expect(replaced.out.split('\n')).toEqual(['Imported 0 added, 1 replaced: "small-one". Run "acl deploy" to make them effective.', 'Deleted 12001 draft(s) not in the files (--replace-all).']);
    expect(await names()).toEqual(['small-one']);
    await cli(['acl', 'import', EXAMPLE_PATH]);
  }, 60_000);

  it('evaluates on the deployed set after acl deploy, JSON Lines in and out, exit code 2 on a bad line', async () => {
    expect(await cli(['acl', 'evaluate'], request(['users']))).toEqual({ code: 0, out: '{"applied":false,"possible":["1","2"]}', err: '' });
    expect(await cli(['acl', 'deploy'])).toEqual({ code: 0, out: 'Deployed 1 valid ACL(s).', err: '' });
    const answer = await cli(['acl', 'evaluate'], `${request(['users'])}\n{"field": \n${request(['twitter'])}\n`);
    expect(answer.code).toBe(2);
    const lines = answer.out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('{"applied":true,"possible":["2"]}');
    expect(JSON.parse(lines[1])).toEqual({ error: expect.stringMatching(/^invalid JSON: /) });
    expect(lines[2]).toBe('{"applied":false,"possible":["1","2"]}');
  });

  it('answers with exit code 2 and an error line on stdout for input that is not JSON, as a real process', async () => {
    const child = spawn('npx', ['ts-node', '--transpile-only', 'src/cli.ts', 'acl', 'evaluate'], { env: process.env });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stdin.end(`this is not json\n${request(['users'], true)}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    const lines = stdout.trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toEqual({ error: expect.stringMatching(/^invalid JSON: /) });
    expect(lines[1]).toBe('{"applied":true,"possible":["2"]}');
  }, 60_000);
});
