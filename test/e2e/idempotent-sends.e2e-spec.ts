import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';
import { Queue } from '../../src/queues/queue.entity';
import { Article } from '../../src/tickets/article.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket, newXId } from '../factories/ticket.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';

/**
 * Issue 8, defect 3: a double click (or a resubmitted page, or a retry after a timeout) must not
 * send an answer twice. Every compose form carries a one-time key; the article stores it under a
 * unique index; a second POST with it shows the first result. Counted where it matters: the
 * messages the fake X received.
 */
describe('idempotent sends: one form key, one article, one message to X', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let profileId: number;
  let queueId: number;
  const clients: Record<string, TestAgent> = {};

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    registerXAccount(fakeX);
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl, DELIVERY_INTERVAL_MS: '3600000' } });
    const group = await t.dataSource.getRepository(Group).save({ name: 'support', comment: '', validity: 'valid' });
    queueId = (await t.dataSource.getRepository(Queue).save({ name: 'Support', groupId: group.id, followUp: 'possible' })).id;
    profileId = (await createReadyProfile(t, { targetQueueId: queueId })).id;
    for (const login of ['anna', 'bert']) {
      const agent = await t.app.get(AgentsService).create({ login, name: login, password: `${login}-password` });
      await t.app.get(AgentsService).setMembership(agent.id, group.id, 'rw');
      clients[login] = browserLike(t.app);
      await logIn(clients[login], login, `${login}-password`);
    }
  });
  afterAll(async () => {
    await t?.close();
    await fakeX?.close();
  });
  afterEach(() => fakeX.reset());

  const articles = (ticketId: number, channel?: string) =>
    t.dataSource.getRepository(Article).find({ where: { ticketId, sender: 'agent', ...(channel ? { channel: channel as Article['channel'] } : {}) }, order: { id: 'ASC' } });
  const dms = () => fakeX.sent.filter((s) => s.kind === 'dm');
  /** The one-time key of a form on the page (a random one where the page has none, as on the code before keys). */
  const keyOf = (html: string, formId: string) => new RegExp(`<form[^>]*id="${formId}"[\\s\\S]*?name="formKey" value="([^"]+)"`).exec(html)?.[1] ?? randomUUID();

  async function zoom(login: string, ticketId: number) {
    const page = await clients[login].get(`/tickets/${ticketId}`);
    expect(page.status).toBe(200);
    return { csrf: csrfTokenOf(page.text), replyKey: keyOf(page.text, 'reply'), noteKey: keyOf(page.text, 'note'), html: page.text };
  }

  it('puts a fresh key into every compose form', async () => {
    const { ticket } = await insertTicket(t, { profileId, queueId, channel: 'dm' });
    const first = await zoom('anna', ticket.id);
    const second = await zoom('anna', ticket.id);
    expect(first.html).toMatch(/<form[^>]*id="reply"[^>]*data-submit-once/);
    expect(first.replyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set([first.replyKey, first.noteKey, second.replyKey, second.noteKey]).size).toBe(4);
    expect((await clients.anna.get('/tickets/new')).text).toMatch(/name="formKey" value="[0-9a-f-]{36}"/);
  });

  it('two concurrent reply POSTs with one key store one article and send one DM; both show the same result', async () => {
    const { ticket, customer } = await insertTicket(t, { profileId, queueId, channel: 'dm' });
    const { csrf, replyKey } = await zoom('anna', ticket.id);
    const send = () => clients.anna.post(`/tickets/${ticket.id}/reply`).type('form').send({ _csrf: csrf, formKey: replyKey, body: 'We are on it.' });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(a.headers.location).toBe(b.headers.location);
    const stored = await articles(ticket.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ formKey: replyKey, deliveryStatus: 'sent' });
    expect(a.headers.location).toBe(`/tickets/${ticket.id}#article-${stored[0].id}`);
    expect(dms()).toEqual([expect.objectContaining({ participantId: customer.id, text: 'We are on it.' })]);
    // A third time, later (the browser's "resubmit"): the same page and flash, nothing sent.
    const again = await send();
    expect(again.headers.location).toBe(a.headers.location);
    expect((await follow(clients.anna, again)).text).toContain('The reply was sent.');
    expect(await articles(ticket.id)).toHaveLength(1);
    expect(dms()).toHaveLength(1);
  });

  it('two concurrent POSTs of the new-ticket form with one key open one ticket and send one DM', async () => {
    const recipient = newXId();
    fakeX.addPerson({ id: recipient, username: 'twice_clicked', name: 'Twice Clicked' });
    const form = await clients.anna.get('/tickets/new');
    const fields = {
      _csrf: csrfTokenOf(form.text),
      formKey: keyOf(form.text, 'new-ticket'),
      profileId: String(profileId),
      queueId: String(queueId),
      type: 'dm',
      recipient: 'twice_clicked',
      body: 'Hello, about your order.',
    };
    const [a, b] = await Promise.all([1, 2].map(() => clients.anna.post('/tickets/new').type('form').send(fields)));
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(a.headers.location).toMatch(/^\/tickets\/\d+$/);
    expect(b.headers.location).toBe(a.headers.location);
    expect(await t.dataSource.getRepository(Ticket).countBy({ customerXId: recipient })).toBe(1);
    expect(dms().filter((d) => d.participantId === recipient)).toHaveLength(1);
    const page = await follow(clients.anna, b);
    expect(page.text).toMatch(/Ticket \d+ was created\./);
  });

  it('two concurrent note POSTs with one key add one note', async () => {
    const { ticket } = await insertTicket(t, { profileId, queueId, channel: 'tweet' });
    const { csrf, noteKey } = await zoom('anna', ticket.id);
    const send = () => clients.anna.post(`/tickets/${ticket.id}/note`).type('form').send({ _csrf: csrf, formKey: noteKey, body: 'Called the customer.' });
    const [a, b] = await Promise.all([send(), send()]);
    expect(b.headers.location).toBe(a.headers.location);
    expect(await articles(ticket.id, 'note')).toHaveLength(1);
  });

  it('any number of concurrent POSTs with a few keys: one article and one DM per key (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 8 }), async (picks) => {
        fakeX.reset();
        const { ticket } = await insertTicket(t, { profileId, queueId, channel: 'dm' });
        const { csrf } = await zoom('anna', ticket.id);
        const keys = [randomUUID(), randomUUID(), randomUUID()];
        const results = await Promise.all(
          picks.map((pick, i) =>
            clients.anna
              .post(`/tickets/${ticket.id}/reply`)
              .type('form')
              .send({ _csrf: csrf, formKey: keys[pick], body: `Answer ${pick} (${i})` }),
          ),
        );
        expect(results.every((r) => r.status === 303)).toBe(true);
        const distinct = new Set(picks).size;
        const stored = await articles(ticket.id);
        expect(stored).toHaveLength(distinct);
        expect(dms()).toHaveLength(distinct);
        // Every POST of one key was sent to that key's article.
        for (const [i, pick] of picks.entries()) {
          const article = stored.find((s) => s.formKey === keys[pick])!;
          expect(results[i].headers.location).toBe(`/tickets/${ticket.id}#article-${article.id}`);
        }
      }),
      { numRuns: 6, seed: 20251202 },
    );
    // Six rounds of up to eight concurrent requests: a few seconds alone, far more on a busy machine.
  }, 120_000);

  it('refuses another agent’s key and a malformed key with one clear error line, storing and sending nothing', async () => {
    const { ticket } = await insertTicket(t, { profileId, queueId, channel: 'dm' });
    const annas = await zoom('anna', ticket.id);
    await clients.anna.post(`/tickets/${ticket.id}/reply`).type('form').send({ _csrf: annas.csrf, formKey: annas.replyKey, body: 'From Anna' }).expect(303);
    // Answering locked the ticket to Anna (as in OTRS): while she holds it, Bert's POST is refused by the lock before any key is looked at.
    const berts = await zoom('bert', ticket.id);
    const whileLocked = await clients.bert.post(`/tickets/${ticket.id}/reply`).type('form').send({ _csrf: berts.csrf, formKey: annas.replyKey, body: 'From Bert' });
    expect(whileLocked.status).toBe(403);
    expect(whileLocked.text).not.toContain('From Anna');
    await clients.anna.post(`/tickets/${ticket.id}/unlock`).type('form').send({ _csrf: annas.csrf }).expect(303);
    for (const formKey of [annas.replyKey, 'short', 'x'.repeat(65), '../../etc']) {
      const res = await clients.bert.post(`/tickets/${ticket.id}/reply`).type('form').send({ _csrf: berts.csrf, formKey, body: 'From Bert' });
      const page = await follow(clients.bert, await follow(clients.bert, res));
      expect([formKey, page.text]).toEqual([formKey, expect.stringContaining('This form cannot be sent: it was sent by another agent or is damaged.')]);
      expect(page.text).toContain('>From Bert</textarea>');
    }
    expect((await articles(ticket.id)).map((a) => a.body)).toEqual(['From Anna']);
    expect(dms()).toHaveLength(1);
  });

  it('still accepts a POST without a key (a script or an old page): each one is a new message', async () => {
    const { ticket } = await insertTicket(t, { profileId, queueId, channel: 'dm' });
    const { csrf } = await zoom('anna', ticket.id);
    await clients.anna.post(`/tickets/${ticket.id}/reply`).type('form').send({ _csrf: csrf, body: 'One' }).expect(303);
    await clients.anna.post(`/tickets/${ticket.id}/reply`).type('form').send({ _csrf: csrf, body: 'Two' }).expect(303);
    expect((await articles(ticket.id)).map((a) => [a.body, a.formKey])).toEqual([
      ['One', null],
      ['Two', null],
    ]);
  });
});
