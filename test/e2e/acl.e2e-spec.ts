import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AclDeployment } from '../../src/acl/acl-deployment.entity';
import { AclFilterService } from '../../src/acl/acl-filter.service';
import { StoredAcl } from '../../src/acl/acl.entity';
import { parseAclYaml } from '../../src/acl/yaml/acl-yaml';
import { AgentsService } from '../../src/users/agents.service';
import { GroupsService } from '../../src/users/groups.service';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn, submitForm } from '../utils/http';

const EXAMPLE = readFileSync(join(__dirname, '..', '..', 'acl-examples', 'TwitterAccessRestriction.yml'), 'utf8');
const EXAMPLE_NAME = 'Limit Access to Twitter Profile';
const PROFILES = new Map([
  ['1', 'ProfileA'],
  ['2', 'ProfileB'],
]);

/** A small ACL in export shape that removes queue Junk; `extra` lines are added to it. */
function queueAcl(name: string, extra = ''): string {
  return [`- Name: ${name}`, '  ConfigChange:', '    PossibleNot:', '      Ticket:', '        Queue:', '        - Junk', extra].filter(Boolean).join('\n') + '\n';
}

/** supertest leaves unknown content types unread; a download is text here. */
function asText(res: request.Response, done: (err: Error | null, body: string) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => done(null, body));
}

