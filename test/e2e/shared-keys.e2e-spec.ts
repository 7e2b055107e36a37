import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SecretsCipher } from '../../src/common/secrets-cipher';
import { Queue } from '../../src/queues/queue.entity';
import { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';

const KEY_1 = '11'.repeat(32);
const KEY_2 = '22'.repeat(32);
const MISMATCH = /^SECRETS_KEY does not match the key this database was set up with/;
const postgresUrl = process.env.DATABASE_URL;
const withApplicationName = (name: string) => `${postgresUrl}${postgresUrl?.includes('?') ? '&' : '?'}application_name=${name}`;

/** Only the settings the README asks for: no SESSION_SECRET (the test setup sets one for every other test). */
const onlyRequired = (secretsKey?: string, name = 'shared_keys'): Record<string, string> => ({
  SESSION_SECRET: '',
  SECRETS_KEY: secretsKey ?? '',
  ...(postgresUrl ? { DATABASE_URL: withApplicationName(name) } : {}),
});

function sidCookie(res: request.Response): string {
  const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sid='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0];
}

/** Logs in with plain requests and returns the session cookie, to hand to any instance. */
async function loginCookie(t: TestApp): Promise<string> {
  const server = t.app.getHttpServer();
  const page = await request(server).get('/login').expect(200);
  const res = await request(server)
    .post('/login')
    .set('Cookie', sidCookie(page))
    .type('form')
    .send({ _csrf: csrfTokenOf(page.text), login: 'root@localhost', password: 'admin-test-password' })
    .expect(303);
  expect(res.headers.location).toBe('/');
  return sidCookie(res);
}

describe('keys shared by design', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'socialdesk-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps everyone logged in across a restart, with no SESSION_SECRET set', async () => {
    const first = await createTestApp({ dataDir: dir, env: onlyRequired() });
    const cookie = await loginCookie(first);
    await first.close();
    const second = await createTestApp({ dataDir: dir, keepSchema: true, env: onlyRequired() });
    try {
      await request(second.app.getHttpServer()).get('/').set('Cookie', cookie).expect(200);
    } finally {
      await second.close();
    }
  });

  it('refuses to start an instance whose SECRETS_KEY does not match, with one clear line', async () => {
    const first = await createTestApp({ dataDir: dir, env: onlyRequired(KEY_1, 'keys_first') });
    try {
      const refusal = await createTestApp({ dataDir: dir, keepSchema: true, env: onlyRequired(KEY_2, 'keys_second') }).then(
        () => new Error('started'),
        (err: Error) => err,
      );
      expect(refusal.message).toMatch(MISMATCH);
      expect(refusal.message).not.toContain('\n');
      // Without SECRETS_KEY an instance makes a key of its own in its data folder: refused just the same.
      const withoutKey = await createTestApp({ dataDir: dir, keepSchema: true, env: onlyRequired(undefined, 'keys_third') }).then(
        () => new Error('started'),
        (err: Error) => err,
      );
      expect(withoutKey.message).toMatch(MISMATCH);
    } finally {
      await first.close();
    }
  });

  it('prints only that line on the console and exits with 1, when started as the app is started', async () => {
    const first = await createTestApp({ dataDir: dir, env: onlyRequired(KEY_1, 'keys_console') });
    await first.close();
    const env = {
      ...process.env,
      ...onlyRequired(KEY_2, 'keys_console_2'),
      DATA_DIR: dir,
      SQLITE_PATH: join(dir, 'test.sqlite'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DB_DROP_SCHEMA: 'false',
    };
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], { env, cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(MISMATCH);
  }, 60_000);

  it('lets a replaced key start after the documented reset, and asks for the secrets it can no longer read', async () => {
    const first = await createTestApp({ dataDir: dir, env: onlyRequired(KEY_1, 'keys_old') });
    const raw = await first.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(first, { targetQueueId: raw.id });
    await first.close();

    // docs/SECURITY.md, "Replacing a lost SECRETS_KEY".
    const reset = await createTestApp({ dataDir: dir, keepSchema: true, env: onlyRequired(KEY_1, 'keys_reset') });
    await reset.dataSource.query(`DELETE FROM shared_keys WHERE name = 'secrets-key-check'`);
    await reset.close();

    const t = await createTestApp({ dataDir: dir, keepSchema: true, env: onlyRequired(KEY_2, 'keys_new') });
    try {
      const server = t.app.getHttpServer();
      // The webhook answers, it does not fail: the profile has no usable secret now.
      await request(server)
        .get(`/webhooks/x/${profile.id}?crc_token=${'a'.repeat(40)}`)
        .expect(404);
      await request(server).post(`/webhooks/x/${profile.id}`).set('content-type', 'application/json').set('x-twitter-webhooks-signature', 'sha256=AAAA').send('{}').expect(404);

      const admin = browserLike(t.app);
      await logIn(admin);
      const step = `/admin/social-media-profiles/twitter/${profile.id}/step`;
      for (const n of [3, 4]) {
        const page = await admin.get(`${step}/${n}`).expect(200);
        expect(page.text).toContain('can no longer be decrypted');
        expect(page.text).not.toContain('A value is stored and is not shown');
      }
      const list = await admin.get('/admin/social-media-profiles').expect(200);
      expect(list.text).toContain(profile.name);

      // Leaving it empty is refused next to the field, not answered with a 500.
      const page3 = await admin.get(`${step}/3`).expect(200);
      const empty = await admin
        .post(`${step}/3`)
        .type('form')
        .send({ _csrf: csrfTokenOf(page3.text), consumerKey: profile.consumerKey, consumerSecret: '', action: 'save' });
      expect(empty.status).toBe(303);
      expect((await follow(admin, empty)).text).toMatch(/id="consumerSecret-error"/);

      const again = await admin
        .post(`${step}/3`)
        .type('form')
        .send({ _csrf: csrfTokenOf(page3.text), consumerKey: profile.consumerKey, consumerSecret: 'the-consumer-secret-entered-again', action: 'save' });
      expect(again.status).toBe(303);
      const after = await follow(admin, again);
      expect(after.status).toBe(200);
      expect(after.text).toContain('A value is stored and is not shown');
      const stored = await t.dataSource.getRepository(SocialMediaProfile).findOneByOrFail({ id: profile.id });
      expect(t.app.get(SecretsCipher).decrypt(stored.consumerSecretEncrypted!)).toBe('the-consumer-secret-entered-again');
    } finally {
      await t.close();
    }
  });
});

// Several app instances on one database only exist with PostgreSQL.
(postgresUrl ? describe : describe.skip)('two instances on one PostgreSQL database, set up as the README says', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({ env: onlyRequired(KEY_1, 'sessions_a') });
    b = await createTestApp({ keepSchema: true, env: onlyRequired(KEY_1, 'sessions_b') });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('share sessions with only DATABASE_URL and SECRETS_KEY set: logged in on one, working on the other', async () => {
    const cookie = await loginCookie(a);
    const onB = await request(b.app.getHttpServer()).get('/admin/queues/new').set('Cookie', cookie).expect(200);
    // A form from one instance posts to the other: the CSRF token lives in the shared session.
    const saved = await request(a.app.getHttpServer())
      .post('/admin/queues/new')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrfTokenOf(onB.text), name: 'Shared', groupId: '1', followUp: 'possible', comment: '', validity: 'valid' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/queues');
    await request(b.app.getHttpServer()).get('/').set('Cookie', cookie).expect(200);
  });
});
