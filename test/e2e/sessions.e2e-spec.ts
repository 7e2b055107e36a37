import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AgentsService } from '../../src/agents/agents.service';
import { AgentSessionsService } from '../../src/agents/agent-sessions.service';
import { ADMIN, createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, logIn, submitForm } from '../utils/http';

describe('sessions end when the password changes or the agent is set invalid', () => {
  let t: TestApp;
  let admin: TestAgent;
  let adminGroupId: number;

  beforeAll(async () => {
    t = await createTestApp();
    admin = browserLike(t.app);
    await logIn(admin);
    const [group] = await t.dataSource.query(`SELECT id FROM groups WHERE name = 'admin'`);
    adminGroupId = Number(group.id);
  });
  afterAll(() => t.close());

  let n = 0;
  async function newAgent(password = 'first-password') {
    const login = `agent${++n}@localhost`;
    const agent = await t.app.get(AgentsService).create({ login, name: `Agent ${n}`, password });
    return { id: agent.id, login, password };
  }

  async function loggedInClients(login: string, password: string, count: number): Promise<TestAgent[]> {
    const clients = Array.from({ length: count }, () => browserLike(t.app));
    for (const client of clients) await logIn(client, login, password);
    return clients;
  }

  /** Whether the client's session still opens the dashboard (not the way to the login page). */
  async function stillLoggedIn(client: TestAgent): Promise<boolean> {
    const res = await client.get('/');
    if (res.status === 200) return true;
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
    return false;
  }

  async function sessionRowsOf(userId: number): Promise<number> {
    const [row] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM http_sessions WHERE user_id = ${Number(userId)}`);
    return Number(row.n);
  }

  const agentForm = (a: { login: string }, changes: Record<string, string> = {}) => ({ login: a.login, name: 'Someone', email: '', language: 'en', password: '', validity: 'valid', ...changes });

  it('ends every session of an agent whose password an admin resets', async () => {
    const anna = await newAgent();
    const clients = await loggedInClients(anna.login, anna.password, 2);
    expect(await sessionRowsOf(anna.id)).toBe(2);

    const res = await submitForm(admin, `/admin/agents/${anna.id}`, agentForm(anna, { password: 'a-new-password' }));
    expect(res.status).toBe(303);

    for (const client of clients) expect(await stillLoggedIn(client)).toBe(false);
    expect(await sessionRowsOf(anna.id)).toBe(0);
    expect(await stillLoggedIn(admin)).toBe(true);
    await logIn(browserLike(t.app), anna.login, 'a-new-password');
  });

  it('keeps the sessions when an admin changes anything but the password', async () => {
    const bob = await newAgent();
    const [client] = await loggedInClients(bob.login, bob.password, 1);
    await submitForm(admin, `/admin/agents/${bob.id}`, agentForm(bob, { name: 'Bob Renamed' }));
    expect(await stillLoggedIn(client)).toBe(true);
  });

  it('ends every session of an agent set invalid, and they stay ended when the agent is valid again', async () => {
    const carl = await newAgent();
    const [client] = await loggedInClients(carl.login, carl.password, 1);
    await submitForm(admin, `/admin/agents/${carl.id}`, agentForm(carl, { validity: 'invalid-temporarily' }));
    expect(await sessionRowsOf(carl.id)).toBe(0);
    await submitForm(admin, `/admin/agents/${carl.id}`, agentForm(carl, { validity: 'valid' }));
    expect(await stillLoggedIn(client)).toBe(false);
  });

  it('refuses an ended session even when a request that was under way writes it back', async () => {
    const dora = await newAgent();
    const [client] = await loggedInClients(dora.login, dora.password, 1);
    const rows = await t.dataSource.query(`SELECT id, data, expires_at, user_id FROM http_sessions WHERE user_id = ${dora.id}`);
    expect(rows).toHaveLength(1);

    await submitForm(admin, `/admin/agents/${dora.id}`, agentForm(dora, { password: 'another-password' }));
    // What express-session does when a request that loaded the session before the reset ends after it.
    const { id, data, expires_at: expiresAt, user_id: userId } = rows[0];
    const insert =
      t.config.database.kind === 'postgres'
        ? 'INSERT INTO http_sessions (id, data, expires_at, user_id) VALUES ($1, $2, $3, $4)'
        : 'INSERT INTO http_sessions (id, data, expires_at, user_id) VALUES (?, ?, ?, ?)';
    await t.dataSource.query(insert, [id, data, expiresAt, userId]);

    expect(await stillLoggedIn(client)).toBe(false);
  });

  it('keeps the session of an admin who changes their own password, and ends their other sessions', async () => {
    const root = await newAgent();
    await t.app.get(AgentsService).setMembership(root.id, adminGroupId, 'rw');
    const [here, elsewhere] = await loggedInClients(root.login, root.password, 2);
    const res = await submitForm(here, `/admin/agents/${root.id}`, { ...agentForm(root, { password: 'my-own-new-password' }), [`memberships[g${adminGroupId}]`]: 'rw' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/agents');
    expect(await stillLoggedIn(here)).toBe(true);
    expect(await stillLoggedIn(elsewhere)).toBe(false);
    expect(await sessionRowsOf(root.id)).toBe(1);
  });

  it('offers other features one call that ends the sessions of an agent (the admin edit above keeps its own through it)', async () => {
    const emil = await newAgent();
    const clients = await loggedInClients(emil.login, emil.password, 3);
    await t.app.get(AgentSessionsService).endSessions(emil.id);
    for (const client of clients) expect(await stillLoggedIn(client)).toBe(false);
    expect(await sessionRowsOf(emil.id)).toBe(0);
  });

  it('keeps no session id in the clear in the database', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    const cookie = client.jar.getCookie('sid', { domain: '127.0.0.1', path: '/', secure: false, script: false })!.toString();
    const sid = /^s:([^.]+)\./.exec(decodeURIComponent(/sid=([^;]+)/.exec(cookie)![1]))![1];
    const rows: { id: string }[] = await t.dataSource.query('SELECT id FROM http_sessions');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.id === sid)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id))).toBe(true);
  });

  it('logs out without leaving the old session behind', async () => {
    const fina = await newAgent();
    const [client] = await loggedInClients(fina.login, fina.password, 1);
    const page = await client.get('/').expect(200);
    await client
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text) })
      .expect(303);
    expect(await sessionRowsOf(fina.id)).toBe(0);
  });

  it('ends the sessions of the admin too: nothing special about root', async () => {
    const others = await loggedInClients(ADMIN.login, ADMIN.password, 1);
    const [root] = await t.dataSource.query(`SELECT id FROM users WHERE login = 'root@localhost'`);
    await t.app.get(AgentSessionsService).endSessions(Number(root.id));
    expect(await stillLoggedIn(others[0])).toBe(false);
    expect(await stillLoggedIn(admin)).toBe(false);
    await logIn(admin);
  });

  it('gives a new session id at login, so a session id planted before login is worth nothing', async () => {
    const victim = browserLike(t.app);
    const page = await victim.get('/login').expect(200);
    const planted = (page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sid='))!.split(';')[0];
    const res = await victim
      .post('/login')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), login: ADMIN.login, password: ADMIN.password })
      .expect(303);
    const issued = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sid='))!.split(';')[0];
    expect(issued).not.toBe(planted);
    const attacker = await request(t.app.getHttpServer()).get('/').set('Cookie', planted);
    expect(attacker.status).toBe(303);
    expect(attacker.headers.location).toMatch(/^\/login/);
  });
});
