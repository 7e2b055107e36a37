import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { TicketSearch1764552000000 } from '../../src/database/migrations/1764552000000-TicketSearch';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { dmBody, newXId, tweetBody, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, logIn } from '../utils/http';
import { postSignedWebhook } from '../utils/post-webhook';

const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';

/** What one search shows: the tickets found (by id) and the page's HTML. */
interface Found {
  ids: number[];
  html: string;
}

describe('ticket search (top bar): full text on both databases, limited to the agent’s groups', () => {
  let t: TestApp;
  const agents: Record<string, TestAgent> = {};
  const profiles: Record<string, { id: number; account: XPerson }> = {};
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp();
    const groups = t.dataSource.getRepository(Group);
    const queues = t.dataSource.getRepository(Queue);
    const support = await groups.save(groups.create({ name: 'support', comment: '', validity: 'valid' }));
    const sales = await groups.save(groups.create({ name: 'sales', comment: '', validity: 'valid' }));
    const supportQueue = await queues.save(queues.create({ name: 'Support', groupId: support.id, followUp: 'possible' }));
    const salesQueue = await queues.save(queues.create({ name: 'Sales', groupId: sales.id, followUp: 'possible' }));
    for (const [name, queue, accountId] of [
      ['support', supportQueue, '1790000000000000042'],
      ['sales', salesQueue, '1790000000000000043'],
    ] as const) {
      const profile = await createReadyProfile(t, { name: `Acme${name}`, targetQueueId: queue.id, accountId, accountHandle: `acme_${name}` });
      profiles[name] = { id: profile.id, account: { id: accountId, handle: `acme_${name}`, name: `ACME ${name}` } };
    }
    const service = t.app.get(AgentsService);
    for (const [login, memberships] of Object.entries({
      sam: [[support.id, 'rw']],
      nina: [[sales.id, 'ro']],
      both: [
        [support.id, 'ro'],
        [sales.id, 'rw'],
      ],
      nobody: [] as [number, 'rw'][],
    })) {
      const agent = await service.create({ login, name: login, password: `${login}-password` });
      for (const [groupId, permission] of memberships as [number, 'rw' | 'ro'][]) await service.setMembership(agent.id, groupId, permission);
      agents[login] = browserLike(t.app);
      await logIn(agents[login], login, `${login}-password`);
    }
  });
  afterAll(() => t.close());

  const customer = (name = `Customer ${seq + 1}`): XPerson => ({ id: newXId(), handle: `kunde_${++seq}`, name });
  async function deliver(profile: 'support' | 'sales', body: string) {
    await postSignedWebhook(t.app.getHttpServer(), profiles[profile].id, body, SECRET).expect(200);
    await t.app.get(InboxWorker).drain();
  }
  /** A customer's DM, through the webhook and the inbox: the real path that writes tickets and articles. */
  async function dm(profile: 'support' | 'sales', from: XPerson, text: string): Promise<Ticket> {
    await deliver(profile, dmBody({ forUserId: profiles[profile].account.id, from, to: profiles[profile].account, text }).body);
    return t.dataSource.getRepository(Ticket).findOneOrFail({ where: { customerXId: from.id }, order: { id: 'DESC' } });
  }
  async function search(login: string, q: string): Promise<Found> {
    const res = await agents[login].get(`/search?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    return { ids: [...res.text.matchAll(/data-test="search-hit" data-ticket="(\d+)"/g)].map((m) => Number(m[1])), html: res.text };
  }

  it('finds a German customer message by a word of it, as a prefix and in any case, and highlights it escaped', async () => {
    const ticket = await dm('support', customer(), 'Guten Tag, die Lieferung ist beschädigt angekommen. <script>alert(1)</script>');
    for (const q of ['Lieferung', 'lieferung', 'LIEFER', 'beschädigt', 'BESCHÄDIGT lieferung']) expect([q, (await search('sam', q)).ids]).toEqual([q, [ticket.id]]);
    const { html } = await search('sam', 'liefer');
    expect(html).toContain('<mark>Lieferung</mark>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    // All words must match; diacritics are kept (no "unaccent"): "beschadigt" is another word.
    expect((await search('sam', 'Lieferung verloren')).ids).toEqual([]);
    expect((await search('sam', 'beschadigt')).ids).toEqual([]);
  });

  it('finds Serbian Cyrillic (and Latin) text, lower- or upper-case', async () => {
    const ticket = await dm('support', customer('Марко Марковић'), 'Поруџбина број 42 још није стигла. Hvala unapred!');
    for (const q of ['поруџбина', 'ПОРУЏБИНА', 'поруџ', 'стигла', 'hvala', 'Марковић']) expect([q, (await search('sam', q)).ids]).toEqual([q, [ticket.id]]);
    expect((await search('sam', 'СТИГЛА')).html).toContain('<mark>стигла</mark>');
  });

  it('finds a ticket by its number, its title, and the customer’s @handle or name', async () => {
    const author = customer('Erika Mustermann');
    await deliver('support', tweetBody({ forUserId: profiles.support.account.id, author, text: `@acme_support Rechnung fehlt für Vertrag Zebrafink`, mentions: [profiles.support.account] }).body);
    const ticket = await t.dataSource.getRepository(Ticket).findOneOrFail({ where: { customerXId: author.id } });
    expect(ticket.title).toContain('Zebrafink');
    for (const q of [ticket.number!, `#${ticket.number}`, `@${author.handle}`, author.handle, 'Mustermann', 'erika', 'zebrafink']) expect([q, (await search('sam', q)).ids]).toEqual([q, [ticket.id]]);
    const byHandle = await search('sam', author.handle);
    expect(byHandle.html).toContain(`@<mark>${author.handle}</mark>`);
  });

  it('shows only tickets in queues the agent may read, also in the count', async () => {
    const word = `Quittung${seq}`;
    const mine = await dm('support', customer(), `${word} für den Support`);
    const theirs = await dm('sales', customer(), `${word} für den Vertrieb`);
    expect((await search('sam', word)).ids).toEqual([mine.id]);
    expect((await search('nina', word)).ids).toEqual([theirs.id]);
    const both = await search('both', word);
    expect(both.ids.sort()).toEqual([mine.id, theirs.id].sort());
    expect(both.html).toContain(`Tickets matching “${word}”: 2`);
    expect((await search('sam', word)).html).toContain(`Tickets matching “${word}”: 1`);
    const none = await search('nobody', word);
    expect(none.ids).toEqual([]);
    expect(none.html).toContain(`Tickets matching “${word}”: 0`);
  });

  it('finds new articles of an existing ticket and an agent’s note, written in the same transaction', async () => {
    const from = customer();
    const ticket = await dm('support', from, 'Erste Nachricht');
    await dm('support', from, 'Zweite Nachricht mit Seriennummer XK99-Ä7');
    expect((await search('sam', 'xk99')).ids).toEqual([ticket.id]);
    const page = await agents.sam.get(`/tickets/${ticket.id}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await agents.sam.post(`/tickets/${ticket.id}/note`).type('form').send({ _csrf: csrf, body: 'Rückruf vereinbart: Donnerstag' }).expect(303);
    const found = await search('sam', 'donnerstag');
    expect(found.ids).toEqual([ticket.id]);
    expect(found.html).toContain('<mark>Donnerstag</mark>');
  });

  it('asks for a word when nothing searchable was typed, and pages through many results', async () => {
    expect((await search('sam', '  !!! ')).html).toContain('data-test="search-empty"');
    expect((await search('sam', '')).html).toContain('data-test="search-empty"');
    // A word longer than any that is searched: said so, not "enter a word" as if nothing was typed.
    const tooLong = (await search('sam', 'a'.repeat(5000))).html;
    expect(tooLong).toContain('Nothing was searched: words of more than 100 characters are not searched');
    expect(tooLong).not.toContain('data-test="search-empty"');
    const word = `Massenware${seq}`;
    for (let i = 0; i < 52; i++) await dm('support', customer(), `${word} Nummer ${i}`);
    const first = await search('sam', word);
    expect(first.ids).toHaveLength(50);
    expect(first.html).toContain(`Tickets matching “${word}”: 52`);
    const second = await agents.sam.get(`/search?q=${word}&page=2`);
    expect([...second.text.matchAll(/data-test="search-hit"/g)]).toHaveLength(2);
    // Beyond the last page: the last page.
    expect([...(await agents.sam.get(`/search?q=${word}&page=99999999999`)).text.matchAll(/data-test="search-hit"/g)]).toHaveLength(2);
  });

  it('keeps the query in the top bar’s box and needs a login', async () => {
    expect((await search('sam', 'Grüße "quoted"')).html).toContain('value="Grüße &quot;quoted&quot;"');
    const anonymous = await request(t.app.getHttpServer()).get('/search?q=x');
    expect(anonymous.status).toBe(303);
  });

  it('the migration builds the index for tickets and articles stored before it', async () => {
    const ticket = await dm('support', customer(), 'Vor der Migration geschrieben: Ohrensessel');
    const runner = t.dataSource.createQueryRunner();
    try {
      const migration = new TicketSearch1764552000000();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect((await search('sam', 'ohrensessel')).ids).toEqual([ticket.id]);
    expect((await search('sam', 'поруџбина')).ids).toHaveLength(1);
  });
});
