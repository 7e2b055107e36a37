import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AclFilterService } from '../../src/acl/acl-filter.service';
import { uploadParsing } from '../../src/acl/acl-upload';
import { StoredAcl } from '../../src/acl/acl.entity';
import { WorkPacer } from '../../src/acl/work-pacer';
import { AgentsService } from '../../src/agents/agents.service';
import { GroupsService } from '../../src/agents/groups.service';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';

// Large ACL sets over HTTP (docs/ACL.md, "Large sets"), and the order of checks on the upload.

/**
 * `count` small ACLs, one per line (flow style inside a block list, as YAML allows), so that
 * 10,000 fit one upload of 1 MiB; every tenth has a condition.
 */
function aclFile(from: number, count: number): string {
  const lines = ['---'];
  for (let i = from; i < from + count; i++) {
    const match = i % 10 === 0 ? ` ConfigMatch: {Properties: {User: {Group_rw: ['[Not]g${i}']}}},` : '';
    lines.push(`- {Name: acl-${String(i).padStart(5, '0')},${match} ConfigChange: {PossibleNot: {Ticket: {Queue: [Q${i % 50}]}}}}`);
  }
  return `${lines.join('\n')}\n`;
}

function importActionOf(html: string): string {
  return /<form method="post" action="(\/admin\/acl\/import\?_csrf=[^"]+)"/.exec(html)![1];
}

/** supertest leaves unknown content types unread; a download is text here. */
function asText(res: request.Response, done: (err: Error | null, body: string) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => done(null, body));
}

