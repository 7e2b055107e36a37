import type TestAgent from 'supertest/lib/agent';
import type { EntitySubscriberInterface, LoadEvent } from 'typeorm';
import { AclStoreService } from '../../src/acl/acl-store.service';
import { InboxEvent } from '../../src/inbox/inbox-event.entity';
import { Queue } from '../../src/queues/queue.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { ADMIN, createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, logIn } from '../utils/http';

/**
 * The filter box of every admin list (issue 13): applied in SQL by the list's service, case-blind in
 * every alphabet on both databases, wildcards taken literally, kept in the URL, in the box and in
 * the page links; one page of rows read from the database, never the whole table.
 */
describe('admin lists: filter boxes and pages', () => {
  let t: TestApp;
  let admin: TestAgent;
  const loaded = new Map<string, number>();

  beforeAll(async () => {
    t = await createTestApp();
    const agents = t.app.get(AgentsService);
    await agents.create({ login: 'ana', name: 'Ана Петровић', email: 'ana@example.org', password: 'ana-password' });
    await agents.create({ login: 'joerg', name: 'Jörg MÜLLER', email: 'joerg@example.org', password: 'joerg-password' });
    await agents.create({ login: 'percent', name: 'Fifty 50% Agent', password: 'percent-password' });
    // 120 groups matching "Team" (three pages) among the seeded ones.
    const groups = t.dataSource.getRepository(Group);
    await groups.insert(Array.from({ length: 120 }, (_, i) => ({ name: `Team-${String(i + 1).padStart(3, '0')}`, comment: i === 7 ? 'Zweigstelle Köln' : '', validity: 'valid' as const })));
    const queues = t.dataSource.getRepository(Queue);
    const team = await groups.findOneByOrFail({ name: 'Team-001' });
    await queues.insert([
      { name: 'Sales_EU', groupId: team.id, followUp: 'possible', comment: '' },
      { name: 'SalesXEU', groupId: team.id, followUp: 'possible', comment: 'Продаја' },
    ]);
    const raw = await queues.findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(t, { name: 'AcmeSupport', targetQueueId: raw.id });
    await createReadyProfile(t, { name: 'BetaDesk', accountId: '1790000000000000077', accountHandle: 'beta_help', targetQueueId: team.id });
    await t.dataSource.getRepository(InboxEvent).insert(
      Array.from({ length: 60 }, (_, i) => ({
        profileId: profile.id,
        source: 'webhook' as const,
        format: 'aaa' as never,
        dedupeKey: `dm:${7000 + i}`,
        payload: '{}',
        status: (i % 2 ? 'processed' : 'failed') as never,
        error: i === 3 ? 'Queue Ärger refused it' : null,
      })),
    );
    await t.app.get(AclStoreService).importFiles(
      [
        {
          name: 'a.yml',
          content: ['100-Ärger', '200-other', '300-Über'].map((name) => `- Name: ${name}\n  Comment: c ${name}\n  ConfigChange:\n    PossibleNot:\n      Action:\n      - AgentTicketNote\n`).join(''),
        },
      ],
      { mode: 'add', actor: ADMIN.login },
    );
    const counter: EntitySubscriberInterface = {
      afterLoad: (_entity: unknown, event?: LoadEvent<unknown>) => void loaded.set(event?.metadata.name ?? '?', (loaded.get(event?.metadata.name ?? '?') ?? 0) + 1),
    };
    t.dataSource.subscribers.push(counter);
    admin = browserLike(t.app);
    await logIn(admin);
  });
  afterAll(() => t.close());

  /** The page's HTML with the entities Handlebars writes into attributes decoded. */
  const get = async (path: string) => (await admin.get(path).expect(200)).text.replace(/&#x3D;/g, '=');
  /** The names in the list's first column (links to the records). */
  const names = (html: string, path: string) => [...html.matchAll(new RegExp(`<a href="${path}/(?:twitter/)?\\d+">([^<]+)</a>`, 'g'))].map((m) => m[1]);

  it.each([
    ['/admin/agents', 'MÜLLER', ['joerg'], 'ана', ['ana']],
    ['/admin/groups', 'köln', ['Team-008'], 'TEAM-11', ['Team-110', 'Team-111', 'Team-112', 'Team-113', 'Team-114', 'Team-115', 'Team-116', 'Team-117', 'Team-118', 'Team-119']],
    ['/admin/queues', 'ПРОДАЈА', ['SalesXEU'], 'team-001', ['SalesXEU', 'Sales_EU']],
    ['/admin/social-media-profiles', 'BETA_', ['BetaDesk'], 'acme', ['AcmeSupport']],
    ['/admin/acl', 'äRGER', ['100-Ärger'], 'über', ['300-Über']],
  ])('%s filters by %j and by %j, in any case and alphabet', async (path, first, firstNames, second, secondNames) => {
    for (const [filter, expected] of [
      [first, firstNames],
      [second, secondNames],
    ] as const) {
      const html = await get(`${path}?filter=${encodeURIComponent(filter)}`);
      // Sorted: the databases' collations may order `_` and letters differently.
      expect([filter, names(html, path).sort()]).toEqual([filter, [...expected].sort()]);
      expect(html).toContain(`value="${filter}"`);
    }
  });

  it('takes % and _ as the characters they are, not as wildcards', async () => {
    expect(names(await get('/admin/queues?filter=s_e'), '/admin/queues')).toEqual(['Sales_EU']);
    expect(names(await get('/admin/agents?filter=50%25'), '/admin/agents')).toEqual(['percent']);
    expect(await get('/admin/agents?filter=5_%25')).toContain('No agent matches the filter.');
  });

  it('shows one page of a filtered list, and its links keep the filter', async () => {
    loaded.clear();
    const first = await get('/admin/groups?filter=team');
    expect(names(first, '/admin/groups')).toHaveLength(50);
    expect(first).toContain('Page 1 of 3');
    // Only the page's groups came out of the database (and the administrator's memberships' groups).
    expect(loaded.get('Group')).toBeLessThan(60);
    expect(first).toContain('href="/admin/groups?filter=team&amp;page=2" rel="next"');
    const last = await get('/admin/groups?filter=team&page=99');
    expect(last).toContain('Page 3 of 3');
    expect(names(last, '/admin/groups')).toEqual(Array.from({ length: 20 }, (_, i) => `Team-${101 + i}`));
    expect(last).toContain('href="/admin/groups?filter=team&amp;page=2" rel="prev"');
  });

  it('filters the inbox within a status, and both stay in the links', async () => {
    const failed = await get('/admin/inbox?status=failed&filter=dm%3A700');
    expect(failed.match(/<tr class="inbox-failed">/g)).toHaveLength(5);
    expect(failed).not.toContain('inbox-processed');
    expect(failed).toContain('<input type="hidden" name="status" value="failed">');
    expect(failed).toContain('href="/admin/inbox?status=processed&amp;filter=dm%3A700"');
    const note = await get('/admin/inbox?filter=%C3%A4rger');
    expect(note.match(/<tr class="inbox-/g)).toHaveLength(1);
    const paged = await get('/admin/inbox?filter=dm%3A7');
    expect(paged).toContain('href="/admin/inbox?filter=dm%3A7&amp;page=2" rel="next"');
    expect(await get('/admin/inbox?status=processed&filter=nothing-like-it')).toContain('No event matches the filter.');
  });

  it('shows what was typed back escaped, and answers any filter without a 500', async () => {
    const html = await get(`/admin/agents?filter=${encodeURIComponent('<b>"x\'\\')}`);
    expect(html).toContain('value="&lt;b&gt;&quot;x&#x27;\\"');
    expect(html).not.toContain('<b>"x');
    for (const path of ['/admin/agents', '/admin/groups', '/admin/queues', '/admin/social-media-profiles', '/admin/inbox', '/admin/acl']) {
      for (const filter of ["'; DROP TABLE users; --", '\\', '%%%', 'x'.repeat(5000), '\uFFFD😀', ' ']) {
        const res = await admin.get(`${path}?filter=${encodeURIComponent(filter)}&page=2`);
        expect([path, filter.slice(0, 20), res.status]).toEqual([path, filter.slice(0, 20), 200]);
      }
    }
  });
});
