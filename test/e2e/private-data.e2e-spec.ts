import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { dmBody, signed } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket } from '../factories/ticket.factory';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, logIn } from '../utils/http';

const onSqlite = !process.env.DATABASE_URL;
const mode = (path: string) => statSync(path).mode & 0o777;

describe('DATA_DIR is private', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'socialdesk-files-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** The files the running app keeps in its data folder. */
  function dataFiles(dir: string): string[] {
    const files = [join(dir, 'secrets.key')];
    if (onSqlite) files.push(join(dir, 'test.sqlite'), join(dir, 'test.sqlite-wal'), join(dir, 'test.sqlite-shm'));
    return files;
  }

  it('makes a new data folder 0700 and everything in it 0600 (database, WAL, shared memory, secrets.key)', async () => {
    const dir = join(root, 'data');
    const t = await createTestApp({ dataDir: dir });
    try {
      await logIn(browserLike(t.app));
      expect(mode(dir)).toBe(0o700);
      for (const file of dataFiles(dir)) {
        expect(existsSync(file)).toBe(true);
        expect([file, mode(file)]).toEqual([file, 0o600]);
      }
    } finally {
      await t.close();
    }
  });

  it('tightens the data folder and files of an existing install at start', async () => {
    const dir = join(root, 'data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const leftovers = [join(dir, 'secrets.key'), ...(onSqlite ? [join(dir, 'test.sqlite'), join(dir, 'test.sqlite-wal')] : [])];
    writeFileSync(join(dir, 'secrets.key'), 'ef'.repeat(32) + '\n');
    if (onSqlite) {
      writeFileSync(join(dir, 'test.sqlite'), '');
      writeFileSync(join(dir, 'test.sqlite-wal'), '');
    }
    for (const file of leftovers) chmodSync(file, 0o644);

    const t = await createTestApp({ dataDir: dir });
    try {
      expect(mode(dir)).toBe(0o700);
      for (const file of dataFiles(dir)) expect([file, mode(file)]).toEqual([file, 0o600]);
    } finally {
      await t.close();
    }
  });
});

describe('no authenticated page is kept in a cache', () => {
  let t: TestApp;
  let ticketId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(t, { targetQueueId: raw.id });
    ticketId = (await insertTicket(t, { profileId: profile.id, queueId: raw.id, channel: 'dm', title: 'Private matter' })).ticket.id;
    const account = { id: profile.accountId!, handle: 'acme_support', name: 'ACME' };
    const { body } = dmBody({ forUserId: account.id, from: { id: '1850000000000000999', handle: 'cust', name: 'Cust' }, to: account, text: 'hello' });
    await request(t.app.getHttpServer())
      .post(`/webhooks/x/${profile.id}`)
      .set('content-type', 'application/json')
      .set('x-twitter-webhooks-signature', signed(body, 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw').signature)
      .send(body)
      .expect(200);
    await t.app.get(InboxWorker).drain();
  });
  afterAll(() => t.close());

  it('sends Cache-Control: no-store on every page an admin reaches by following links, so Back after logout shows no ticket', async () => {
    const admin = browserLike(t.app);
    await logIn(admin);
    const seen = new Map<string, { status: number; cacheControl: string | undefined }>();
    const queue = ['/', `/tickets/${ticketId}`, '/tickets/999999', '/admin/no-such-page'];
    while (queue.length > 0 && seen.size < 400) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      const res = await admin.get(path);
      seen.set(path, { status: res.status, cacheControl: res.headers['cache-control'] });
      const type = String(res.headers['content-type'] ?? '');
      if (!type.startsWith('text/html')) continue;
      for (const [, href] of res.text.matchAll(/href="(\/[^"#]*)"/g)) {
        const link = href.replace(/&amp;/g, '&');
        if (!link.startsWith('/public/') && !seen.has(link)) queue.push(link);
      }
    }
    const pages = [...seen.entries()];
    expect(pages.length).toBeGreaterThan(30);
    expect(pages.filter(([, r]) => r.status === 200).length).toBeGreaterThan(25);
    expect(pages.filter(([, r]) => r.cacheControl !== 'no-store')).toEqual([]);
    expect(seen.get(`/tickets/${ticketId}`)?.status).toBe(200);
    expect(seen.has('/admin/inbox/1')).toBe(true);

    // Back after logout asks the server again, which sends the way to the login page instead.
    const page = await admin.get('/').expect(200);
    await admin
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text) })
      .expect(303);
    const back = await admin.get(`/tickets/${ticketId}`).expect(303);
    expect(back.headers['cache-control']).toBe('no-store');
    expect(back.headers.location).toMatch(/^\/login/);
  });

  it('lets the browser cache the static files, which hold nothing private', async () => {
    const res = await request(t.app.getHttpServer()).get('/public/app.css').expect(200);
    expect(res.headers['cache-control']).not.toBe('no-store');
  });
});