describe('ACL administration', () => {
  let t: TestApp;
  let tina: number;
  let otto: number;

  beforeAll(async () => {
    t = await createTestApp();
    const agents = t.app.get(AgentsService);
    const groups = t.app.get(GroupsService);
    const twitter = (await groups.findByName('twitter'))!;
    const users = (await groups.findByName('users'))!;
    tina = (await agents.create({ login: 'tina', name: 'Tina Twitter', password: 'tina-password' })).id;
    await agents.setMembership(tina, twitter.id, 'rw');
    await agents.setMembership(tina, users.id, 'rw');
    otto = (await agents.create({ login: 'otto', name: 'Otto Other', password: 'otto-password' })).id;
    await agents.setMembership(otto, users.id, 'rw');
    await agents.setMembership(otto, twitter.id, 'ro');
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    // Drafts start empty in every test; deployments stay (the next deploy replaces them).
    await t.dataSource.getRepository(StoredAcl).clear();
  });

  async function admin(): Promise<TestAgent> {
    const client = browserLike(t.app);
    await logIn(client);
    return client;
  }

  function importYaml(client: TestAgent, yaml: string, overwrite = false) {
    return submitForm(client, '/admin/acl/import', overwrite ? { yaml, overwrite: '1' } : { yaml });
  }

  async function rows(): Promise<StoredAcl[]> {
    return t.dataSource.getRepository(StoredAcl).find({ order: { id: 'ASC' } });
  }

  async function idOf(name: string): Promise<number> {
    return (await t.dataSource.getRepository(StoredAcl).findOneByOrFail({ name })).id;
  }

  /** What the rest of the app will ask: the profiles an agent may pick. */
  async function profilesFor(agentId: number) {
    const agent = (await t.app.get(AgentsService).findCurrentAgent(agentId))!;
    return t.app.get(AclFilterService).allowedOptions({ agent, field: 'Ticket.TwitterProfileID', options: PROFILES, action: 'AgentTicketZoom' });
  }

  async function deploy(client: TestAgent) {
    return follow(client, await submitForm(client, '/admin/acl', {}, '/admin/acl/deploy'));
  }

  it('is linked from the admin overview and starts empty and undeployed', async () => {
    const client = await admin();
    expect((await client.get('/admin').expect(200)).text).toContain('href="/admin/acl"');
    const list = await client.get('/admin/acl').expect(200);
    expect(list.text).toContain('No ACL yet.');
    expect(list.text).not.toContain('data-test="acl-out-of-sync"');
  });

  describe('import', () => {
    it('imports acl-examples/TwitterAccessRestriction.yml as it is, as a draft', async () => {
      const client = await admin();
      const res = await importYaml(client, EXAMPLE);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/acl');
      const list = await follow(client, res);
      expect(list.text).toContain(`Imported: 1 added, 0 replaced (${EXAMPLE_NAME}). Deploy the ACLs to make them effective.`);
      expect(list.text).toContain(`>${EXAMPLE_NAME}</a></td><td>Twitter access restriction</td>`);
      expect(list.text).toContain('not deployed yet');
      expect(list.text).toContain('data-test="acl-out-of-sync"');

      const [row] = await rows();
      expect(row).toMatchObject({ name: EXAMPLE_NAME, validId: 1, stopAfterMatch: false, createdBy: 'root@localhost', changedBy: 'root@localhost' });
      expect(JSON.parse(row.configMatch!)).toEqual({ Properties: { User: { Group_rw: ['[Not]twitter'] } } });
      expect(JSON.parse(row.configChange!)).toEqual({ PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } });
    });

    it('changes nothing when one ACL of the file is wrong, names the problem and keeps the text', async () => {
      const client = await admin();
      await importYaml(client, EXAMPLE);
      const broken = `---\n${queueAcl('010-no-junk')}${queueAcl('020-typo', '  ConfigMatch:\n    Propertys:\n      User:\n        UserLogin: [otto]')}`;
      const res = await importYaml(client, broken);
      expect(res.headers.location).toBe('/admin/acl/import');
      const form = await follow(client, res);
      expect(form.text).toContain('Nothing was imported or changed: 1 problem(s) found.');
      expect(form.text).toContain('ACL &quot;020-typo&quot; (#2): ConfigMatch.Propertys: unknown section; expected Properties or PropertiesDatabase');
      expect(form.text).toMatch(/<textarea id="yaml"[^>]*aria-invalid="true"/);
      expect(form.text).toContain('- Name: 010-no-junk');
      expect((await rows()).map((r) => r.name)).toEqual([EXAMPLE_NAME]);
    });

    it('refuses names that exist (ignoring case) unless asked to overwrite, then replaces in place', async () => {
      const client = await admin();
      await importYaml(client, EXAMPLE);
      const id = await idOf(EXAMPLE_NAME);

      const variant = EXAMPLE.replace(`Name: ${EXAMPLE_NAME}`, `Name: ${EXAMPLE_NAME.toLowerCase()}`);
      const refused = await follow(client, await importYaml(client, `${variant}${queueAcl('010-no-junk')}`));
      expect(refused.text).toContain(`Nothing was imported: ACLs with these names exist already: &quot;${EXAMPLE_NAME}&quot;.`);
      expect((await rows()).map((r) => r.name)).toEqual([EXAMPLE_NAME]);

      const replacement = EXAMPLE.replace('Comment: Twitter access restriction', 'Comment: replaced').replace('StopAfterMatch: 0', 'StopAfterMatch: 1');
      const list = await follow(client, await importYaml(client, `${replacement}${queueAcl('010-no-junk')}`, true));
      expect(list.text).toContain(`Imported: 1 added, 1 replaced (010-no-junk, ${EXAMPLE_NAME}).`);
      const after = await rows();
      expect(after.find((r) => r.id === id)).toMatchObject({ name: EXAMPLE_NAME, comment: 'replaced', stopAfterMatch: true });
      expect(after).toHaveLength(2);
    });

    it('warns about valid ACLs that surprise, such as OR-ed negations', async () => {
      const client = await admin();
      const orNot = `${queueAcl('030-or', '  ConfigMatch:\n    Properties:\n      User:\n        Group_rw:\n        - "[Not]a"\n        - "[Not]b"')}`;
      const list = await follow(client, await importYaml(client, orNot));
      expect(list.text).toContain('Note: ACL &quot;030-or&quot;: ConfigMatch.Properties.User.Group_rw has 2 negated items');
    });

    it('refuses keys such as constructor anywhere in an ACL, naming the ACL and the key', async () => {
      const client = await admin();
      const sneaky = queueAcl('040-sneaky', '  ConfigMatch:\n    Properties:\n      User:\n        constructor:\n        - x');
      const form = await follow(client, await importYaml(client, `${queueAcl('010-fine')}${sneaky}`));
      expect(form.text).toContain('ACL &quot;040-sneaky&quot; (#2): ConfigMatch.Properties.User.constructor: the key &quot;constructor&quot; is not allowed');
      expect(await rows()).toHaveLength(0);
    });

    it('refuses a file with more than 10,000 ACLs and imports nothing', async () => {
      const client = await admin();
      const many = Array.from({ length: 10_001 }, (_, i) => `- Name: acl-${i}\n`).join('');
      const page = await client.get('/admin/acl/import').expect(200);
      const res = await client.post('/admin/acl/import').field('_csrf', csrfTokenOf(page.text)).attach('file', Buffer.from(many), 'many.yml');
      const form = await follow(client, res);
      expect(form.text).toContain('the file holds 10001 ACLs; at most 10000 are accepted per file');
      expect(await rows()).toHaveLength(0);
    });
  });

  describe('import by file upload', () => {
    async function upload(client: TestAgent, file: Buffer, fields: Record<string, string> = {}, token?: string) {
      const page = await client.get('/admin/acl/import').expect(200);
      expect(page.text).toContain('enctype="multipart/form-data"');
      expect(page.text).toContain('<input id="file" name="file" type="file"');
      let post = client.post('/admin/acl/import');
      if (token !== '') post = post.field('_csrf', token ?? csrfTokenOf(page.text));
      for (const [name, value] of Object.entries(fields)) post = post.field(name, value);
      return post.attach('file', file, 'TwitterAccessRestriction.yml');
    }

    it('imports the uploaded example file as a draft, and replaces it with overwrite', async () => {
      const client = await admin();
      const res = await upload(client, Buffer.from(EXAMPLE, 'utf8'));
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/acl');
      expect((await follow(client, res)).text).toContain(`Imported: 1 added, 0 replaced (${EXAMPLE_NAME}).`);
      const [row] = await rows();
      expect(row).toMatchObject({ name: EXAMPLE_NAME, description: 'Restrict the access of members of the group “twitter” to a Twitter profile.' });
      expect(await t.dataSource.getRepository(AclDeployment).count()).toBe(0);

      const again = await follow(client, await upload(client, Buffer.from(EXAMPLE, 'utf8'), { overwrite: '1' }));
      expect(again.text).toContain(`Imported: 0 added, 1 replaced (${EXAMPLE_NAME}).`);
      expect((await rows()).map((r) => r.id)).toEqual([row.id]);
    });

    it('says that a file over 1 MiB is too large and changes nothing', async () => {
      const client = await admin();
      const big = Buffer.concat([Buffer.from(EXAMPLE, 'utf8'), Buffer.alloc(1024 * 1024, '#')]);
      const res = await upload(client, big);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/acl/import');
      const form = await follow(client, res);
      expect(form.text).toContain('The file is too large: at most 1 MiB are accepted. Nothing was imported or changed.');
      expect(await rows()).toHaveLength(0);
    });

    it('asks for a file or text when neither is given', async () => {
      const client = await admin();
      const form = await follow(client, await upload(client, Buffer.alloc(0)));
      expect(form.text).toContain('Choose an ACL export file or paste its content.');
      expect(await rows()).toHaveLength(0);
    });

    it('answers 403 to an upload with a missing or wrong CSRF token and imports nothing', async () => {
      const client = await admin();
      expect((await upload(client, Buffer.from(EXAMPLE, 'utf8'), {}, '')).status).toBe(403);
      expect((await upload(client, Buffer.from(EXAMPLE, 'utf8'), {}, 'not-the-token')).status).toBe(403);
      expect(await rows()).toHaveLength(0);
    });
  });

  describe('list filter', () => {
    it('filters the list by ?filter= on name and comment, with a box for app.js', async () => {
      const client = await admin();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-no-junk').replace('- Name', '\n- Name')}`.replace('\n\n', '\n'));
      const all = await client.get('/admin/acl').expect(200);
      expect(all.text).toContain('data-filter-table="acl-table"');
      expect(all.text).toContain('>010-no-junk</a>');
      const filtered = await client.get('/admin/acl?filter=TWITTER').expect(200);
      expect(filtered.text).toContain(`>${EXAMPLE_NAME}</a>`);
      expect(filtered.text).not.toContain('>010-no-junk</a>');
      expect(filtered.text).toContain('value="TWITTER"');
      const none = await client.get('/admin/acl?filter=nothing-like-this').expect(200);
      expect(none.text).toContain('No ACL matches the filter.');
    });
  });

  describe('export', () => {
    it('downloads every ACL as OTRS YAML that imports back to the same ACLs', async () => {
      const client = await admin();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-no-junk')}`);
      const res = await client.get('/admin/acl/export').buffer(true).parse(asText).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/yaml/);
      expect(res.headers['content-disposition']).toBe('attachment; filename="Export_ACL.yml"');
      const exported = res.body as string;
      expect(exported).toMatch(/^---\n- ChangeBy: root@localhost\n/);
      expect(exported).toContain(`ID: ${await idOf(EXAMPLE_NAME)}`);

      const again = parseAclYaml(exported);
      const original = parseAclYaml(`${EXAMPLE}${queueAcl('010-no-junk')}`);
      if (!again.ok || !original.ok) throw new Error('expected both to parse');
      expect(again.acls).toEqual([...original.acls].reverse());

      // Round trip through the importer: replaced in place, nothing else changes.
      const before = (await rows()).map(({ id, name, comment, configMatch, configChange, validId, stopAfterMatch }) => ({ id, name, comment, configMatch, configChange, validId, stopAfterMatch }));
      await importYaml(client, exported, true);
      const after = (await rows()).map(({ id, name, comment, configMatch, configChange, validId, stopAfterMatch }) => ({ id, name, comment, configMatch, configChange, validId, stopAfterMatch }));
      expect(after).toEqual(before);
    });

    it('exports only the ticked ACLs', async () => {
      const client = await admin();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-no-junk')}`);
      const res = await client.get(`/admin/acl/export?id=${await idOf('010-no-junk')}`).buffer(true).parse(asText).expect(200);
      const parsed = parseAclYaml(res.body as string);
      expect(parsed.ok && parsed.acls.map((a) => a.Name)).toEqual(['010-no-junk']);
      await client.get('/admin/acl/export?id=999999').expect(400);
    });
  });

  describe('deploy', () => {
    it('changes what AclFilterService returns only after Deploy, for agents in and out of group twitter', async () => {
      const client = await admin();
      await deploy(client);
      await importYaml(client, EXAMPLE);
      // A draft changes nothing yet.
      expect(await profilesFor(otto)).toEqual({ applied: false, allowedKeys: ['1', '2'] });

      const list = await deploy(client);
      expect(list.text).toContain('ACLs deployed: 1 valid ACL(s) are now in effect.');
      expect(list.text).not.toContain('data-test="acl-out-of-sync"');
      expect(list.text).toMatch(/Last deployed \d{4}-\d\d-\d\d \d\d:\d\d by root@localhost: 1 ACL\(s\) in effect\./);
      expect(list.text).toContain('<td class="deploy-deployed">deployed</td>');
      expect(await profilesFor(otto)).toEqual({ applied: true, allowedKeys: ['2'] });
      expect(await profilesFor(tina)).toEqual({ applied: false, allowedKeys: ['1', '2'] });
      const agent = (await t.app.get(AgentsService).findCurrentAgent(otto))!;
      expect(await t.app.get(AclFilterService).isAllowed({ agent, field: 'Ticket.TwitterProfileID', options: PROFILES }, '1')).toBe(false);

      // Invalidating the draft only takes effect with the next deploy; the banner says what it removes.
      const id = await idOf(EXAMPLE_NAME);
      const editPage = await client.get(`/admin/acl/${id}`).expect(200);
      await client
        .post(`/admin/acl/${id}`)
        .type('form')
        .send({ _csrf: csrfTokenOf(editPage.text), name: EXAMPLE_NAME, comment: '', description: '', validId: '2', configMatch: "Properties:\n  User:\n    Group_rw: ['[Not]twitter']\n", configChange: "PossibleNot:\n  Ticket:\n    TwitterProfileID: ['1']\n" })
        .expect(303);
      const outOfSync = await client.get('/admin/acl').expect(200);
      expect(outOfSync.text).toContain('The ACLs here differ from the deployed ones.');
      expect(outOfSync.text).toContain(`The next deploy removes: ${EXAMPLE_NAME}.`);
      expect(await profilesFor(otto)).toEqual({ applied: true, allowedKeys: ['2'] });
      await deploy(client);
      expect(await profilesFor(otto)).toEqual({ applied: false, allowedKeys: ['1', '2'] });
    });

    it('deploys nothing when a stored ACL no longer passes the checks, and says why', async () => {
      const client = await admin();
      const before = await t.dataSource.getRepository(AclDeployment).count();
      // Written around the service, as a hand edit of the database would.
      await t.dataSource.getRepository(StoredAcl).insert({ name: 'hand-edited', configChange: '{"PossibleNot":{"Ticket":{"Queue":"Junk"}}}', createdBy: 'db', changedBy: 'db' });
      const res = await submitForm(client, '/admin/acl', {}, '/admin/acl/deploy');
      expect(res.headers.location).toBe('/admin/acl/deploy');
      const back = await client.get('/admin/acl/deploy').expect(303);
      expect(back.headers.location).toBe('/admin/acl');
      const list = await follow(client, back);
      expect(list.text).toContain('Nothing was deployed: ACL &quot;hand-edited&quot; (#1): ConfigChange.PossibleNot.Ticket.Queue: must be a list of items, not a string');
      expect(await t.dataSource.getRepository(AclDeployment).count()).toBe(before);
    });

    it('keeps every deploy as a snapshot; the newest is in effect', async () => {
      const client = await admin();
      const before = await t.dataSource.getRepository(AclDeployment).count();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-no-junk')}`);
      await deploy(client);
      const [latest] = await t.dataSource.getRepository(AclDeployment).find({ order: { id: 'DESC' }, take: 1 });
      expect(await t.dataSource.getRepository(AclDeployment).count()).toBe(before + 1);
      expect(latest.deployedBy).toBe('root@localhost');
      expect((JSON.parse(latest.acls) as { Name: string }[]).map((a) => a.Name)).toEqual(['010-no-junk', EXAMPLE_NAME]);
    });
  });

  describe('editor', () => {
    it('shows ConfigMatch and ConfigChange as YAML and adds a new ACL', async () => {
      const client = await admin();
      await importYaml(client, EXAMPLE);
      const page = await client.get(`/admin/acl/${await idOf(EXAMPLE_NAME)}`).expect(200);
      expect(page.text).toContain('Properties:\n  User:\n    Group_rw:\n    - &#x27;[Not]twitter&#x27;\n</textarea>');
      expect(page.text).toContain('Only an ACL that is not valid can be deleted.');

      const res = await submitForm(client, '/admin/acl/new', { name: '040-new', comment: 'typed', validId: '1', stopAfterMatch: '1', configMatch: '', configChange: 'PossibleNot:\n  Action: [AgentTicketClose]\n' });
      expect((await follow(client, res)).text).toContain('ACL &quot;040-new&quot; was saved.');
      expect((await rows()).find((r) => r.name === '040-new')).toMatchObject({ comment: 'typed', stopAfterMatch: true, configMatch: null, configChange: '{"PossibleNot":{"Action":["AgentTicketClose"]}}' });
    });

    it('puts each error next to its field and keeps what was typed', async () => {
      const client = await admin();
      await importYaml(client, EXAMPLE);
      const id = await idOf(EXAMPLE_NAME);
      const res = await submitForm(client, `/admin/acl/${id}`, {
        name: EXAMPLE_NAME,
        comment: 'keep me',
        validId: '3',
        configMatch: 'Propertys:\n  User:\n    UserLogin: [otto]\n',
        configChange: 'PossibleNot: [',
      });
      expect(res.headers.location).toBe(`/admin/acl/${id}`);
      const form = await follow(client, res);
      expect(form.text).toContain('Please correct the marked fields.');
      expect(form.text).toMatch(/<textarea id="configMatch"[^>]*aria-invalid="true"/);
      expect(form.text).toContain('Not accepted: ConfigMatch.Propertys: unknown section; expected Properties or PropertiesDatabase');
      expect(form.text).toMatch(/Not accepted: the text is not valid YAML at line \d+, column \d+/);
      expect(form.text).toContain('value="keep me"');
      expect(form.text).toContain('<option value="3" selected>');
      expect(form.text).toContain('Propertys:\n  User:\n    UserLogin: [otto]\n</textarea>');
      expect((await rows())[0].comment).toBe('Twitter access restriction');
    });

    it('refuses a name taken by another ACL, ignoring case', async () => {
      const client = await admin();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-no-junk')}`);
      const form = await follow(client, await submitForm(client, `/admin/acl/${await idOf('010-no-junk')}`, { name: EXAMPLE_NAME.toUpperCase(), validId: '1' }));
      expect(form.text).toContain(`An ACL named &quot;${EXAMPLE_NAME.toUpperCase()}&quot; already exists`);
    });
  });

  describe('delete', () => {
    it('deletes only an ACL that is not valid, after a confirmation page, by POST with CSRF', async () => {
      const client = await admin();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-no-junk', '  ValidID: 2')}`);
      const valid = await idOf(EXAMPLE_NAME);
      const invalid = await idOf('010-no-junk');

      const refusedPage = await client.get(`/admin/acl/${valid}/delete`).expect(200);
      expect(refusedPage.text).toContain('is valid and cannot be deleted');
      expect(refusedPage.text).not.toContain(`action="/admin/acl/${valid}/delete"`);
      const refused = await client.post(`/admin/acl/${valid}/delete`).type('form').send({ _csrf: csrfTokenOf(refusedPage.text) });
      expect(refused.headers.location).toBe(`/admin/acl/${valid}/delete`);
      expect((await follow(client, refused)).text).toContain(`The ACL &quot;${EXAMPLE_NAME}&quot; is valid and cannot be deleted.`);
      await client.post(`/admin/acl/${invalid}/delete`).type('form').send({}).expect(403);
      expect(await rows()).toHaveLength(2);

      const confirm = await client.get(`/admin/acl/${invalid}/delete`).expect(200);
      expect(confirm.text).toContain('Really delete the ACL &quot;010-no-junk&quot;?');
      const list = await follow(client, await submitForm(client, `/admin/acl/${invalid}/delete`, {}));
      expect(list.text).toContain('ACL &quot;010-no-junk&quot; was deleted.');
      expect((await rows()).map((r) => r.name)).toEqual([EXAMPLE_NAME]);
    });
  });

  describe('simulator', () => {
    const query = (agentId: number, set = 'deployed') =>
      `/admin/acl/simulate?agentId=${agentId}&field=Ticket.TwitterProfileID&matchOn=key&options=${encodeURIComponent('1=ProfileA\n2=ProfileB')}&action=AgentTicketZoom&set=${set}`;

    it('shows which options remain for an agent and which ACLs applied, with drafts or the deployed set', async () => {
      const client = await admin();
      await importYaml(client, EXAMPLE);
      await deploy(client);
      const page = await client.get(query(otto)).expect(200);
      expect(page.text).toContain(`Applied ACLs, in order: ${EXAMPLE_NAME}`);
      expect(page.text).toContain('1 of 2 options remain.');
      expect(page.text).toContain('<tr class="option-removed"><td>1</td><td>ProfileA</td>');
      expect(page.text).toContain('<tr class="option-allowed"><td>2</td><td>ProfileB</td>');

      const member = await client.get(query(tina)).expect(200);
      expect(member.text).toContain('No ACL applied: every option remains.');

      await importYaml(client, EXAMPLE.replace("- '1'", "- '2'"), true);
      const drafts = await client.get(query(otto, 'drafts')).expect(200);
      expect(drafts.text).toContain('<tr class="option-removed"><td>2</td><td>ProfileB</td>');
      const deployed = await client.get(query(otto)).expect(200);
      expect(deployed.text).toContain('<tr class="option-removed"><td>1</td><td>ProfileA</td>');
    });

    it('says that agent id 1 is never restricted, and marks wrong inputs', async () => {
      const client = await admin();
      const root = await t.app.get(AgentsService).findByLogin('root@localhost');
      expect((await client.get(query(root!.id)).expect(200)).text).toContain('is never restricted by ACLs');
      const wrong = await client.get('/admin/acl/simulate?agentId=&field=Queue&matchOn=key&options=&set=deployed').expect(200);
      expect(wrong.text).toContain('Use Ticket.&lt;Field&gt;, Action, Process or ActivityDialog.');
      expect(wrong.text).toMatch(/<select id="agentId"[^>]*aria-invalid="true"/);
      expect(wrong.text).toMatch(/<textarea id="options"[^>]*aria-invalid="true"/);
    });
  });

  describe('help and languages', () => {
    it('tells the admin where socialdesk deliberately differs from OTRS', async () => {
      const help = await (await admin()).get('/admin/acl/help').expect(200);
      expect(help.text).toContain('Where socialdesk deliberately differs from OTRS/Znuny');
      expect(help.text).toContain('Import is all or nothing.');
      expect(help.text).toContain('PossibleNot also removes an option whose value is 0 or empty');
      expect(help.text).toContain('there is no file upload in the browser');
    });

    it('shows the ACL screens in German and Serbian', async () => {
      const client = await admin();
      await submitForm(client, '/preferences', { language: 'de' });
      expect((await client.get('/admin/acl').expect(200)).text).toContain('ACLs in Betrieb nehmen');
      expect((await client.get('/admin/acl/help').expect(200)).text).toContain('Wo socialdesk bewusst von OTRS/Znuny abweicht');
      await submitForm(client, '/preferences', { language: 'sr' });
      expect((await client.get('/admin/acl/import').expect(200)).text).toContain('Увези ACL-ове');
      await submitForm(client, '/preferences', { language: 'en' });
    });
  });

  describe('access', () => {
    it('answers 403 to an agent who is not an admin, on pages and posts, and changes nothing', async () => {
      const client = browserLike(t.app);
      await logIn(client, 'otto', 'otto-password');
      await client.get('/admin/acl').expect(403);
      await client.get('/admin/acl/export').expect(403);
      await client.get('/admin/acl/simulate').expect(403);
      const token = csrfTokenOf((await client.get('/').expect(200)).text);
      const deployments = await t.dataSource.getRepository(AclDeployment).count();
      await client.post('/admin/acl/import').type('form').send({ _csrf: token, yaml: EXAMPLE }).expect(403);
      await client.post('/admin/acl/deploy').type('form').send({ _csrf: token }).expect(403);
      expect(await rows()).toHaveLength(0);
      expect(await t.dataSource.getRepository(AclDeployment).count()).toBe(deployments);
    });

    it('refuses posts without a CSRF token', async () => {
      const client = await admin();
      const deployments = await t.dataSource.getRepository(AclDeployment).count();
      await client.post('/admin/acl/import').type('form').send({ yaml: EXAMPLE }).expect(403);
      await client.post('/admin/acl/deploy').type('form').send({}).expect(403);
      await client.post('/admin/acl/new').type('form').send({ name: 'sneaky', validId: '1' }).expect(403);
      expect(await rows()).toHaveLength(0);
      expect(await t.dataSource.getRepository(AclDeployment).count()).toBe(deployments);
    });
  });
});
