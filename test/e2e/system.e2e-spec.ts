import request from 'supertest';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, logIn } from '../utils/http';

describe('database, seed data and migrations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('runs every migration and leaves no difference between entities and schema', async () => {
    expect(await t.dataSource.showMigrations()).toBe(false);
    const pending = await t.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('seeds the groups, the queues and the administrator of a fresh system', async () => {
    const groups = (await t.dataSource.query('SELECT name FROM groups ORDER BY name')).map((r: { name: string }) => r.name);
    expect(groups).toEqual(['admin', 'twitter', 'users']);
    const queues = await t.dataSource.query('SELECT name, follow_up FROM queues ORDER BY name');
    expect(queues).toEqual(['Junk', 'Misc', 'Postmaster', 'Raw'].map((name) => ({ name, follow_up: 'possible' })));
    const memberships = await t.dataSource.query(
      `SELECT g.name, m.permission FROM user_groups m JOIN users u ON u.id = m.user_id JOIN groups g ON g.id = m.group_id WHERE u.login = 'root@localhost' ORDER BY g.name`,
    );
    expect(memberships).toEqual([
      { name: 'admin', permission: 'rw' },
      { name: 'users', permission: 'rw' },
    ]);
  });

  it('stores only an argon2id hash of the admin password', async () => {
    const [root] = await t.dataSource.query(`SELECT password_hash FROM users WHERE login = 'root@localhost'`);
    expect(root.password_hash).toMatch(/^\$argon2id\$/);
    expect(root.password_hash).not.toContain('admin-test-password');
  });

  it('keeps sessions in the database, so any app instance can serve them', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    const [{ count }] = await t.dataSource.query('SELECT COUNT(*) AS count FROM http_sessions');
    expect(Number(count)).toBeGreaterThan(0);
  });
});

describe('HTTP hygiene', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('sets a CSP that allows only this origin, and the usual helmet headers', async () => {
    const res = await request(t.app.getHttpServer()).get('/login').expect(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('gives the session cookie HttpOnly and SameSite=Lax', async () => {
    const res = await request(t.app.getHttpServer()).get('/login').expect(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sid='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('answers every request with a request id, keeping one given by a proxy', async () => {
    const server = t.app.getHttpServer();
    const fresh = await request(server).get('/healthz');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await request(server).get('/healthz').set('x-request-id', 'lb-1234');
    expect(given.headers['x-request-id']).toBe('lb-1234');
  });

  it('has no delete route: DELETE changes nothing', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    const token = csrfTokenOf((await client.get('/admin/queues/1')).text);
    await client.delete('/admin/queues/1').set('x-csrf-token', token).expect(404);
    expect(await t.dataSource.query('SELECT id FROM queues WHERE id = 1')).toHaveLength(1);
  });

  it('serves the stylesheet', async () => {
    await request(t.app.getHttpServer()).get('/public/app.css').expect(200).expect('content-type', /css/);
  });

  it('has a favicon: linked from the login page and every signed-in page, and at /favicon.ico for the rest', async () => {
    const server = t.app.getHttpServer();
    const icon = '<link rel="icon" href="/public/favicon.svg" type="image/svg+xml">';
    expect((await request(server).get('/login').expect(200)).text).toContain(icon);
    const client = browserLike(t.app);
    await logIn(client);
    for (const path of ['/', '/tickets', '/admin', '/no-such-page']) expect((await client.get(path)).text).toContain(icon);
    await request(server)
      .get('/public/favicon.svg')
      .expect(200)
      .expect('content-type', /image\/svg\+xml/);
    const ico = await request(server)
      .get('/favicon.ico')
      .buffer(true)
      .expect(200)
      .expect('content-type', /image\/(x-icon|vnd\.microsoft\.icon)/);
    // An ICO file: reserved 0, type 1, and at least one image.
    expect([ico.body.readUInt16LE(0), ico.body.readUInt16LE(2), ico.body.readUInt16LE(4) > 0]).toEqual([0, 1, true]);
    await request(server).post('/favicon.ico').expect(403);
  });

  it('shows the signed-in agent by name in the header, apart from the navigation', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    const page = (await client.get('/admin').expect(200)).text;
    expect(page).toMatch(/<a href="\/preferences" class="account-name"[^>]*>.*<span class="visually-hidden">Signed in as <\/span><span class="name">Administrator<\/span><\/a>/);
    expect(page).toContain('<a href="/admin" data-test="nav-admin" aria-current="page">Admin</a>');
    expect(page).not.toMatch(/>Admin<\/a>\s*<\/nav>\s*<div class="account">\s*<a[^>]*>Admin</);
  });

  it('reports the database up on /healthz, and 503 once it is gone', async () => {
    const server = t.app.getHttpServer();
    const up = await request(server).get('/healthz').expect(200);
    expect(up.body).toEqual({ status: 'ok', database: 'up' });
    await t.dataSource.destroy();
    const down = await request(server).get('/healthz').expect(503);
    expect(down.body).toEqual({ status: 'error', database: 'down' });
  });
});
