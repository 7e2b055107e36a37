import type { TestingModuleBuilder } from '@nestjs/testing';
import { Clock } from '../../src/common/clock';
import { AgentsService } from '../../src/agents/agents.service';
import { ADMIN, createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn, submitForm } from '../utils/http';

class TestClock extends Clock {
  current = Date.UTC(2026, 10, 21, 12, 0, 0);
  override now(): number {
    return this.current;
  }
}

describe('login and logout', () => {
  let t: TestApp;
  const clock = new TestClock();

  beforeAll(async () => {
    t = await createTestApp({ override: (b: TestingModuleBuilder) => b.overrideProvider(Clock).useValue(clock) });
  });
  afterAll(() => t.close());

  it('sends visitors to the login page and back where they wanted to go', async () => {
    const client = browserLike(t.app);
    const res = await client.get('/admin/queues').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fqueues');
    const page = await client.get(res.headers.location).expect(200);
    const login = await client
      .post('/login?next=%2Fadmin%2Fqueues')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), login: ADMIN.login, password: ADMIN.password, next: '/admin/queues' });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/admin/queues');
  });

  it('logs the seeded admin in and out', async () => {
    const client = browserLike(t.app);
    await logIn(client);
    const dashboard = await client.get('/').expect(200);
    expect(dashboard.text).toContain('Welcome, Administrator.');
    const logout = await client
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfTokenOf(dashboard.text) })
      .expect(303);
    const loginPage = await follow(client, logout);
    expect(loginPage.text).toContain('You have been logged out.');
    await client.get('/').expect(303);
  });

  it('answers a wrong password and an unknown login with the same message, keeping the typed login', async () => {
    const client = browserLike(t.app);
    const wrongPassword = await follow(client, await submitForm(client, '/login', { login: ADMIN.login, password: 'nope' }));
    const unknownLogin = await follow(client, await submitForm(client, '/login', { login: 'ghost@localhost', password: 'nope' }));
    expect(wrongPassword.text).toContain('Login failed: the login or the password is wrong.');
    expect(unknownLogin.text).toContain('Login failed: the login or the password is wrong.');
    expect(unknownLogin.text).toContain('value="ghost@localhost"');
    expect(unknownLogin.text).not.toContain('value="nope"');
  });

  it('refuses a login after five failures within 15 minutes, even with the right password, until the window passes', async () => {
    const client = browserLike(t.app);
    const login = 'throttled@localhost';
    await t.app.get(AgentsService).create({ login, name: 'T', password: 'right-password' });
    for (let i = 0; i < 5; i++) {
      clock.current += 60_000;
      await submitForm(client, '/login', { login, password: 'wrong' });
    }
    const refused = await follow(client, await submitForm(client, '/login', { login, password: 'right-password' }));
    expect(refused.text).toContain('Too many failed logins. Please try again in 11 minutes.');

    clock.current += 11 * 60_000;
    const accepted = await submitForm(client, '/login', { login, password: 'right-password' });
    expect(accepted.headers.location).toBe('/');
  });

  it('counts failures for logins that do not exist, so the lock tells nothing', async () => {
    const client = browserLike(t.app);
    for (let i = 0; i < 5; i++) await submitForm(client, '/login', { login: 'nobody@localhost', password: 'x' });
    const refused = await follow(client, await submitForm(client, '/login', { login: 'nobody@localhost', password: 'x' }));
    expect(refused.text).toContain('Too many failed logins');
  });

  it('never redirects to another site after login', async () => {
    const client = browserLike(t.app);
    const res = await submitForm(client, '/login', { login: ADMIN.login, password: ADMIN.password, next: '//evil.example/' });
    expect(res.headers.location).toBe('/');
  });
});