describe('large ACL sets', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    const agents = t.app.get(AgentsService);
    const users = (await t.app.get(GroupsService).findByName('users'))!;
    const otto = await agents.create({ login: 'otto', name: 'Otto Other', password: 'otto-password' });
    await agents.setMembership(otto.id, users.id, 'rw');
  }, 60_000);
  afterAll(() => t.close());
  beforeEach(() => t.dataSource.getRepository(StoredAcl).clear());

  async function admin(): Promise<TestAgent> {
    const client = browserLike(t.app);
    await logIn(client);
    return client;
  }

  it('imports 10,005 ACLs (two files in one upload) in slices, answering /healthz between them, deploys them all and exports them back in parts', async () => {
    const client = await admin();
    const pacer = t.app.get(WorkPacer);
    const pause = pacer.pause.bind(pacer);
    const health: number[] = [];
    const pausesBefore = pacer.pauses;
    // At a pause the import has handed the event loop back: another request must get its answer there.
    const spy = jest.spyOn(pacer, 'pause').mockImplementation(async () => {
      if (health.length < 3) health.push((await request(t.app.getHttpServer()).get('/healthz')).status);
      return pause();
    });
    try {
      const page = await client.get('/admin/acl/import').expect(200);
      const res = await client
        .post(importActionOf(page.text))
        .attach('file', Buffer.from(aclFile(0, 10_000)), 'part1.yml')
        .attach('file', Buffer.from(aclFile(10_000, 5)), 'part2.yml');
      expect((await follow(client, res)).text).toContain('Imported: 10005 added, 0 replaced');
    } finally {
      spy.mockRestore();
    }
    expect(health).toEqual([200, 200, 200]);
    // 10,000 ACLs in slices of 250 to parse and 250 to validate, 500 to write: far more than 60 turns.
    expect(pacer.pauses - pausesBefore).toBeGreaterThan(60);
    expect(await t.dataSource.getRepository(StoredAcl).count()).toBe(10_005);

    const deployed = await follow(
      client,
      await client
        .post('/admin/acl/deploy')
        .type('form')
        .send({ _csrf: csrfTokenOf((await client.get('/admin/acl').expect(200)).text) }),
    );
    expect(deployed.text).toContain('ACLs deployed: 10005 valid ACL(s) are now in effect.');
    expect(deployed.text).toContain('Page 1 of 101');
    const agent = (await t.app.get(AgentsService).findCurrentAgent((await t.app.get(AgentsService).findByLogin('otto'))!.id))!;
    const view = await t.app.get(AclFilterService).forAgent({ agent, screen: 'AgentTicketZoom' });
    expect(
      view.allowed('queue', [
        { id: 1, name: 'Q7' },
        { id: 2, name: 'Raw' },
      ]),
    ).toEqual([{ id: 2, name: 'Raw' }]);

    // Export in parts that each fit the upload, and bring everything back in one upload.
    const partsPage = await client.get('/admin/acl/export/parts').expect(200);
    const links = [...partsPage.text.matchAll(/href="(\/admin\/acl\/export\?part[^"]+)"/g)].map((m) => m[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'));
    expect(links.length).toBeGreaterThan(1);
    const parts: string[] = [];
    for (const link of links) parts.push((await client.get(link).buffer(true).parse(asText).expect(200)).body as string);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(1024 * 1024);
    const before = await t.dataSource.getRepository(StoredAcl).find({ select: { name: true, configMatch: true, configChange: true }, order: { name: 'ASC' } });
    const upload = client.post(importActionOf((await client.get('/admin/acl/import').expect(200)).text)).field('mode', 'replaceAll');
    // attach() only adds a part and returns the request itself (a thenable): it is sent by the await below.
    parts.forEach((part, i) => void upload.attach('file', Buffer.from(part), `part${i + 1}.yml`));
    expect((await follow(client, await upload)).text).toContain('Imported: 0 added, 10005 replaced');
    const after = await t.dataSource.getRepository(StoredAcl).find({ select: { name: true, configMatch: true, configChange: true }, order: { name: 'ASC' } });
    expect(after).toEqual(before);

    // A part link of an older state is refused rather than giving an overlapping file.
    const stale = `${links[0].replace(/version=\w+/, 'version=0000000000000000')}`;
    await client.get(stale).expect(400);
  }, 180_000);

  describe('the upload is read only after the CSRF and admin checks', () => {
    /**
     * Sends the headers and the start of a multipart body, then waits: a server that reads the
     * body first would never answer; one that checks first answers at once.
     */
    function partialUpload(path: string, cookie?: string): Promise<{ status: number; location?: string }> {
      return new Promise((resolve, reject) => {
        const boundary = 'x-boundary';
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(50 * 1024 * 1024), ...(cookie ? { cookie } : {}) },
        });
        req.on('response', (res) => {
          resolve({ status: res.statusCode ?? 0, location: res.headers.location });
          res.resume();
          req.destroy();
        });
        req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.yml"\r\nContent-Type: text/yaml\r\n\r\n- Name: a\n`);
      });
    }

    async function sessionCookie(login?: string, password?: string): Promise<{ cookie: string; token: string }> {
      const res = await request(t.app.getHttpServer()).get('/login');
      const cookie = res.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
      const loggedIn = await request(t.app.getHttpServer())
        .post('/login')
        .set('cookie', cookie)
        .type('form')
        .send({ _csrf: csrfTokenOf(res.text), login, password });
      const session = loggedIn.headers['set-cookie']?.[0]?.split(';')[0] ?? cookie;
      const home = await request(t.app.getHttpServer()).get('/').set('cookie', session);
      return { cookie: session, token: csrfTokenOf(home.text) };
    }

    it('refuses an anonymous upload without reading its body', async () => {
      const runs = uploadParsing.runs;
      expect((await partialUpload('/admin/acl/import')).status).toBe(403);
      expect(uploadParsing.runs).toBe(runs);
    });

    it('refuses an agent who is not an admin, with a valid token, without reading the body', async () => {
      const { cookie, token } = await sessionCookie('otto', 'otto-password');
      const runs = uploadParsing.runs;
      expect((await partialUpload(`/admin/acl/import?_csrf=${token}`, cookie)).status).toBe(403);
      expect(uploadParsing.runs).toBe(runs);
    });

    it('refuses an admin upload without or with a wrong token without reading the body', async () => {
      const { cookie } = await sessionCookie('root@localhost', 'admin-test-password');
      const runs = uploadParsing.runs;
      expect((await partialUpload('/admin/acl/import', cookie)).status).toBe(403);
      expect((await partialUpload('/admin/acl/import?_csrf=forged', cookie)).status).toBe(403);
      expect(uploadParsing.runs).toBe(runs);
    });

    it('reads the upload of an admin with the token of the form', async () => {
      const client = await admin();
      const runs = uploadParsing.runs;
      const page = await client.get('/admin/acl/import').expect(200);
      const res = await client.post(importActionOf(page.text)).attach('file', Buffer.from(aclFile(0, 2)), 'a.yml');
      expect(res.headers.location).toBe('/admin/acl');
      expect(uploadParsing.runs).toBe(runs + 1);
    });
  });
});
