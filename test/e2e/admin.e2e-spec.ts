import { AgentsService } from '../../src/agents/agents.service';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn, submitForm } from '../utils/http';

describe('admin area', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function admin() {
    const client = browserLike(t.app);
    await logIn(client);
    return client;
  }

  async function groupId(name: string): Promise<number> {
    const [row] = await t.dataSource.query(t.config.database.kind === 'postgres' ? 'SELECT id FROM groups WHERE name = $1' : 'SELECT id FROM groups WHERE name = ?', [name]);
    return Number(row.id);
  }

  describe('access', () => {
    it('shows the admin overview grouped as OTRS administrators know it', async () => {
      const page = await (await admin()).get('/admin').expect(200);
      for (const heading of ['Agents &amp; Groups', 'Ticket Settings', 'Communication &amp; Notifications', 'Processes &amp; Automation']) {
        expect(page.text).toContain(heading);
      }
      // socialdesk has no roles: no heading promises them.
      expect(page.text).not.toMatch(/Roles/i);
      expect(page.text).toContain('href="/admin/queues"');
    });

    it('answers 403 to an agent who is not rw in group admin, on pages and on posts', async () => {
      const agents = t.app.get(AgentsService);
      const agent = await agents.create({ login: 'ro-admin', name: 'Read Only', password: 'agent-password' });
      await agents.setMembership(agent.id, await groupId('admin'), 'ro');
      const client = browserLike(t.app);
      await logIn(client, 'ro-admin', 'agent-password');
      const forbidden = await client.get('/admin/queues').expect(403);
      expect(forbidden.text).toContain('You do not have permission');
      const dashboard = await client.get('/').expect(200);
      expect(dashboard.text).not.toContain('href="/admin"');
      await client
        .post('/admin/queues/new')
        .type('form')
        .send({ _csrf: csrfTokenOf(dashboard.text), name: 'Sneaky', groupId: '1', followUp: 'possible', validity: 'valid' })
        .expect(403);
      const queues = await t.dataSource.query(`SELECT name FROM queues WHERE name = 'Sneaky'`);
      expect(queues).toHaveLength(0);
    });

    it('renders unknown pages as a 404 in the layout', async () => {
      const page = await (await admin()).get('/admin/nothing-here').expect(404);
      expect(page.text).toContain('This page does not exist.');
      expect(page.text).toContain('class="topbar"');
    });
  });

  describe('CSRF', () => {
    it('refuses a post without a token and changes nothing', async () => {
      const client = await admin();
      const res = await client.post('/admin/groups/new').type('form').send({ name: 'no-token', validity: 'valid' }).expect(403);
      expect(res.text).toContain('Error 403');
      expect(await t.dataSource.query(`SELECT id FROM groups WHERE name = 'no-token'`)).toHaveLength(0);
    });

    it('refuses a post with a token from another session', async () => {
      const other = await admin();
      const foreignToken = csrfTokenOf((await other.get('/admin/groups/new')).text);
      const client = await admin();
      await client.post('/admin/groups/new').type('form').send({ _csrf: foreignToken, name: 'foreign-token', validity: 'valid' }).expect(403);
      expect(await t.dataSource.query(`SELECT id FROM groups WHERE name = 'foreign-token'`)).toHaveLength(0);
    });
  });

  describe('queues', () => {
    it('lists the seeded queues with follow-up possible', async () => {
      const page = await (await admin()).get('/admin/queues').expect(200);
      for (const name of ['Postmaster', 'Raw', 'Junk', 'Misc']) expect(page.text).toContain(`>${name}</a>`);
      expect(page.text).toContain('<td>possible</td>');
    });

    it('adds a queue with every option and shows it in the list with a flash message', async () => {
      const client = await admin();
      const res = await submitForm(client, '/admin/queues/new', {
        name: 'Social',
        groupId: String(await groupId('twitter')),
        followUp: 'new-ticket',
        followUpLock: '1',
        comment: 'X mentions',
        validity: 'valid',
      });
      const list = await follow(client, res);
      expect(list.text).toContain('&quot;Social&quot; was added.');
      expect(list.text).toMatch(/>Social<\/a><\/td><td>twitter<\/td><td>new ticket<\/td><td>Yes<\/td><td>X mentions<\/td>/);
    });

    it('filters the list by ?filter= without JavaScript', async () => {
      const page = await (await admin()).get('/admin/queues?filter=jun').expect(200);
      expect(page.text).toContain('>Junk</a>');
      expect(page.text).not.toContain('>Misc</a>');
    });

    it('keeps every typed value and marks each wrong field when validation fails', async () => {
      const client = await admin();
      const res = await submitForm(client, '/admin/queues/new', { name: '', groupId: '', followUp: 'reject', followUpLock: '1', comment: 'keep me', validity: 'invalid' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/queues/new');
      const form = await follow(client, res);
      expect(form.text).toContain('Please correct the marked fields.');
      expect(form.text).toMatch(/<input id="name"[^>]*aria-invalid="true"/);
      expect(form.text).toContain('This field is required.');
      expect(form.text).toContain('Please choose one of the options.');
      expect(form.text).toContain('value="keep me"');
      expect(form.text).toContain('<option value="reject" selected>');
      expect(form.text).toContain('<option value="invalid" selected>');
      expect(form.text).toMatch(/name="followUpLock" value="1" checked/);
    });

    it('refuses a name that is taken, case-insensitively, next to the field', async () => {
      const client = await admin();
      const form = await follow(client, await submitForm(client, '/admin/queues/new', { name: 'raw', groupId: String(await groupId('users')), followUp: 'possible', validity: 'valid' }));
      expect(form.text).toContain('A queue named &quot;raw&quot; already exists.');
      expect(form.text).toContain('value="raw"');
    });

    it('edits a queue: follow-up option, lock and validity', async () => {
      const client = await admin();
      const [{ id }] = await t.dataSource.query(`SELECT id FROM queues WHERE name = 'Misc'`);
      const res = await submitForm(client, `/admin/queues/${id}`, { name: 'Misc', groupId: String(await groupId('users')), followUp: 'reject', comment: '', validity: 'invalid-temporarily' });
      expect(res.headers.location).toBe('/admin/queues');
      const [row] = await t.dataSource.query(`SELECT follow_up, follow_up_lock, validity FROM queues WHERE id = ${Number(id)}`);
      expect(row.follow_up).toBe('reject');
      expect(Boolean(row.follow_up_lock)).toBe(false);
      expect(row.validity).toBe('invalid-temporarily');
    });
  });

  describe('groups', () => {
    it('adds and edits a group; validity instead of delete', async () => {
      const client = await admin();
      const list = await follow(client, await submitForm(client, '/admin/groups/new', { name: 'support', comment: 'first line', validity: 'valid' }));
      expect(list.text).toContain('>support</a>');
      const id = await groupId('support');
      await submitForm(client, `/admin/groups/${id}`, { name: 'support-1st', comment: 'first line', validity: 'invalid' });
      const after = await client.get('/admin/groups').expect(200);
      expect(after.text).toContain('>support-1st</a>');
      expect(after.text).toContain('validity-invalid');
    });

    it('protects group admin from being renamed or made invalid', async () => {
      const client = await admin();
      const id = await groupId('admin');
      const form = await follow(client, await submitForm(client, `/admin/groups/${id}`, { name: 'admins', validity: 'valid' }));
      expect(form.text).toContain('The group admin cannot be renamed or made invalid.');
    });
  });

  describe('agents', () => {
    it('marks every empty required field of Add agent at once, the password with the others', async () => {
      const client = await admin();
      const form = await follow(client, await submitForm(client, '/admin/agents/new', { login: '', name: '', email: '', language: 'en', password: '', validity: 'valid' }));
      for (const field of ['login', 'name', 'password']) expect([field, new RegExp(`<input id="${field}"[^>]*aria-invalid="true"`).test(form.text)]).toEqual([field, true]);
      expect(form.text.split('This field is required.').length - 1).toBe(3);
    });

    it('adds an agent with group memberships who can then log in in their language', async () => {
      const client = await admin();
      const twitter = await groupId('twitter');
      const users = await groupId('users');
      const res = await submitForm(client, '/admin/agents/new', {
        login: 'anna',
        name: 'Anna Agent',
        email: 'anna@example.com',
        language: 'de',
        password: 'anna-password',
        validity: 'valid',
        [`memberships[g${twitter}]`]: 'rw',
        [`memberships[g${users}]`]: 'ro',
      });
      expect((await follow(client, res)).text).toContain('>anna</a>');
      const anna = await t.app.get(AgentsService).findByLogin('anna');
      expect(await t.app.get(AgentsService).membershipsOf(anna!.id)).toEqual({ [twitter]: 'rw', [users]: 'ro' });

      const editPage = await client.get(`/admin/agents/${anna!.id}`).expect(200);
      expect(editPage.text).toContain('value="Anna Agent"');
      expect(editPage.text).toMatch(new RegExp(`name="memberships\\[g${twitter}\\]" value="rw"[^>]*checked`));

      const annaClient = browserLike(t.app);
      await logIn(annaClient, 'anna', 'anna-password');
      const dashboard = await annaClient.get('/').expect(200);
      expect(dashboard.text).toContain('Willkommen, Anna Agent.');
    });

    it('keeps typed values (never the password) when the login is taken', async () => {
      const client = await admin();
      const form = await follow(
        client,
        await submitForm(client, '/admin/agents/new', { login: 'root@localhost', name: 'Second Root', email: 'bad-address', language: 'sr', password: 'secret-password', validity: 'valid' }),
      );
      expect(form.text).toContain('Please enter a valid e-mail address.');
      expect(form.text).toContain('value="Second Root"');
      expect(form.text).toContain('<option value="sr" selected>');
      expect(form.text).not.toContain('secret-password');
    });

    it('resets a password and makes an agent invalid, which ends their access', async () => {
      const client = await admin();
      const agents = t.app.get(AgentsService);
      const bob = await agents.create({ login: 'bob', name: 'Bob', password: 'bob-password-1' });
      const bobClient = browserLike(t.app);
      await logIn(bobClient, 'bob', 'bob-password-1');

      await submitForm(client, `/admin/agents/${bob.id}`, { login: 'bob', name: 'Bob', email: '', language: 'en', password: 'bob-password-2', validity: 'valid' });
      await logIn(browserLike(t.app), 'bob', 'bob-password-2');

      await submitForm(client, `/admin/agents/${bob.id}`, { login: 'bob', name: 'Bob', email: '', language: 'en', password: '', validity: 'invalid' });
      await bobClient.get('/').expect(303);
      const refused = await submitForm(browserLike(t.app), '/login', { login: 'bob', password: 'bob-password-2' });
      expect(refused.headers.location).toBe('/login');
    });

    it('does not let an admin lock themselves out', async () => {
      const client = await admin();
      const root = await t.app.get(AgentsService).findByLogin('root@localhost');
      const form = await follow(
        client,
        await submitForm(client, `/admin/agents/${root!.id}`, { login: 'root@localhost', name: 'Admin', email: '', language: 'en', password: '', validity: 'invalid' }),
      );
      expect(form.text).toContain('You cannot make your own account invalid');
      await client.get('/admin').expect(200);
    });
  });

  describe('languages', () => {
    it('follows the browser language before login and the agent language after', async () => {
      const visitor = browserLike(t.app);
      const german = await visitor.get('/login').set('Accept-Language', 'de-DE,de;q=0.9,en;q=0.5').expect(200);
      expect(german.text).toContain('Anmelden');
      const serbian = await browserLike(t.app).get('/login').set('Accept-Language', 'sr').expect(200);
      expect(serbian.text).toContain('Пријави се');
    });

    it('switches every admin page to German and Serbian from the preferences', async () => {
      const client = await admin();
      await submitForm(client, '/preferences', { language: 'de' });
      const de = await client.get('/admin/queues').expect(200);
      expect(de.text).toContain('<html lang="de">');
      expect(de.text).toContain('Queue hinzufügen');
      expect(de.text).toContain('Nachfrage-Option');
      await submitForm(client, '/preferences', { language: 'sr' });
      const sr = await client.get('/admin/agents').expect(200);
      expect(sr.text).toContain('Додај оператера');
      await submitForm(client, '/preferences', { language: 'en' });
    });
  });
});
