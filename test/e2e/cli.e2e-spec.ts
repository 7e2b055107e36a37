import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseCliArgs } from '../../src/cli/parse-cli-args';
import { runCliCommand } from '../../src/cli/run-cli-command';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, follow, logIn, submitForm } from '../utils/http';

const decodeEntities = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('command line', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCliCommand(t.app, parseCliArgs(argv), { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('sets an agent up without the UI: user add, group add, user groups', async () => {
    expect((await cli('user', 'add', '--login', 'carla', '--name', 'Carla', '--password', 'carla-password', '--language', 'sr')).code).toBe(0);
    expect((await cli('group', 'add', '--name', 'social', '--comment', 'social media')).out).toMatch(/^Added group social/);
    expect((await cli('user', 'groups', '--login', 'carla', '--group', 'social', '--permission', 'rw')).code).toBe(0);
    expect((await cli('user', 'groups', '--login', 'carla', '--group', 'twitter', '--permission', 'ro')).code).toBe(0);
    expect((await cli('user', 'groups', '--login', 'carla')).out).toBe('social\trw\ntwitter\tro');

    const client = browserLike(t.app);
    await logIn(client, 'carla', 'carla-password');
    expect((await client.get('/').expect(200)).text).toContain('Добро дошли, Carla.');
  });

  it('prints a generated password once when none is given', async () => {
    const result = await cli('user', 'add', '--login', 'dan', '--name', 'Dan');
    expect(result.out).toMatch(/Password: \S{16}/);
  });

  it('answers a taken login, an unknown agent or group with one error line and exit code 2', async () => {
    expect(await cli('user', 'add', '--login', 'root@localhost', '--name', 'x', '--password', 'whatever-long')).toEqual({
      code: 2,
      out: '',
      err: 'error: The login "root@localhost" is already in use.',
    });
    expect((await cli('user', 'groups', '--login', 'ghost')).err).toBe('error: no agent with login "ghost"');
    expect((await cli('user', 'groups', '--login', 'root@localhost', '--group', 'nope', '--permission', 'rw')).code).toBe(2);
  });

  it('refuses what the Add agent and Add group forms refuse, with the same messages and exit code 2', async () => {
    expect(await cli('user', 'add', '--login', 'bad login', '--name', 'x', '--password', 'x')).toEqual({
      code: 2,
      out: '',
      err: 'error: --login: The login must not contain spaces.\nerror: --password: At least 8 characters.',
    });
    expect((await cli('user', 'add', '--login', 'erin', '--name', 'Erin', '--email', 'not-an-email')).err).toBe('error: --email: Please enter a valid e-mail address.');
    expect((await cli('group', 'add', '--name', 'g', '--comment', 'c'.repeat(251))).err).toMatch(/^error: --comment: /);
    expect(await t.dataSource.query(`SELECT login FROM users WHERE login IN ('bad login', 'erin')`)).toEqual([]);
  });

  it('says what the web form says, field by field, for the same input (blank and empty values included)', async () => {
    const web = browserLike(t.app);
    await logIn(web);
    /** The messages next to the fields of the form the web answered with, as the CLI prints them. */
    async function webErrors(formPath: string, fields: Record<string, string>) {
      const form = await follow(web, await submitForm(web, formPath, fields));
      return [...form.text.matchAll(/<p class="field-error" id="([^"]+)-error" role="alert">([^<]*)<\/p>/g)].map(([, field, text]) => `error: --${field}: ${decodeEntities(text)}`).join('\n');
    }
    const agents: Record<string, string>[] = [
      { login: 'bad login', name: 'x', password: 'x' },
      { login: '', name: '', password: 'long-enough-password' },
      { login: '   ', name: '  ', password: 'long-enough-password' },
      { login: 'frank', name: 'Frank', email: 'not-an-email', password: 'long-enough-password' },
      { login: 'l'.repeat(201), name: 'n'.repeat(201), password: 'long-enough-password' },
    ];
    for (const agent of agents) {
      const expected = await webErrors('/admin/agents/new', { email: '', language: 'en', validity: 'valid', ...agent });
      expect(expected).not.toBe('');
      const argv = Object.entries(agent).flatMap(([name, value]) => [`--${name}`, value]);
      expect({ agent, ...(await cli('user', 'add', ...argv)) }).toEqual({ agent, code: 2, out: '', err: expected });
    }
    for (const group of [{ name: '' }, { name: ' ' }, { name: 'g'.repeat(201) }, { name: 'ok', comment: 'c'.repeat(251) }]) {
      const expected = await webErrors('/admin/groups/new', { comment: '', validity: 'valid', ...group });
      expect(expected).not.toBe('');
      const argv = Object.entries(group).flatMap(([name, value]) => [`--${name}`, value]);
      expect({ group, ...(await cli('group', 'add', ...argv)) }).toEqual({ group, code: 2, out: '', err: expected });
    }
    expect(await t.dataSource.query(`SELECT login FROM users WHERE login IN ('bad login', 'frank', '')`)).toEqual([]);
  });

  it('generates demo tickets that root can list and find, twice in a row', async () => {
    expect(() => parseCliArgs(['demo', 'generate', '--tickets', '0'])).toThrow('--tickets must be a whole number');
    expect(() => parseCliArgs(['demo', 'generate', '--tickets', '30', '--articles', '60'])).toThrow('--articles must be at least --tickets + 49');
    const first = await cli('demo', 'generate', '--tickets', '30');
    expect(first.out).toMatch(/^Added 30 tickets with 139 articles to Demo Support, Demo Sales, Demo Billing, Demo Misc \(group users\); ticket \d+ has 50 articles\.$/);
    expect((await cli('demo', 'generate', '--tickets', '20')).code).toBe(0);
    expect(Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM tickets t JOIN queues q ON q.id = t.queue_id WHERE q.name LIKE 'Demo %'`))[0].n)).toBe(50);
    const root = browserLike(t.app);
    await logIn(root);
    const search = await root.get('/search?q=kunde_17').expect(200);
    expect(search.text).toContain('Tickets matching “kunde_17”: 1');
    expect((await root.get('/tickets?state=all').expect(200)).text).toContain('(50 tickets)');
    // Their history is what the app writes: created, then one entry per article; pending states have their time.
    const demo = `SELECT t.id FROM tickets t JOIN queues q ON q.id = t.queue_id WHERE q.name LIKE 'Demo %'`;
    const counts = await t.dataSource.query(
      `SELECT (SELECT COUNT(*) FROM ticket_history h WHERE h.ticket_id IN (${demo}) AND h.kind = 'created') AS created,
              (SELECT COUNT(*) FROM ticket_history h WHERE h.ticket_id IN (${demo}) AND h.kind = 'article') AS history_articles,
              (SELECT COUNT(*) FROM articles a WHERE a.ticket_id IN (${demo})) AS articles,
              (SELECT COUNT(*) FROM tickets t WHERE t.id IN (${demo}) AND (t.state LIKE 'pending%') <> (t.pending_until IS NOT NULL)) AS pending_mismatch`,
    );
    const [{ created, history_articles, articles, pending_mismatch }] = counts;
    expect([Number(created), Number(history_articles), Number(pending_mismatch)]).toEqual([50, Number(articles), 0]);
    const zoom = (await root.get(`/tickets/${/ticket (\d+) has 50 articles/.exec(first.out)![1]}`).expect(200)).text;
    expect(zoom).toMatch(/data-test="history"[\s\S]*?\(51\)/);
  });

  it('exits with code 2 and the usage on bad arguments, as a real process', async () => {
    const run = promisify(execFile);
    const failure = await run('npx', ['ts-node', '--transpile-only', 'src/cli.ts', 'user', 'add', '--name', 'x'], { env: process.env }).catch((e) => e);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('error: --login is required');
    expect(failure.stderr).toContain('Usage: npm run cli');
  }, 60_000);
});
