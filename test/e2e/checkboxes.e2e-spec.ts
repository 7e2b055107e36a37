import type TestAgent from 'supertest/lib/agent';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, follow, logIn, submitForm } from '../utils/http';

/**
 * A checkbox sends nothing when unticked. Every edit form must store that as "off", and a form that
 * comes back rejected must show the box as the user left it, not as stored (docs/ARCHITECTURE.md,
 * "One web request").
 */
describe('unticked checkboxes in edit forms', () => {
  let t: TestApp;
  let admin: TestAgent;
  const sql = (text: string) => (t.config.database.kind === 'postgres' ? text.replace(/\?/g, (_, i: number) => `$${text.slice(0, i).split('?').length}`) : text);
  const one = async <T>(query: string, ...params: unknown[]): Promise<T> => (await t.dataSource.query<T[]>(sql(query), params))[0];
  const bool = (value: unknown) => value === true || value === 1;
  const checked = (html: string, name: string) => new RegExp(`name="${name}" value="1" checked`).test(html);

  beforeAll(async () => {
    t = await createTestApp();
    admin = browserLike(t.app);
    await logIn(admin);
  });
  afterAll(() => t.close());

  describe('queue: lock on follow-up', () => {
    let id: string;
    const path = () => `/admin/queues/${id}`;
    const usersGroup = async () => String((await one<{ id: number }>('SELECT id FROM groups WHERE name = ?', 'users')).id);
    const fields = async (extra: Record<string, string> = {}) => ({ name: 'Lockable', groupId: await usersGroup(), followUp: 'possible', comment: '', validity: 'valid', ...extra });
    const stored = async () => bool((await one<{ follow_up_lock: unknown }>('SELECT follow_up_lock FROM queues WHERE id = ?', Number(id))).follow_up_lock);

    beforeAll(async () => {
      const res = await submitForm(admin, '/admin/queues/new', await fields({ followUpLock: '1' }));
      expect(res.status).toBe(303);
      id = String((await one<{ id: number }>('SELECT id FROM queues WHERE name = ?', 'Lockable')).id);
    });

    it('is cleared when saved unticked, and set again by "1" or a browser\'s default "on"', async () => {
      expect(await stored()).toBe(true);
      expect((await submitForm(admin, path(), await fields())).status).toBe(303);
      expect(await stored()).toBe(false);
      expect(checked((await admin.get(path()).expect(200)).text, 'followUpLock')).toBe(false);
      expect((await submitForm(admin, path(), await fields({ followUpLock: 'on' }))).status).toBe(303);
      expect(await stored()).toBe(true);
      expect(checked((await admin.get(path()).expect(200)).text, 'followUpLock')).toBe(true);
    });

    it.each([
      ['a field the DTO refuses', { name: '' }],
      ['a rule of the service (name taken)', { name: 'Raw' }],
    ])('comes back unticked when the form is rejected for %s, though still ticked in the database', async (_, wrong) => {
      await submitForm(admin, path(), await fields({ followUpLock: '1' }));
      const res = await submitForm(admin, path(), await fields(wrong));
      expect(res.headers.location).toBe(path());
      const form = await follow(admin, res);
      expect(form.text).toContain('has-error');
      expect(checked(form.text, 'followUpLock')).toBe(false);
      expect(await stored()).toBe(true);
    });
  });

  describe('ACL: stop after match', () => {
    let id: string;
    const path = () => `/admin/acl/${id}`;
    const fields = (extra: Record<string, string> = {}) => ({
      name: 'stopper',
      comment: '',
      description: '',
      validId: '1',
      configMatch: '',
      configChange: 'PossibleNot:\n  Action: [AgentTicketClose]\n',
      ...extra,
    });
    const stored = async () => bool((await one<{ stop_after_match: unknown }>('SELECT stop_after_match FROM acls WHERE id = ?', Number(id))).stop_after_match);

    beforeAll(async () => {
      expect((await submitForm(admin, '/admin/acl/new', fields({ stopAfterMatch: '1' }))).status).toBe(303);
      id = String((await one<{ id: number }>('SELECT id FROM acls WHERE name = ?', 'stopper')).id);
    });

    it('is cleared when saved unticked', async () => {
      expect(await stored()).toBe(true);
      expect((await submitForm(admin, path(), fields())).status).toBe(303);
      expect(await stored()).toBe(false);
      expect(checked((await admin.get(path()).expect(200)).text, 'stopAfterMatch')).toBe(false);
    });

    it('comes back unticked when the form is rejected (broken YAML), though still ticked in the database', async () => {
      await submitForm(admin, path(), fields({ stopAfterMatch: '1' }));
      const form = await follow(admin, await submitForm(admin, path(), fields({ configChange: 'PossibleNot: [' })));
      expect(form.text).toContain('has-error');
      expect(checked(form.text, 'stopAfterMatch')).toBe(false);
      expect(await stored()).toBe(true);
    });
  });

  describe('profile step 6: auto-reply and mentions', () => {
    let base: string;
    const stored = async () => {
      const row = await one<{ auto_reply_enabled: unknown; mentions_enabled: unknown }>(
        'SELECT auto_reply_enabled, mentions_enabled FROM social_media_profiles WHERE id = ?',
        Number(base.split('/')[4]),
      );
      return { autoReply: bool(row.auto_reply_enabled), mentions: bool(row.mentions_enabled) };
    };
    const raw = async () => String((await one<{ id: number }>('SELECT id FROM queues WHERE name = ?', 'Raw')).id);
    const fields = async (extra: Record<string, string> = {}) => ({ receivingMode: 'polling', targetQueueId: await raw(), autoReplyText: 'Thanks!', action: 'save', ...extra });

    beforeAll(async () => {
      const res = await submitForm(admin, '/admin/social-media-profiles/twitter/new', { name: 'Boxes', description: '' });
      base = res.headers.location.replace(/\/step\/1$/, '');
    });

    it('are cleared when saved unticked', async () => {
      expect((await submitForm(admin, `${base}/step/6`, await fields({ autoReplyEnabled: '1', mentionsEnabled: '1' }))).status).toBe(303);
      expect(await stored()).toEqual({ autoReply: true, mentions: true });
      expect((await submitForm(admin, `${base}/step/6`, await fields())).status).toBe(303);
      expect(await stored()).toEqual({ autoReply: false, mentions: false });
      const page = (await admin.get(`${base}/step/6`).expect(200)).text;
      expect([checked(page, 'autoReplyEnabled'), checked(page, 'mentionsEnabled')]).toEqual([false, false]);
    });

    it('come back as left when the page is shown again ("Add hashtag" without JavaScript, or a rejected queue)', async () => {
      await submitForm(admin, `${base}/step/6`, await fields({ autoReplyEnabled: '1', mentionsEnabled: '1' }));
      const variants: Record<string, string>[] = [{ action: 'add-hashtag' }, { targetQueueId: '' }];
      for (const extra of variants) {
        const res = await submitForm(admin, `${base}/step/6`, await fields({ mentionsEnabled: '1', ...extra }));
        const page = (await follow(admin, res)).text;
        expect({ extra, autoReply: checked(page, 'autoReplyEnabled'), mentions: checked(page, 'mentionsEnabled') }).toEqual({ extra, autoReply: false, mentions: true });
      }
      expect(await stored()).toEqual({ autoReply: true, mentions: true });
    });
  });
});
