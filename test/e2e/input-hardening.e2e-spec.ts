import type TestAgent from 'supertest/lib/agent';
import type { BeforeQueryEvent, EntitySubscriberInterface } from 'typeorm';
import { InboxEvent } from '../../src/inbox/inbox-event.entity';
import { Queue } from '../../src/queues/queue.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket } from '../factories/ticket.factory';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';

const NUL_MESSAGE = 'Contains a NUL character';
/** Page values that once ended in a 500 or in SQL text, and their friends. */
const PAGE_VALUES = ['Infinity', '1e300', '99999999999999999999', '-1', '-Infinity', '0', 'abc', '2.5', '%00', '1%00', '', '9007199254740993'];

describe('lists and forms take any input without a 500', () => {
  let t: TestApp;
  let admin: TestAgent;
  let profileId: number;
  const queries: { sql: string; parameters: unknown[] }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    profileId = (await createReadyProfile(t, { targetQueueId: raw.id })).id;
    // 51 tickets and 51 inbox events: two pages of 50 each.
    for (let i = 0; i < 51; i++) await insertTicket(t, { profileId, queueId: raw.id, channel: 'dm', title: `Ticket ${i}` });
    await t.dataSource
      .getRepository(InboxEvent)
      .insert(Array.from({ length: 51 }, (_, i) => ({ profileId, source: 'webhook' as const, format: 'aaa' as never, dedupeKey: `dm:${9000 + i}`, payload: '{}', status: 'ignored' as const })));
    const recorder: EntitySubscriberInterface = { beforeQuery: (event: BeforeQueryEvent) => void queries.push({ sql: event.query, parameters: (event.parameters as unknown[] | undefined) ?? [] }) };
    t.dataSource.subscribers.push(recorder);
    admin = browserLike(t.app);
    await logIn(admin);
  });
  afterAll(() => t.close());

  describe('page numbers', () => {
    it.each(['/tickets?state=all&page=', '/admin/inbox?page=', '/admin/inbox?status=ignored&page='])('%s… answers every page value with a page that exists', async (prefix) => {
      for (const value of PAGE_VALUES) {
        const res = await admin.get(prefix + value);
        expect([value, res.status]).toEqual([value, 200]);
      }
    });

    it('clamps a page past the end to the last page', async () => {
      for (const value of ['Infinity', '1e300', '99999999999999999999', '3']) {
        const tickets = await admin.get(`/tickets?state=all&page=${value}`).expect(200);
        expect(tickets.text).toContain('Page 2 of 2 (51 tickets)');
        expect(tickets.text.match(/data-ticket="/g)).toHaveLength(1);
        const inbox = await admin.get(`/admin/inbox?page=${value}`).expect(200);
        expect(inbox.text.match(/<a href="\/admin\/inbox\/\d+">/g)).toHaveLength(1);
        expect(inbox.text).not.toContain('page=3');
      }
      const first = await admin.get('/tickets?state=all&page=-7').expect(200);
      expect(first.text).toContain('Page 1 of 2 (51 tickets)');
    });

    it('binds limit and offset as parameters, never writing a number from the URL into the SQL', async () => {
      queries.length = 0;
      await admin.get('/tickets?state=all&page=2').expect(200);
      await admin.get('/admin/inbox?page=2').expect(200);
      const paged = queries.filter((q) => /\bOFFSET\b/i.test(q.sql));
      expect(paged.length).toBeGreaterThanOrEqual(2);
      for (const q of paged) {
        expect(q.sql).toMatch(/\bLIMIT (\?|\$\d+) OFFSET (\?|\$\d+)$/);
        expect(q.parameters.slice(-2)).toEqual([50, 50]);
      }
      // Only TypeORM's own `LIMIT 1` of findOne stays in the text.
      expect(queries.filter((q) => /\bOFFSET \d|\bLIMIT (?!1\b)\d/i.test(q.sql)).map((q) => q.sql)).toEqual([]);
    });
  });

  describe('NUL characters', () => {
    interface FoundForm {
      page: string;
      action: string;
      fields: Record<string, string>;
      textFields: string[];
    }

    /** Every POST form on every page an admin reaches by following links, with its fields as the browser would send them. */
    async function everyForm(client: TestAgent): Promise<FoundForm[]> {
      const seen = new Set<string>();
      const queue = ['/', `/tickets`, '/tickets/1', `/admin/social-media-profiles/twitter/${profileId}/step/4`];
      const forms = new Map<string, FoundForm>();
      // One page and one form of each shape (/tickets/N/note stands for all tickets).
      const shape = (path: string) => path.replace(/(?<!\/step)\/\d+/g, '/N');
      while (queue.length > 0) {
        const path = queue.shift()!;
        if (seen.has(shape(path))) continue;
        seen.add(shape(path));
        const res = await client.get(path);
        if (res.status !== 200 || !String(res.headers['content-type']).startsWith('text/html')) continue;
        for (const [, href] of res.text.matchAll(/href="(\/[^"#?]*)"/g)) if (!href.startsWith('/public/')) queue.push(href);
        for (const [, attributes, body] of res.text.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
          if (!/method="post"/i.test(attributes)) continue;
          const action = (/action="([^"]*)"/.exec(attributes)?.[1] ?? path).replace(/&amp;/g, '&');
          if (action === '/logout' || forms.has(shape(action))) continue;
          const fields: Record<string, string> = {};
          const textFields: string[] = [];
          for (const [tag] of body.matchAll(/<input\b[^>]*>/g)) {
            const name = /name="([^"]+)"/.exec(tag)?.[1];
            const type = /type="([^"]+)"/.exec(tag)?.[1] ?? 'text';
            if (!name || type === 'file') continue;
            if (['checkbox', 'radio'].includes(type) && !/\bchecked\b/.test(tag)) continue;
            fields[name] = (/value="([^"]*)"/.exec(tag)?.[1] ?? '').replace(/&amp;/g, '&');
            if (['text', 'password', 'email', 'search', 'url'].includes(type)) textFields.push(name);
          }
          for (const [, name, content] of body.matchAll(/<textarea\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
            fields[name] = content;
            textFields.push(name);
          }
          for (const [, name, options] of body.matchAll(/<select\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
            fields[name] = /<option value="([^"]+)"/.exec(options)?.[1] ?? '';
          }
          const button = /<button\b[^>]*name="([^"]+)"[^>]*value="([^"]*)"/.exec(body);
          if (button && !(button[1] in fields)) fields[button[1]] = button[2];
          forms.set(shape(action), { page: path, action, fields, textFields });
        }
      }
      return [...forms.values()];
    }

    it('answers a NUL in the fields of any form with the message next to the fields, never a 500', async () => {
      const forms = await everyForm(admin);
      const withText = forms.filter((f) => Object.keys(f.fields).some((n) => n !== '_csrf'));
      expect(withText.length).toBeGreaterThanOrEqual(15);
      const failures: string[] = [];
      for (const form of withText) {
        // Every field but the CSRF token at once: the check is one for all fields of all forms.
        const poisoned = Object.fromEntries(Object.entries(form.fields).map(([name, value]) => [name, name === '_csrf' ? value : `${value || 'x'}\u0000y`]));
        const page = await admin.get(form.page);
        const res = await admin
          .post(form.action)
          .type('form')
          .send({ ...poisoned, _csrf: csrfTokenOf(page.text) });
        if (res.status !== 303) {
          failures.push(`${form.action}: ${res.status}`);
          continue;
        }
        // The zoom's forms land on their own path first, which leads on to the zoom.
        let next = await follow(admin, res);
        for (let hops = 0; next.status === 303 && hops < 3; hops++) next = await follow(admin, next);
        if (next.status >= 500) failures.push(`${form.action}: then ${next.status}`);
        else if (form.textFields.length > 0 && !next.text.includes(NUL_MESSAGE)) failures.push(`${form.action}: no message`);
      }
      expect(failures).toEqual([]);
    }, 60_000);

    it('shows the message next to the login field, keeping the typed login, and counts no failed login', async () => {
      const visitor = browserLike(t.app);
      const page = await visitor.get('/login').expect(200);
      const res = await visitor
        .post('/login')
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text), login: 'root@local\u0000host', password: 'x' });
      const back = await follow(visitor, res);
      expect(back.text).toMatch(new RegExp(`id="login-error"[^>]*>[^<]*${NUL_MESSAGE}`));
      const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM login_throttle WHERE failures > 0');
      expect(Number(n)).toBe(0);
    });

    it.each([
      '/admin/queues?filter=ra%00w',
      '/admin/social-media-profiles?filter=%00',
      '/admin/acl?filter=%00',
      '/admin/agents?filter=%00',
      '/tickets?state=%00&queueId=1%00&profileId=%00',
      '/admin/inbox?status=%00',
      '/admin/acl/simulate?agentId=%00&action=%00',
      '/login?next=/%00',
    ])('drops a NUL from the query string of %s', async (path) => {
      const res = await admin.get(path);
      expect(res.status).toBe(200);
    });

    it('finds the queue a filter with a NUL meant', async () => {
      const res = await admin.get('/admin/queues?filter=ra%00w').expect(200);
      expect(res.text).toContain('>Raw<');
    });
  });

  describe('output and mass assignment', () => {
    it('shows what customers and agents write as text, never as markup', async () => {
      const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
      const { ticket } = await insertTicket(t, {
        profileId,
        queueId: raw.id,
        channel: 'dm',
        title: '<script>alert("title")</script>',
        articles: [{ body: '<img src=x onerror=alert(1)>"\'&' }],
      });
      const list = await admin.get('/tickets?state=all').expect(200);
      const zoom = await admin.get(`/tickets/${ticket.id}`).expect(200);
      for (const html of [list.text, zoom.text]) {
        expect(html).not.toContain('<script>alert');
        expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
      }
      expect(zoom.text).not.toContain('<img src=x');
      expect(zoom.text).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    });

    it('marks a NUL and the form’s other mistakes at once: a name too long beside a comment with a NUL', async () => {
      const page = await admin.get('/admin/groups/new').expect(200);
      const res = await admin
        .post('/admin/groups/new')
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text), name: 'g'.repeat(300), comment: 'a\u0000b', validity: 'valid' });
      const form = await follow(admin, res);
      expect(form.text).toMatch(/id="name-error"[^>]*>At most 200 characters\./);
      expect(form.text).toMatch(new RegExp(`id="comment-error"[^>]*>${NUL_MESSAGE}`));
    });

    it('says that a form with a wrong or stale token has expired, saves nothing, and keeps the 403', async () => {
      const before = await t.dataSource.getRepository(Queue).count();
      const res = await admin.post('/admin/queues/new').type('form').send({ _csrf: 'bogus', name: 'Forged queue', groupId: '1', followUp: 'possible' });
      expect(res.status).toBe(403);
      expect(res.text).toContain('This form has expired or did not come from this desk&#x27;s own page, so nothing was saved.');
      expect(res.text).not.toContain('You do not have permission');
      expect(await t.dataSource.getRepository(Queue).count()).toBe(before);
    });

    it('ignores fields a form does not have, such as a password hash or a session generation', async () => {
      const [before] = await t.dataSource.query(`SELECT password_hash, session_generation, validity FROM users WHERE login = 'root@localhost'`);
      const page = await admin.get('/admin/agents/1').expect(200);
      const [group] = await t.dataSource.query(`SELECT id FROM groups WHERE name = 'admin'`);
      const res = await admin
        .post('/admin/agents/1')
        .type('form')
        .send({
          _csrf: csrfTokenOf(page.text),
          login: 'root@localhost',
          name: 'Admin',
          email: '',
          language: 'en',
          password: '',
          validity: 'valid',
          [`memberships[g${group.id}]`]: 'rw',
          passwordHash: 'x',
          sessionGeneration: '99',
          id: '7',
        });
      expect(res.status).toBe(303);
      const [after] = await t.dataSource.query(`SELECT password_hash, session_generation, validity FROM users WHERE login = 'root@localhost'`);
      expect(after).toEqual(before);
    });
  });
});
