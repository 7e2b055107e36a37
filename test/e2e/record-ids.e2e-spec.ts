import request from 'supertest';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, logIn, submitForm } from '../utils/http';

/** Ids no record can have: beyond PostgreSQL's integer, far beyond, not a number, zero, negative. */
const IMPOSSIBLE_IDS = ['2147483648', '99999999999', '99999999999999999999', 'abc', '0', '-1'];
/**
 * Other spellings of id 1, which exists for agents, groups and queues: JavaScript's Number() reads
 * them all as 1, but a URL names a record by its digits only.
 */
const ALIASES_OF_1 = ['1e0', '0x1', '1.0', '+1', '01', '%201'];

const ADMIN_PAGES = [
  '/admin/agents/:id',
  '/admin/groups/:id',
  '/admin/queues/:id',
  '/admin/social-media-profiles/twitter/:id',
  '/admin/social-media-profiles/twitter/:id/step/1',
  '/admin/social-media-profiles/twitter/:id/step/6',
  '/admin/acl/:id',
  '/admin/acl/:id/delete',
  '/admin/acl/delete?id=:id',
  '/admin/acl/export?id=:id',
  '/admin/inbox/:id',
  '/tickets/:id',
  '/tickets/:id/attachments/1',
];

describe('ids in URLs that name no record', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each(ADMIN_PAGES)('%s answers 404 for impossible ids, and for an id that does not exist', async (template) => {
    const client = browserLike(t.app);
    await logIn(client);
    for (const id of [...IMPOSSIBLE_IDS, ...ALIASES_OF_1, '987654']) {
      const res = await client.get(template.replace(':id', id));
      expect({ id, status: res.status }).toEqual({ id, status: 404 });
    }
  });

  it('answers 404 for a step that is not one of the six, however it is spelt', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    const created = await submitForm(client, '/admin/social-media-profiles/twitter/new', { name: 'Steps', description: '' });
    const base = created.headers.location.replace(/\/1$/, '');
    await client.get(`${base}/1`).expect(200);
    const csrf = csrfTokenOf((await client.get(`${base}/1`)).text);
    for (const step of ['0', '7', 'general', ...ALIASES_OF_1]) {
      const shown = await client.get(`${base}/${step}`);
      const posted = await client.post(`${base}/${step}`).type('form').send({ _csrf: csrf, action: 'next' });
      expect({ step, shown: shown.status, posted: posted.status }).toEqual({ step, shown: 404, posted: 404 });
    }
  });

  it('answers 404 when a selection of ACLs names one that does not exist, shown or posted, as for one ACL', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    await submitForm(client, '/admin/acl/new', { name: 'kept', validId: '1', configMatch: '', configChange: 'PossibleNot:\n  Action: [AgentTicketClose]\n' });
    const [{ id }] = await t.dataSource.query<{ id: number }[]>(`SELECT id FROM acls WHERE name = 'kept'`);
    await client.get(`/admin/acl/delete?id=${id}`).expect(200);
    await client.get(`/admin/acl/delete?id=${id}&id=987654`).expect(404);
    await client.get(`/admin/acl/export?id=${id}&id=987654`).expect(404);
    const csrf = csrfTokenOf((await client.get(`/admin/acl/delete?id=${id}`)).text);
    await client
      .post('/admin/acl/delete')
      .type('form')
      .send({ _csrf: csrf, id: [String(id), '987654'] })
      .expect(404);
    await client.post('/admin/acl/987654/delete').type('form').send({ _csrf: csrf }).expect(404);
    expect(await t.dataSource.query(`SELECT name FROM acls`)).toEqual([{ name: 'kept' }]);
  });

  it('answers 404 for an export part that is not one of the parts (the parts are still current)', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    await submitForm(client, '/admin/acl/new', { name: 'exported', validId: '1', configMatch: '', configChange: 'PossibleNot:\n  Action: [AgentTicketClose]\n' });
    const parts = (await client.get('/admin/acl/export/parts').expect(200)).text;
    const href = /href="(\/admin\/acl\/export\?[^"]+)"/
      .exec(parts)![1]
      .replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');
    await client.get(href).expect(200);
    for (const [name, value] of [
      ['start', '-1'],
      ['start', '99999999999'],
      ['start', 'abc'],
      ['count', '0'],
      ['count', '99999999999'],
    ]) {
      const url = new URL(href, 'http://x');
      url.searchParams.set(name, value);
      const res = await client.get(url.pathname + url.search);
      expect({ name, value, status: res.status }).toEqual({ name, value, status: 404 });
    }
  });

  it('answers 404, not 500, to a form posted to an impossible id', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    const csrf = csrfTokenOf((await client.get('/admin/queues').expect(200)).text);
    const paths = [
      '/admin/queues/2147483648',
      '/admin/agents/-1',
      '/admin/groups/1e0',
      '/admin/acl/abc/delete',
      '/admin/social-media-profiles/twitter/99999999999/receiving/check',
      '/admin/social-media-profiles/twitter/0x1/sign-in-with-x',
      '/tickets/2147483648/note',
      '/tickets/-1/lock',
      '/tickets/1/articles/99999999999999999999/resend',
      '/admin/inbox/2147483648/retry',
    ];
    for (const path of paths) {
      const res = await client.post(path).type('form').send({ _csrf: csrf, body: 'x', name: 'x' });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    // The page a refused resend lands on checks the article id as well.
    expect((await client.get('/tickets/1/articles/abc/resend')).status).toBe(404);
  });

  it('answers 404 on the unauthenticated webhook for an impossible profile id', async () => {
    for (const id of IMPOSSIBLE_IDS) {
      await request(t.app.getHttpServer()).get(`/webhooks/x/${id}?crc_token=abc`).expect(404);
      await request(t.app.getHttpServer()).post(`/webhooks/x/${id}`).set('x-twitter-webhooks-signature', 'sha256=x').send('{}').expect(404);
    }
  });
});
