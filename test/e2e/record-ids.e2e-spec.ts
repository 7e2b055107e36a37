import request from 'supertest';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, logIn } from '../utils/http';

/** Ids no record can have: beyond PostgreSQL's integer, far beyond, not a number, zero. */
const IMPOSSIBLE_IDS = ['2147483648', '99999999999999999999', 'abc', '0'];

const ADMIN_PAGES = [
  '/admin/agents/:id',
  '/admin/groups/:id',
  '/admin/queues/:id',
  '/admin/social-media-profiles/twitter/:id',
  '/admin/social-media-profiles/twitter/:id/step/1',
  '/admin/acl/:id',
  '/admin/acl/:id/delete',
  '/admin/inbox/:id',
  '/tickets/:id',
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
    for (const id of [...IMPOSSIBLE_IDS, '987654']) {
      const res = await client.get(template.replace(':id', id));
      expect({ id, status: res.status }).toEqual({ id, status: 404 });
    }
  });

  it('answers 404, not 500, to a form posted to an impossible id', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    const csrf = csrfTokenOf((await client.get('/admin/queues').expect(200)).text);
    for (const path of ['/admin/queues/2147483648', '/tickets/2147483648/note', '/tickets/1/articles/99999999999999999999/resend', '/admin/inbox/2147483648/retry']) {
      const res = await client.post(path).type('form').send({ _csrf: csrf, body: 'x', name: 'x' });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  it('answers 404 on the unauthenticated webhook for an impossible profile id', async () => {
    for (const id of IMPOSSIBLE_IDS) {
      await request(t.app.getHttpServer()).get(`/webhooks/x/${id}?crc_token=abc`).expect(404);
      await request(t.app.getHttpServer()).post(`/webhooks/x/${id}`).set('x-twitter-webhooks-signature', 'sha256=x').send('{}').expect(404);
    }
  });
});
