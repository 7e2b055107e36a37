import type { TestingModuleBuilder } from '@nestjs/testing';
import type TestAgent from 'supertest/lib/agent';
import { PasswordHasher } from '../../src/agents/password-hasher';
import { Clock } from '../../src/common/clock';
import { AgentsService } from '../../src/agents/agents.service';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow } from '../utils/http';

/** The real argon2 hasher, counting how often a password is actually checked. */
class CountingHasher extends PasswordHasher {
  checks = 0;
  override async verify(passwordHash: string, password: string): Promise<boolean> {
    this.checks += 1;
    return super.verify(passwordHash, password);
  }
}

class TestClock extends Clock {
  current = Date.UTC(2026, 10, 21, 12, 0, 0);
  override now(): number {
    return this.current;
  }
}

const LOCKED = 'Too many failed logins';
const WINDOW_MS = 15 * 60_000;

/** Clients that already hold a login page (session + CSRF token), so their posts can leave at the same moment. */
async function readyClients(apps: TestApp[], n: number): Promise<{ client: TestAgent; csrf: string }[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const client = browserLike(apps[i % apps.length].app);
      const page = await client.get('/login').expect(200);
      return { client, csrf: csrfTokenOf(page.text) };
    }),
  );
}

async function loginWith(client: TestAgent, csrf: string, login: string, password: string) {
  return client.post('/login').type('form').send({ _csrf: csrf, login, password });
}

async function loginPageAfter(client: TestAgent, login: string, password: string): Promise<string> {
  const page = await client.get('/login').expect(200);
  const res = await loginWith(client, csrfTokenOf(page.text), login, password);
  return res.status === 303 && res.headers.location === '/' ? 'logged in' : (await follow(client, res)).text;
}

function withCounting(hasher: CountingHasher, clock: TestClock) {
  return (b: TestingModuleBuilder) => b.overrideProvider(PasswordHasher).useValue(hasher).overrideProvider(Clock).useValue(clock);
}

describe('login throttling under concurrency', () => {
  let t: TestApp;
  const hasher = new CountingHasher();
  const clock = new TestClock();

  beforeAll(async () => {
    t = await createTestApp({ override: withCounting(hasher, clock) });
    await t.app.get(AgentsService).create({ login: 'parallel@localhost', name: 'P', password: 'right-password' });
    await t.app.get(AgentsService).create({ login: 'sprayed@localhost', name: 'S', password: 'right-password' });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    // Each test starts a window of its own.
    clock.current += 2 * WINDOW_MS;
    hasher.checks = 0;
  });

  it('checks at most 5 of 40 parallel wrong passwords for one login, then refuses the right one while locked', async () => {
    const clients = await readyClients([t], 40);
    const answers = await Promise.all(clients.map(({ client, csrf }) => loginWith(client, csrf, 'parallel@localhost', 'wrong')));
    expect(answers.every((res) => res.status === 303 && res.headers.location === '/login')).toBe(true);
    expect(hasher.checks).toBeLessThanOrEqual(5);
    expect(hasher.checks).toBeGreaterThan(0);

    const checksBefore = hasher.checks;
    expect(await loginPageAfter(browserLike(t.app), 'parallel@localhost', 'right-password')).toContain(LOCKED);
    expect(hasher.checks).toBe(checksBefore);

    clock.current += WINDOW_MS + 1;
    expect(await loginPageAfter(browserLike(t.app), 'parallel@localhost', 'right-password')).toBe('logged in');
  });

  it('limits one address spraying many logins, with the same answer as a locked login', async () => {
    const clients = await readyClients([t], 40);
    // 40 different logins, each tried once: the per-login limit never bites, the per-address one does.
    await Promise.all(clients.map(({ client, csrf }, i) => loginWith(client, csrf, `victim${i}@localhost`, 'Winter2026!')));
    expect(hasher.checks).toBeLessThanOrEqual(20);
    const refused = await loginPageAfter(browserLike(t.app), 'sprayed@localhost', 'right-password');
    expect(refused).toContain(LOCKED);
    expect(refused).toMatch(/try again in \d+ minutes/);
  });

  it('does not count successful logins against the address', async () => {
    for (let i = 0; i < 30; i++) expect(await loginPageAfter(browserLike(t.app), 'sprayed@localhost', 'right-password')).toBe('logged in');
  });

  it('lets a refused attempt not extend the lock', async () => {
    for (let i = 0; i < 5; i++) await loginPageAfter(browserLike(t.app), 'parallel@localhost', 'wrong');
    for (let i = 0; i < 10; i++) {
      clock.current += 60_000;
      expect(await loginPageAfter(browserLike(t.app), 'parallel@localhost', 'wrong')).toContain(LOCKED);
    }
    clock.current += WINDOW_MS - 10 * 60_000 + 1;
    expect(await loginPageAfter(browserLike(t.app), 'parallel@localhost', 'right-password')).toBe('logged in');
  });
});

const postgresUrl = process.env.DATABASE_URL;
const withApplicationName = (name: string) => `${postgresUrl}${postgresUrl?.includes('?') ? '&' : '?'}application_name=${name}`;

// Several app instances on one database only exist with PostgreSQL.
(postgresUrl ? describe : describe.skip)('login throttling across two instances on one PostgreSQL database', () => {
  let a: TestApp;
  let b: TestApp;
  const hasherA = new CountingHasher();
  const hasherB = new CountingHasher();
  const clock = new TestClock();
  const SECRETS_KEY = 'cd'.repeat(32);

  beforeAll(async () => {
    a = await createTestApp({ env: { SECRETS_KEY, DATABASE_URL: withApplicationName('throttle_a') }, override: withCounting(hasherA, clock) });
    b = await createTestApp({ keepSchema: true, env: { SECRETS_KEY, DATABASE_URL: withApplicationName('throttle_b') }, override: withCounting(hasherB, clock) });
    await a.app.get(AgentsService).create({ login: 'shared@localhost', name: 'S', password: 'right-password' });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('checks at most 5 of 60 parallel wrong passwords spread over both instances, and both refuse the right one', async () => {
    const clients = await readyClients([a, b], 60);
    await Promise.all(clients.map(({ client, csrf }) => loginWith(client, csrf, 'shared@localhost', 'wrong')));
    expect(hasherA.checks + hasherB.checks).toBeLessThanOrEqual(5);
    expect(await loginPageAfter(browserLike(a.app), 'shared@localhost', 'right-password')).toContain(LOCKED);
    expect(await loginPageAfter(browserLike(b.app), 'shared@localhost', 'right-password')).toContain(LOCKED);
  });
});
