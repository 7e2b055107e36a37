import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AclDeployment } from '../../src/acl/acl-deployment.entity';
import { AclFilterService } from '../../src/acl/acl-filter.service';
import { StoredAcl } from '../../src/acl/acl.entity';
import { uploadParsing } from '../../src/acl/acl-upload';
import { parseAclYaml } from '../../src/acl/yaml/acl-yaml';
import { Queue } from '../../src/queues/queue.entity';
import { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { GroupsService } from '../../src/agents/groups.service';
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

/** The import form's action: the upload carries its CSRF token in the URL. */
function importActionOf(html: string): string {
  const match = /<form method="post" action="(\/admin\/acl\/import\?_csrf=[^"]+)"/.exec(html);
  if (!match) throw new Error('no import form in page');
  return match[1].replace(/&amp;/g, '&');
}

/** Uploads files through the import form (as a browser does: token in the action URL). */
async function uploadFiles(client: TestAgent, files: { name: string; content: string | Buffer }[], fields: Record<string, string> = {}) {
  const page = await client.get('/admin/acl/import').expect(200);
  let post = client.post(importActionOf(page.text));
  for (const [name, value] of Object.entries(fields)) post = post.field(name, value);
  for (const file of files) post = post.attach('file', Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8'), file.name);
  return post;
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

  /** Pastes YAML into the import form (a multipart post, like the browser sends it). */
  async function importYaml(client: TestAgent, yaml: string, overwrite: boolean | 'replaceAll' = false) {
    const page = await client.get('/admin/acl/import').expect(200);
    return client
      .post(importActionOf(page.text))
      .field('yaml', yaml)
      .field('mode', overwrite === 'replaceAll' ? 'replaceAll' : overwrite ? 'overwrite' : 'add');
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
      // Marked at the choice that resolves it, not at the YAML, which is fine.
      expect(refused.text).toMatch(/<fieldset class="field has-error">\s*<legend>ACLs that exist already<\/legend>/);
      expect(refused.text).not.toMatch(/<textarea id="yaml"[^>]*aria-invalid="true"/);
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
      const form = await follow(client, await uploadFiles(client, [{ name: 'many.yml', content: many }]));
      expect(form.text).toContain('the file holds 10001 ACLs; at most 10000 are accepted per file');
      expect(await rows()).toHaveLength(0);
    });
  });

  describe('import by file upload', () => {
    async function upload(client: TestAgent, file: Buffer, fields: Record<string, string> = {}, token?: string) {
      const page = await client.get('/admin/acl/import').expect(200);
      expect(page.text).toContain('enctype="multipart/form-data"');
      expect(page.text).toContain('<input id="file" name="file" type="file" multiple');
      const action = token === undefined ? importActionOf(page.text) : token === '' ? '/admin/acl/import' : `/admin/acl/import?_csrf=${token}`;
      let post = client.post(action);
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

      const again = await follow(client, await upload(client, Buffer.from(EXAMPLE, 'utf8'), { mode: 'overwrite' }));
      expect(again.text).toContain(`Imported: 0 added, 1 replaced (${EXAMPLE_NAME}).`);
      expect((await rows()).map((r) => r.id)).toEqual([row.id]);
      // The checkbox of earlier forms still means "overwrite".
      const legacy = await follow(client, await upload(client, Buffer.from(EXAMPLE, 'utf8'), { overwrite: '1' }));
      expect(legacy.text).toContain(`Imported: 0 added, 1 replaced (${EXAMPLE_NAME}).`);
    });

    it('imports several files at once, all or nothing, with names unique across them', async () => {
      const client = await admin();
      const files = [
        { name: 'a.yml', content: EXAMPLE },
        { name: 'b.yml', content: `---\n${queueAcl('010-no-junk')}` },
      ];
      expect((await follow(client, await uploadFiles(client, files))).text).toContain('Imported: 2 added, 0 replaced');
      await t.dataSource.getRepository(StoredAcl).clear();
      const clash = [...files, { name: 'c.yml', content: `---\n${queueAcl('010-NO-JUNK')}` }];
      const form = await follow(client, await uploadFiles(client, clash));
      expect(form.text).toContain('c.yml: ACL &quot;010-NO-JUNK&quot;: Name: used already in b.yml (names are unique ignoring case)');
      expect(await rows()).toHaveLength(0);
    });

    it('says that a file over 1 MiB is too large and changes nothing', async () => {
      const client = await admin();
      const big = Buffer.concat([Buffer.from(EXAMPLE, 'utf8'), Buffer.alloc(1024 * 1024, '#')]);
      const res = await upload(client, big);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/acl/import');
      const form = await follow(client, res);
      expect(form.text).toContain('A file is too large: at most 1 MiB per file are accepted');
      expect(await rows()).toHaveLength(0);
    });

    it('asks for a file or text when neither is given', async () => {
      const client = await admin();
      const form = await follow(client, await upload(client, Buffer.alloc(0)));
      expect(form.text).toContain('Choose ACL export files or paste the content of one.');
      expect(await rows()).toHaveLength(0);
    });

    it('answers 403 to an upload with a missing or wrong CSRF token and imports nothing', async () => {
      const client = await admin();
      const parsed = uploadParsing.runs;
      expect((await upload(client, Buffer.from(EXAMPLE, 'utf8'), {}, '')).status).toBe(403);
      expect((await upload(client, Buffer.from(EXAMPLE, 'utf8'), {}, 'not-the-token')).status).toBe(403);
      expect(uploadParsing.runs).toBe(parsed);
      expect(await rows()).toHaveLength(0);
    });
  });

  describe('what socialdesk ignores, and items it refuses', () => {
    const OTRS_FILE = `---
- Name: 100-priority-for-vip
  ConfigMatch:
    Properties:
      Ticket:
        Priority:
        - 5 very high
  ConfigChange:
    PossibleNot:
      Ticket:
        Queue:
        - Junk
      Action:
      - AgentTicketPriority
      - AgentTicketClose
`;

    it('imports an ACL on fields and actions socialdesk lacks with a warning that stays in the list', async () => {
      const client = await admin();
      const list = await follow(client, await importYaml(client, OTRS_FILE));
      expect(list.text).toContain('Note: ACL &quot;100-priority-for-vip&quot;: has no effect here: Ticket.Priority (ConfigMatch.Properties: socialdesk never supplies it, so this ACL never matches)');
      const later = await client.get('/admin/acl').expect(200);
      const row = /<tr class="has-warnings">[\s\S]*?<\/tr>/.exec(later.text)![0];
      expect(row).toContain('>100-priority-for-vip</a><ul class="acl-warnings"');
      expect(row).toContain('has no effect here: Action AgentTicketPriority (ConfigChange.PossibleNot: socialdesk has no such action)');
      expect(later.text).toContain('1 ACL(s); 1 shown by the filter; 1 with notes');
      expect((await client.get('/admin/acl?warnings=1').expect(200)).text).toContain('>100-priority-for-vip</a>');
      const editor = await client.get(`/admin/acl/${await idOf('100-priority-for-vip')}`).expect(200);
      expect(editor.text).toContain('has no effect here: Ticket.Priority');
    });

    it('refuses [Nto] at import and in the editor with the ACL, the key and a suggestion', async () => {
      const client = await admin();
      const typo = queueAcl('010-typo', "  ConfigMatch:\n    Properties:\n      User:\n        Group_rw:\n        - '[Nto]twitter'");
      const form = await follow(client, await importYaml(client, typo));
      const message = 'ConfigMatch.Properties.User.Group_rw[0] &quot;[Nto]twitter&quot;: unknown modifier [Nto]; did you mean [Not]?';
      expect(form.text).toContain(`ACL &quot;010-typo&quot; (#1): ${message}`);
      expect(await rows()).toHaveLength(0);
      const editor = await follow(client, await submitForm(client, '/admin/acl/new', { name: '010-typo', validId: '1', configMatch: "Properties:\n  User:\n    Group_rw: ['[Nto]twitter']\n" }));
      expect(editor.text).toContain(`Not accepted: ACL &quot;010-typo&quot;: ${message}`);
    });

    it('refuses a pattern that needs backtracking at import', async () => {
      const client = await admin();
      const lookahead = queueAcl('010-look', "  ConfigMatch:\n    Properties:\n      Ticket:\n        Title:\n        - '[RegExp]^(?!Re:)'");
      const form = await follow(client, await importYaml(client, lookahead));
      expect(form.text).toContain('ACL &quot;010-look&quot; (#1): ConfigMatch.Properties.Ticket.Title[0] &quot;[RegExp]^(?!Re:)&quot;: negative look-ahead');
      expect(await rows()).toHaveLength(0);
    });

    it('evaluates a deployed [RegExp]^(a+)+$ on a title of 10,000 × "a" + "!" correctly (linear time, no stall)', async () => {
      const client = await admin();
      const greedy = queueAcl('010-greedy', "  ConfigMatch:\n    PropertiesDatabase:\n      Ticket:\n        Title:\n        - '[RegExp]^(a+)+$'");
      await importYaml(client, greedy);
      await deploy(client);
      const agent = (await t.app.get(AgentsService).findCurrentAgent(otto))!;
      const queues = [
        { id: 1, name: 'Raw' },
        { id: 2, name: 'Junk' },
      ];
      const forTitle = async (title: string) => (await t.app.get(AclFilterService).forAgent({ agent, screen: 'AgentTicketMove', ticket: { id: 1, title } })).allowed('queue', queues);
      expect(await forTitle(`${'a'.repeat(10_000)}!`)).toEqual(queues);
      expect(await forTitle('a'.repeat(10_000))).toEqual([queues[0]]);
    });

    it('lets the screens ask for queues and actions of an OTRS file that restricts them for a group', async () => {
      const client = await admin();
      const file = `---
- Name: 200-twitter-only
  ConfigMatch:
    Properties:
      User:
        Group_rw:
        - '[Not]twitter'
  ConfigChange:
    PossibleNot:
      Ticket:
        Queue:
        - Junk
      Action:
      - AgentTicketClose
      - AgentTicketMove
`;
      await importYaml(client, file);
      await deploy(client);
      const filter = t.app.get(AclFilterService);
      const queues = [
        { id: 1, name: 'Raw' },
        { id: 3, name: 'Junk' },
      ];
      const ticket = { id: 1, queue: queues[0], state: 'open', locked: false };
      const outsider = await filter.forAgent({ agent: (await t.app.get(AgentsService).findCurrentAgent(otto))!, screen: 'AgentTicketZoom', ticket });
      expect(outsider.allowed('queue', queues)).toEqual([queues[0]]);
      expect(outsider.allowedActions(['note', 'close', 'move', 'reply'])).toEqual(['note', 'reply']);
      expect(outsider.allowedStateChanges(['open', 'closed successful', 'pending reminder'])).toEqual(['open', 'pending reminder']);
      const member = await filter.forAgent({ agent: (await t.app.get(AgentsService).findCurrentAgent(tina))!, screen: 'AgentTicketZoom', ticket });
      expect(member.allowed('queue', queues)).toEqual(queues);
      expect(member.may('close')).toBe(true);
    });
  });

  describe('replacing all drafts', () => {
    it('deletes the drafts the file does not hold, replaces the others in place, all in one go', async () => {
      const client = await admin();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-old')}${queueAcl('020-kept')}`);
      const kept = await idOf('020-kept');
      const list = await follow(client, await importYaml(client, `---\n${queueAcl('020-KEPT', '  Comment: new')}${queueAcl('030-new')}`, 'replaceAll'));
      expect(list.text).toContain('Imported: 1 added, 1 replaced (030-new, 020-KEPT).');
      expect(list.text).toContain('2 draft(s) that were not in the file(s) were deleted');
      expect((await rows()).map((r) => [r.id === kept, r.name, r.comment])).toEqual([
        [true, '020-KEPT', 'new'],
        [false, '030-new', null],
      ]);
      // A broken file replaces nothing.
      await follow(client, await importYaml(client, '- Name: 0\n', 'replaceAll'));
      expect(await rows()).toHaveLength(2);
    });
  });

  describe('list filter', () => {
    it('filters the list by ?filter= on name and comment (in SQL, any case), with the box keeping it', async () => {
      const client = await admin();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-no-junk').replace('- Name', '\n- Name')}`.replace('\n\n', '\n'));
      const all = await client.get('/admin/acl').expect(200);
      expect(all.text).toMatch(/<form method="get" action="\/admin\/acl" class="filter" role="search"/);
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
      const res = await client
        .get(`/admin/acl/export?id=${await idOf('010-no-junk')}`)
        .buffer(true)
        .parse(asText)
        .expect(200);
      const parsed = parseAclYaml(res.body as string);
      expect(parsed.ok && parsed.acls.map((a) => a.Name)).toEqual(['010-no-junk']);
      await client.get('/admin/acl/export?id=999999').expect(404);
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
        .send({
          _csrf: csrfTokenOf(editPage.text),
          name: EXAMPLE_NAME,
          comment: '',
          description: '',
          validId: '2',
          configMatch: "Properties:\n  User:\n    Group_rw: ['[Not]twitter']\n",
          configChange: "PossibleNot:\n  Ticket:\n    TwitterProfileID: ['1']\n",
        })
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
      expect(page.text).toContain(`href="/admin/acl/${await idOf(EXAMPLE_NAME)}/delete"`);

      const res = await submitForm(client, '/admin/acl/new', {
        name: '040-new',
        comment: 'typed',
        validId: '1',
        stopAfterMatch: '1',
        configMatch: '',
        configChange: 'PossibleNot:\n  Action: [AgentTicketClose]\n',
      });
      expect((await follow(client, res)).text).toContain('ACL &quot;040-new&quot; was saved.');
      expect((await rows()).find((r) => r.name === '040-new')).toMatchObject({
        comment: 'typed',
        stopAfterMatch: true,
        configMatch: null,
        configChange: '{"PossibleNot":{"Action":["AgentTicketClose"]}}',
      });
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
      expect(form.text).toContain(`Not accepted: ACL &quot;${EXAMPLE_NAME}&quot;: ConfigMatch.Propertys: unknown section; expected Properties or PropertiesDatabase`);
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
    it('deletes one ACL, valid or not, after a confirmation page, by POST with CSRF', async () => {
      const client = await admin();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-no-junk', '  ValidID: 2')}`);
      const valid = await idOf(EXAMPLE_NAME);

      await client.post(`/admin/acl/${valid}/delete`).type('form').send({}).expect(403);
      expect(await rows()).toHaveLength(2);
      const confirm = await client.get(`/admin/acl/${valid}/delete`).expect(200);
      expect(confirm.text).toContain(`Really delete the ACL &quot;${EXAMPLE_NAME}&quot;?`);
      expect(confirm.text).toContain('1 of them are valid. A deployed ACL keeps applying until the next deploy.');
      const list = await follow(client, await submitForm(client, `/admin/acl/${valid}/delete`, {}));
      expect(list.text).toContain(`ACL &quot;${EXAMPLE_NAME}&quot; was deleted. Deploy the ACLs to take it out of effect.`);
      expect((await rows()).map((r) => r.name)).toEqual(['010-no-junk']);
      await client.get(`/admin/acl/${valid}/delete`).expect(404);
    });

    it('deletes the ACLs ticked in the list after listing them for confirmation', async () => {
      const client = await admin();
      await importYaml(client, `${EXAMPLE}${queueAcl('010-a')}${queueAcl('020-b', '  ValidID: 3')}${queueAcl('030-keep')}`);
      const list = await client.get('/admin/acl').expect(200);
      expect(list.text).toContain('formaction="/admin/acl/delete"');
      const ids = [await idOf('010-a'), await idOf('020-b'), await idOf(EXAMPLE_NAME)];
      const confirm = await client.get(`/admin/acl/delete?${ids.map((id) => `id=${id}`).join('&')}`).expect(200);
      expect(confirm.text).toContain('Really delete these 3 ACL(s)?');
      expect(confirm.text).toMatch(/<ul class="delete-list"[^>]*><li>010-a<\/li><li>020-b<\/li><li>Limit Access to Twitter Profile<\/li><\/ul>/);
      const res = await client
        .post('/admin/acl/delete')
        .type('form')
        .send(`_csrf=${encodeURIComponent(csrfTokenOf(confirm.text))}&${ids.map((id) => `id=${id}`).join('&')}`);
      expect((await follow(client, res)).text).toContain(`3 ACL(s) deleted: 010-a, 020-b, ${EXAMPLE_NAME}.`);
      expect((await rows()).map((r) => r.name)).toEqual(['030-keep']);
    });

    it('asks to tick ACLs first, and deletes nothing for unknown ids', async () => {
      const client = await admin();
      await importYaml(client, queueAcl('010-a'));
      expect((await client.get('/admin/acl/delete').expect(200)).text).toContain('Tick the ACLs to delete in the list first.');
      await client.get('/admin/acl/delete?id=999999').expect(404);
      const token = csrfTokenOf((await client.get('/admin/acl').expect(200)).text);
      const refused = await client
        .post('/admin/acl/delete')
        .type('form')
        .send(`_csrf=${token}&id=${await idOf('010-a')}&id=999999`);
      expect(refused.status).toBe(404);
      expect(refused.text).toContain('This ACL does not exist.');
      expect(await rows()).toHaveLength(1);
    });
  });

  describe('simulator', () => {
    const query = (agentId: number | 'all', field = 'Ticket.TwitterProfileID', set = 'deployed', extra = '') =>
      `/admin/acl/simulate?field=${field}&agentId=${agentId}&screen=AgentTicketZoom&set=${set}${extra}`;

    it('offers the real options of the field and shows which remain for an agent, and the ACL that decided each', async () => {
      const profiles = t.dataSource.getRepository(SocialMediaProfile);
      const [a, b] = await profiles.save(['ProfileA', 'ProfileB'].map((name) => profiles.create({ type: 'twitter', name, validity: 'valid', createdBy: 'test', changedBy: 'test' })));
      expect([a.id, b.id]).toEqual([1, 2]);
      const client = await admin();
      const form = await client.get('/admin/acl/simulate').expect(200);
      expect(form.text).toContain('<option value="Ticket.QueueID">Ticket.QueueID</option>');
      expect(form.text).not.toContain('id="options"');
      await importYaml(client, EXAMPLE);
      await deploy(client);
      const page = await client.get(query(otto)).expect(200);
      expect(page.text).toContain(`Applied ACLs, in order: ${EXAMPLE_NAME}`);
      expect(page.text).toContain('1 of 2 options remain.');
      expect(page.text).toContain(`<tr class="option-removed"><td>1</td><td>ProfileA</td><td>removed</td><td>${EXAMPLE_NAME}</td></tr>`);
      expect(page.text).toContain('<tr class="option-allowed"><td>2</td><td>ProfileB</td><td>selectable</td><td>—</td></tr>');

      expect((await client.get(query(tina)).expect(200)).text).toContain('No ACL applied: every option remains.');

      await importYaml(client, EXAMPLE.replace("- '1'", "- '2'"), true);
      expect((await client.get(query(otto, 'Ticket.TwitterProfileID', 'drafts')).expect(200)).text).toContain('<tr class="option-removed"><td>2</td><td>ProfileB</td>');
      expect((await client.get(query(otto)).expect(200)).text).toContain('<tr class="option-removed"><td>1</td><td>ProfileA</td>');
    });

    it('shows every agent against every option, with the deciding ACL in each cell', async () => {
      const client = await admin();
      const junkForOthers = queueAcl('010-no-junk', "  ConfigMatch:\n    Properties:\n      User:\n        Group_rw:\n        - '[Not]twitter'");
      await importYaml(client, junkForOthers);
      await deploy(client);
      const page = await client.get(query('all', 'Ticket.Queue')).expect(200);
      const matrix = /<table class="list compact matrix"[\s\S]*?<\/table>/.exec(page.text)![0];
      const header = /<thead>([\s\S]*?)<\/thead>/.exec(matrix)![1];
      const columns = [...header.matchAll(/<th scope="col"[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
      const junk = columns.indexOf('Junk');
      expect(junk).toBeGreaterThan(0);
      const rowOf = (login: string) => {
        const row = new RegExp(`<tr><th scope="row">${login.replace('.', '\\.')}[^]*?</tr>`).exec(matrix)![0];
        return [...row.matchAll(/<td class="(option-allowed|option-removed)">[^]*?<\/td>/g)].map((m) => m[0]);
      };
      expect(rowOf('otto')[junk - 1]).toContain('option-removed');
      expect(rowOf('otto')[junk - 1]).toContain('<small class="decider">010-no-junk</small>');
      expect(rowOf('tina')[junk - 1]).toContain('option-allowed');
      expect(rowOf('root@localhost')[junk - 1]).toContain('option-allowed');
      expect(matrix).toContain('(id 1, never restricted)');
    });

    it('uses the ticket values given, and marks wrong inputs', async () => {
      const client = await admin();
      const inRawOnly = queueAcl('010-raw', '  ConfigMatch:\n    PropertiesDatabase:\n      Queue:\n        Name:\n        - Raw');
      await importYaml(client, inRawOnly);
      await deploy(client);
      const raw = (await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' })).id;
      expect((await client.get(query(otto, 'Ticket.Queue')).expect(200)).text).toContain('No ACL applied');
      expect((await client.get(query(otto, 'Ticket.Queue', 'deployed', `&queueId=${raw}`)).expect(200)).text).toContain('Applied ACLs, in order: 010-raw');
      const wrong = await client.get('/admin/acl/simulate?field=Ticket.Priority&agentId=999999&screen=AgentTicketBulk&set=x').expect(200);
      for (const field of ['field', 'agentId', 'screen', 'set']) expect(wrong.text).toMatch(new RegExp(`<select id="${field}"[^>]*aria-invalid="true"`));
    });

    it('says that agent id 1 is never restricted', async () => {
      const client = await admin();
      const root = await t.app.get(AgentsService).findByLogin('root@localhost');
      expect((await client.get(query(root!.id)).expect(200)).text).toContain('is never restricted by ACLs');
    });
  });

  describe('help and languages', () => {
    it('tells the admin where socialdesk deliberately differs from OTRS', async () => {
      const help = await (await admin()).get('/admin/acl/help').expect(200);
      expect(help.text).toContain('Where socialdesk deliberately differs from OTRS/Znuny');
      expect(help.text).toContain('Import is all or nothing.');
      expect(help.text).toContain('PossibleNot also removes an option whose value is 0 or empty');
      expect(help.text).toContain('Regular expressions run on a linear-time engine (RE2)');
      expect(help.text).toContain('<tr><td>Close (set a closed state)</td><td><code>AgentTicketClose</code></td></tr>');
      expect(help.text).toContain('<tr><td>Reply (tweet or direct message)</td><td><code>AgentTicketCompose</code></td></tr>');
      expect(help.text).toContain('<tr><td><code>Ticket.QueueID</code></td><td>ids</td></tr>');
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
