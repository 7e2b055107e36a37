import { HttpException } from '@nestjs/common';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AclStoreService } from '../../src/acl/acl-store.service';
import { Attachment } from '../../src/attachments/attachment.entity';
import { PasswordHasher } from '../../src/agents/password-hasher';
import { Clock } from '../../src/common/clock';
import { DomainException } from '../../src/common/domain.exception';
import { Transactions } from '../../src/database/transactions';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { Scheduler } from '../../src/scheduling/scheduler';
import type { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { ArticleDeliveryService } from '../../src/tickets/article-delivery.service';
import { Article } from '../../src/tickets/article.entity';
import { ConversationTickets } from '../../src/tickets/conversation-tickets.service';
import { PendingCheckService } from '../../src/tickets/pending-check.service';
import { TicketHistoryEntry } from '../../src/tickets/ticket-history.entity';
import { agentActor } from '../../src/tickets/ticket-history.service';
import { TicketActionsService } from '../../src/tickets/ticket-actions.service';
import { TicketLockService } from '../../src/tickets/ticket-lock.service';
import { TicketLockedException } from '../../src/tickets/ticket-locked.exception';
import { TicketMoveService } from '../../src/tickets/ticket-move.service';
import { AGENT_STATES, type AgentState } from '../../src/tickets/ticket-rules';
import { TicketStateService } from '../../src/tickets/ticket-state.service';
import { CLOSED_STATES, isPendingState } from '../../src/tickets/ticket-states';
import { TicketThread } from '../../src/tickets/ticket-thread.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { Agent } from '../../src/agents/agent.entity';
import { dmBody, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket, newCustomer, type TicketSeed } from '../factories/ticket.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, TINY_PNG, type FakeXApi } from '../support/fake-x-api';
import { ADMIN, createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, follow, logIn } from '../utils/http';
import { TestClock } from '../utils/test-clock';
import { postSignedWebhook } from '../utils/post-webhook';

const HOUR = 60 * 60 * 1000;
const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';

describe('the agent’s day: move, lock, pending time, history, dashboard, time zone', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let profile: SocialMediaProfile;
  let account: XPerson;
  const clock = new TestClock();
  const queues: Record<string, number> = {};
  const ids: Record<string, number> = {};
  const clients: Record<string, TestAgent> = {};

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    registerXAccount(fakeX);
    t = await createTestApp({
      env: { X_API_BASE_URL: fakeX.baseUrl, X_API_TIMEOUT_MS: '2000', DELIVERY_INTERVAL_MS: '3600000', DELIVERY_MAX_ATTEMPTS: '1' },
      override: (b) => b.overrideProvider(Clock).useValue(clock),
    });
    // 22:30 in Berlin: "tomorrow" there is already the 3rd in UTC's evening of the 2nd.
    clock.setTo('2026-12-02T21:30:00Z');

    const groups = t.dataSource.getRepository(Group);
    const group = async (name: string) => (await groups.save(groups.create({ name, comment: '', validity: 'valid' }))).id;
    const support = await group('support');
    const sales = await group('sales');
    const queueRepo = t.dataSource.getRepository(Queue);
    for (const [name, groupId, validity] of [
      ['Support', support, 'valid'],
      ['Sales', sales, 'valid'],
      ['Archive', support, 'invalid'],
    ] as const) {
      queues[name] = (await queueRepo.save(queueRepo.create({ name, groupId, followUp: 'possible', validity }))).id;
    }
    profile = await createReadyProfile(t, { targetQueueId: queues.Support, autoReplyText: 'Thanks, we answer within a day.' });
    account = { id: profile.accountId!, handle: 'acme_support', name: 'ACME Support' };

    const agents = t.app.get(AgentsService);
    const memberships: Record<string, [number, 'rw' | 'ro'][]> = {
      anna: [
        [support, 'rw'],
        [sales, 'rw'],
      ],
      otto: [
        [support, 'rw'],
        [sales, 'ro'],
      ],
      rob: [[support, 'ro']],
      mona: [
        [support, 'rw'],
        [sales, 'rw'],
      ],
      nick: [
        [support, 'rw'],
        [sales, 'rw'],
      ],
      paul: [
        [support, 'rw'],
        [sales, 'rw'],
      ],
    };
    for (const [login, groupsOf] of Object.entries(memberships)) {
      ids[login] = (await agents.create({ login, name: login[0].toUpperCase() + login.slice(1), password: `${login}-password` })).id;
      for (const [groupId, permission] of groupsOf) await agents.setMembership(ids[login], groupId, permission);
      clients[login] = browserLike(t.app);
      await logIn(clients[login], login, `${login}-password`);
    }
    // Anna works from Berlin.
    await t.dataSource.getRepository(Agent).update({ id: ids.anna }, { timeZone: 'Europe/Berlin' });
    const root = await agents.findByLogin(ADMIN.login);
    ids.root = root!.id;
    await agents.setMembership(ids.root, support, 'rw');
    clients.root = browserLike(t.app);
    await logIn(clients.root);
  });
  afterAll(async () => {
    await t?.close();
    await fakeX?.close();
  });
  afterEach(() => fakeX.reset());

  const ticketRepo = () => t.dataSource.getRepository(Ticket);
  const ticketOf = (id: number) => ticketRepo().findOneByOrFail({ id });
  const historyOf = (ticketId: number) => t.dataSource.getRepository(TicketHistoryEntry).find({ where: { ticketId }, order: { id: 'ASC' } });
  const articlesOf = (ticketId: number) => t.dataSource.getRepository(Article).find({ where: { ticketId }, order: { id: 'ASC' } });
  const supportTicket = (seed: Partial<TicketSeed> = {}) => insertTicket(t, { profileId: profile.id, queueId: queues.Support, channel: 'dm', ...seed });
  const pendingCheck = () => t.app.get(PendingCheckService).closeDue();

  /** GETs the page for its CSRF token, then posts the form. */
  async function post(login: string, pagePath: string, postPath: string, fields: Record<string, string> = {}) {
    const page = await clients[login].get(pagePath);
    expect(page.status).toBe(200);
    return clients[login]
      .post(postPath)
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), ...fields });
  }
  /** A POST the page never offered: the token from the dashboard, the fields made up. */
  async function forged(login: string, postPath: string, fields: Record<string, string> = {}) {
    const token = csrfTokenOf((await clients[login].get('/')).text);
    return clients[login]
      .post(postPath)
      .type('form')
      .send({ _csrf: token, ...fields });
  }
  /** The zoom after a post that was sent back to its form (post → 303 → zoom). */
  async function zoomAfter(login: string, res: request.Response) {
    return follow(clients[login], await follow(clients[login], res));
  }
  const decoded = (html: string) =>
    html
      .replace(/&#x27;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');

  describe('move', () => {
    it('offers the valid queues the agent has rw in, except the ticket’s own; moves, unlocks, and records it', async () => {
      const { ticket } = await supportTicket({ state: 'open', locked: true, ownerId: ids.anna });
      const zoom = await clients.anna.get(`/tickets/${ticket.id}`);
      const select = /<select id="queueId" name="queueId"[^>]*>([\s\S]*?)<\/select>/.exec(zoom.text)?.[1] ?? '';
      expect(select).toContain(`<option value="${queues.Sales}">Sales</option>`);
      expect(select).not.toContain('>Support<');
      expect(select).not.toContain('>Archive<');
      // Otto has only ro in Sales: nowhere to move to, so no move form.
      expect((await clients.otto.get(`/tickets/${ticket.id}`)).text).not.toContain(`action="/tickets/${ticket.id}/move"`);

      clock.advance(60_000);
      const res = await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/move`, { queueId: String(queues.Sales) });
      expect(res.status).toBe(303);
      expect((await follow(clients.anna, res)).text).toContain('The ticket was moved to Sales.');
      expect(await ticketOf(ticket.id)).toMatchObject({ queueId: queues.Sales, locked: false, ownerId: ids.anna });
      const entries = (await historyOf(ticket.id)).map((e) => ({ kind: e.kind, actor: e.actor, agentId: e.agentId, oldValue: e.oldValue, newValue: e.newValue }));
      expect(entries).toEqual([
        { kind: 'queue', actor: 'agent', agentId: ids.anna, oldValue: String(queues.Support), newValue: String(queues.Sales) },
        { kind: 'lock', actor: 'agent', agentId: ids.anna, oldValue: 'lock', newValue: 'unlock' },
      ]);
    });

    it('refuses a forged move into a queue without rw with 403 and a message; nothing changes', async () => {
      const { ticket } = await supportTicket({ state: 'open' });
      for (const queueId of [queues.Sales, queues.Archive]) {
        const res = await forged('otto', `/tickets/${ticket.id}/move`, { queueId: String(queueId) });
        expect(res.status).toBe(403);
        expect(decoded(res.text)).toContain('You may not move this ticket into that queue');
      }
      // Anna may write in Sales, but not in the invalid Archive queue.
      expect((await forged('anna', `/tickets/${ticket.id}/move`, { queueId: String(queues.Archive) })).status).toBe(403);
      // Rob reads Support only: 403 before anything else.
      expect((await forged('rob', `/tickets/${ticket.id}/move`, { queueId: String(queues.Sales) })).status).toBe(403);
      expect(await ticketOf(ticket.id)).toMatchObject({ queueId: queues.Support });
      expect(await historyOf(ticket.id)).toEqual([]);
    });

    it('sends a missing, made-up or unchanged queue back to the form with a message', async () => {
      const { ticket } = await supportTicket({ state: 'open' });
      const zoom = `/tickets/${ticket.id}`;
      for (const [queueId, message] of [
        ['', 'Please choose'],
        ['abc', 'Please choose'],
        ['99999999999999999999', 'Please choose'],
        [String(queues.Support), 'The ticket is already in this queue.'],
      ]) {
        const res = await post('anna', zoom, `${zoom}/move`, { queueId });
        expect(res.headers.location).toBe(`${zoom}/move`);
        const page = await zoomAfter('anna', res);
        expect(page.text).toMatch(new RegExp(`id="queueId-error"[^>]*>${message}`));
      }
      // A queue id that does not exist is a queue the agent may not move into.
      expect((await post('anna', zoom, `${zoom}/move`, { queueId: '987654' })).status).toBe(403);
      expect(await ticketOf(ticket.id)).toMatchObject({ queueId: queues.Support });
    });

    describe('ACLs (Ticket.Queue, Ticket.QueueID and the action, asked as AgentTicketMove)', () => {
      beforeAll(async () => {
        const store = t.app.get(AclStoreService);
        const yaml = `
- Name: 100-mona-not-into-sales-by-name
  ValidID: 1
  ConfigMatch:
    Properties:
      User:
        UserLogin: [mona]
      Frontend:
        Action: [AgentTicketMove]
  ConfigChange:
    PossibleNot:
      Ticket:
        Queue: [Sales]
- Name: 101-nick-only-support-by-id
  ValidID: 1
  ConfigMatch:
    Properties:
      User:
        UserLogin: [nick]
  ConfigChange:
    Possible:
      Ticket:
        QueueID: ['${queues.Support}']
- Name: 102-paul-may-not-move
  ValidID: 1
  ConfigMatch:
    Properties:
      User:
        UserLogin: [paul]
  ConfigChange:
    PossibleNot:
      Action: [AgentTicketMove]
`;
        await store.importYaml(yaml, { overwrite: true, actor: 'test' });
        await store.deploy('test');
      });

      it.each(['mona', 'nick'])('hides Sales from %s and refuses the forged move with 403', async (login) => {
        const { ticket } = await supportTicket({ state: 'open' });
        const zoom = await clients[login].get(`/tickets/${ticket.id}`);
        expect(zoom.text).not.toContain(`<option value="${queues.Sales}">Sales</option>`);
        expect(zoom.text).not.toContain(`action="/tickets/${ticket.id}/move"`);
        const res = await forged(login, `/tickets/${ticket.id}/move`, { queueId: String(queues.Sales) });
        expect(res.status).toBe(403);
        expect(decoded(res.text)).toContain('You may not move this ticket into that queue');
        expect(await ticketOf(ticket.id)).toMatchObject({ queueId: queues.Support });
        expect(await historyOf(ticket.id)).toEqual([]);
      });

      it('hides the move from an agent an ACL forbids the action, and refuses the forged move with 403', async () => {
        const { ticket } = await supportTicket({ state: 'open' });
        expect((await clients.paul.get(`/tickets/${ticket.id}`)).text).not.toContain(`action="/tickets/${ticket.id}/move"`);
        const res = await forged('paul', `/tickets/${ticket.id}/move`, { queueId: String(queues.Sales) });
        expect(res.status).toBe(403);
        expect(res.text).toContain('An ACL does not allow you to move this ticket.');
        expect(await ticketOf(ticket.id)).toMatchObject({ queueId: queues.Support });
      });

      it('leaves everyone else alone: Anna still moves into Sales', async () => {
        const { ticket } = await supportTicket({ state: 'open' });
        expect((await clients.anna.get(`/tickets/${ticket.id}`)).text).toContain(`<option value="${queues.Sales}">Sales</option>`);
        expect((await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/move`, { queueId: String(queues.Sales) })).status).toBe(303);
        expect(await ticketOf(ticket.id)).toMatchObject({ queueId: queues.Sales });
      });
    });
  });

  describe('locks as in OTRS', () => {
    it('makes a ticket locked by another agent read-only: a notice names the holder, no actions are offered', async () => {
      const { ticket } = await supportTicket({ state: 'open' });
      await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/lock`);
      expect(await ticketOf(ticket.id)).toMatchObject({ locked: true, ownerId: ids.anna });

      const page = await clients.otto.get(`/tickets/${ticket.id}`);
      expect(page.text).toContain('data-test="lock-notice"');
      expect(page.text).toContain('Locked by Anna (anna): read-only for you until they or an administrator unlock it.');
      // The reply form's action carries its CSRF token (it is multipart: docs/SECURITY.md), so an action is matched up to `"` or `?`.
      const offers = (html: string, action: string) => new RegExp(`action="/tickets/${ticket.id}/${action}["?]`).test(html);
      for (const action of ['reply', 'note', 'lock', 'unlock', 'owner', 'state', 'move']) expect([action, offers(page.text, action)]).toEqual([action, false]);
      // The holder keeps every action.
      const own = await clients.anna.get(`/tickets/${ticket.id}`);
      expect(own.text).not.toContain('data-test="lock-notice"');
      for (const action of ['reply', 'note', 'unlock', 'owner', 'state', 'move']) expect([action, offers(own.text, action)]).toEqual([action, true]);
    });

    it('refuses every forged POST by another agent with 403 and the holder’s name; nothing changes', async () => {
      const { ticket } = await supportTicket({ state: 'open', locked: true, ownerId: ids.anna });
      const before = { ticket: await ticketOf(ticket.id), articles: (await articlesOf(ticket.id)).length };
      for (const [action, fields] of [
        ['reply', { body: 'Forged reply' }],
        // The other way (docs/SEARCH-AND-MEDIA.md): a public tweet from this DM ticket, with a one-time form key.
        ['reply', { body: 'Forged tweet', channel: 'tweet', formKey: randomUUID() }],
        ['reply', { body: 'Forged DM', channel: 'dm', formKey: randomUUID() }],
        ['note', { body: 'Forged note', formKey: randomUUID() }],
        ['lock', {}],
        ['unlock', {}],
        ['owner', { ownerId: String(ids.otto) }],
        ['state', { state: 'closed successful' }],
        ['state', { state: 'pending reminder', quick: 'in-1-hour' }],
        ['move', { queueId: String(queues.Sales) }],
      ] as const) {
        const res = await forged('otto', `/tickets/${ticket.id}/${action}`, fields);
        expect([action, res.status]).toEqual([action, 403]);
        expect(decoded(res.text)).toContain(`Ticket#${ticket.number} is locked by Anna (anna).`);
      }
      // A reply with an image, as the zoom's multipart form sends it (token in the action URL).
      const token = csrfTokenOf((await clients.otto.get('/')).text);
      const withImage = await clients.otto
        .post(`/tickets/${ticket.id}/reply?_csrf=${token}`)
        .field('formKey', randomUUID())
        .field('channel', 'dm')
        .field('body', 'Forged reply with an image')
        .attach('image', TINY_PNG, { filename: 'forged.png', contentType: 'image/png' });
      expect(withImage.status).toBe(403);
      expect(decoded(withImage.text)).toContain(`Ticket#${ticket.number} is locked by Anna (anna).`);
      expect(await ticketOf(ticket.id)).toEqual(before.ticket);
      expect(await articlesOf(ticket.id)).toHaveLength(before.articles);
      expect(await t.dataSource.getRepository(Attachment).countBy({ ticketId: ticket.id })).toBe(0);
      expect(await historyOf(ticket.id)).toEqual([]);
      expect(fakeX.sent).toEqual([]);
      expect(fakeX.uploads).toEqual([]);
    });

    it('two agents answering an unlocked ticket at the same moment, several times each: the first to commit holds it, every reply of the other is refused', async () => {
      const { ticket } = await supportTicket({ state: 'new' });
      const tokens = { anna: csrfTokenOf((await clients.anna.get('/')).text), otto: csrfTokenOf((await clients.otto.get('/')).text) };
      // All pass the page's checks; in the database one commits first and locks the ticket to its agent.
      // (On PostgreSQL these deadlocked while an article was inserted before the ticket's row was locked.)
      const posts = (['anna', 'otto', 'anna', 'otto', 'anna', 'otto', 'anna', 'otto'] as const).map((login, i) => ({ login, body: `Answer ${i} from ${login}` }));
      const results = await Promise.all(posts.map(({ login, body }) => clients[login].post(`/tickets/${ticket.id}/reply`).type('form').send({ _csrf: tokens[login], formKey: randomUUID(), body })));
      const winner = (await ticketOf(ticket.id)).ownerId === ids.anna ? 'anna' : 'otto';
      const holder = winner === 'anna' ? 'Anna (anna)' : 'Otto (otto)';
      for (const [i, res] of results.entries()) {
        if (posts[i].login === winner) expect([posts[i].body, res.status]).toEqual([posts[i].body, 303]);
        else expect([posts[i].body, res.status, decoded(res.text).includes(`Ticket#${ticket.number} is locked by ${holder}.`)]).toEqual([posts[i].body, 403, true]);
      }
      const written = posts.filter((p) => p.login === winner).map((p) => p.body);
      expect(
        (await articlesOf(ticket.id))
          .filter((a) => a.sender === 'agent')
          .map((a) => a.body)
          .sort(),
      ).toEqual([...written].sort());
      expect(await ticketOf(ticket.id)).toMatchObject({ state: 'open', locked: true, ownerId: ids[winner] });
      expect(fakeX.sent.map((m) => m.text).sort()).toEqual([...written].sort());
      expect((await historyOf(ticket.id)).filter((h) => h.kind === 'article').map((h) => h.agentId)).toEqual(written.map(() => ids[winner]));
    });

    it('refuses a change even when the lock was taken after the agent’s checks passed (checked on the locked row)', async () => {
      const { ticket } = await supportTicket({ state: 'open' });
      await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/lock`);
      // Otto's note got past the page and the first check a moment before Anna locked: the transaction itself refuses.
      const tickets = t.app.get(ConversationTickets);
      const attempt = t.app.get(Transactions).run(async (m) => {
        await tickets.addArticle(m, ticket, { sender: 'agent', channel: 'note', body: 'too late', createdById: ids.otto });
        await tickets.change(m, ticket.id, {}, agentActor({ id: ids.otto }));
      });
      await expect(attempt).rejects.toBeInstanceOf(TicketLockedException);
      expect((await articlesOf(ticket.id)).map((a) => a.body)).not.toContain('too late');
    });

    it('lets only the owner or an administrator unlock; the owner stays', async () => {
      const { ticket } = await supportTicket({ state: 'open', locked: true, ownerId: ids.anna });
      expect((await forged('otto', `/tickets/${ticket.id}/unlock`)).status).toBe(403);
      const adminPage = await clients.root.get(`/tickets/${ticket.id}`);
      expect(adminPage.text).toContain('data-test="lock-notice"');
      expect(adminPage.text).toContain('Unlock (administrator)');
      clock.advance(1000);
      const res = await post('root', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/unlock`);
      expect(res.status).toBe(303);
      expect(await ticketOf(ticket.id)).toMatchObject({ locked: false, ownerId: ids.anna });
      expect((await historyOf(ticket.id)).map((e) => [e.kind, e.actor, e.agentId, e.newValue])).toEqual([['lock', 'agent', ids.root, 'unlock']]);
      // Unlocked, anyone with rw may work on it again.
      expect((await post('otto', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/note`, { body: 'Now I can' })).status).toBe(303);
    });

    it('locks an unlocked ticket to the agent who replies (new → open), as before', async () => {
      const { ticket } = await supportTicket();
      const res = await post('otto', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/reply`, { body: 'On it!' });
      expect(res.status).toBe(303);
      expect(await ticketOf(ticket.id)).toMatchObject({ state: 'open', locked: true, ownerId: ids.otto });
      // Now Anna may not reply.
      expect((await forged('anna', `/tickets/${ticket.id}/reply`, { body: 'Me too' })).status).toBe(403);
    });
  });

  describe('pending time', () => {
    it('sets a pending reminder for tomorrow 09:00 in the agent’s zone with a quick choice (no JavaScript needed)', async () => {
      clock.setTo('2026-12-02T21:30:00Z');
      const { ticket } = await supportTicket({ state: 'open', locked: true, ownerId: ids.anna });
      const zoom = await clients.anna.get(`/tickets/${ticket.id}`);
      // The quick choices carry their times in Berlin for the script; without it they are submit buttons.
      expect(zoom.text).toContain('name="quick" value="tomorrow-0900" data-fill="2026-12-03T09:00"');
      expect(zoom.text).toContain('name="quick" value="in-1-hour" data-fill="2026-12-02T23:30"');
      expect(zoom.text).toContain('Date and time in your time zone (Europe/Berlin)');

      const res = await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/state`, { state: 'pending reminder', pendingUntil: '', quick: 'tomorrow-0900' });
      expect(res.status).toBe(303);
      const stored = await ticketOf(ticket.id);
      expect(stored.state).toBe('pending reminder');
      expect(Number(stored.pendingUntil)).toBe(Date.parse('2026-12-03T08:00:00Z'));
      const page = await follow(clients.anna, res);
      expect(page.text).toMatch(/data-test="pending-until"><time>2026-12-03 09:00<\/time><\/dd>/);
      // Otto (UTC) sees the same moment in his zone.
      expect((await clients.otto.get(`/tickets/${ticket.id}`)).text).toContain('<time>2026-12-03 08:00</time>');
    });

    it('reads a typed time in the agent’s zone, and refuses a missing, malformed or past one next to the field, keeping it', async () => {
      clock.setTo('2026-12-02T21:30:00Z');
      const { ticket } = await supportTicket({ state: 'open' });
      const zoom = `/tickets/${ticket.id}`;
      for (const [pendingUntil, message] of [
        ['', 'A pending state needs a date and time.'],
        ['2026-02-30T10:00', 'Enter a date and time such as 2026-12-03 09:00.'],
        ['2026-12-02T22:15', 'Choose a time in the future.'],
      ]) {
        const res = await post('anna', zoom, `${zoom}/state`, { state: 'pending auto close+', pendingUntil });
        const page = await zoomAfter('anna', res);
        expect(page.text).toMatch(new RegExp(`id="pendingUntil-error"[^>]*>${message}`));
        expect(page.text).toContain(`value="${pendingUntil}" data-test="pending-at"`);
        expect(page.text).toMatch(/<option value="pending auto close\+" selected>/);
      }
      expect(await ticketOf(ticket.id)).toMatchObject({ state: 'open', pendingUntil: null });

      await post('anna', zoom, `${zoom}/state`, { state: 'pending auto close+', pendingUntil: '2026-12-05T10:00' });
      expect(Number((await ticketOf(ticket.id)).pendingUntil)).toBe(Date.parse('2026-12-05T09:00:00Z'));
      // Leaving pending clears the time.
      await post('anna', zoom, `${zoom}/state`, { state: 'open' });
      expect(await ticketOf(ticket.id)).toMatchObject({ state: 'open', pendingUntil: null });
    });

    it('shows a reached reminder to its owner on the zoom, in the list and on the dashboard, not before', async () => {
      clock.setTo('2026-12-02T21:30:00Z');
      const { ticket } = await supportTicket({ state: 'open', title: 'Call back about the invoice' });
      await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/lock`);
      await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/state`, { state: 'pending reminder', quick: 'in-1-hour' });
      const reminders = async (login: string) => /data-test="dashboard-reminders"[\s\S]*?<\/section>/.exec((await clients[login].get('/')).text)![0];

      expect((await clients.anna.get(`/tickets/${ticket.id}`)).text).not.toContain('data-test="reminder-reached"');
      expect(await reminders('anna')).not.toContain(`/tickets/${ticket.id}"`);

      clock.advance(HOUR + 60_000);
      expect((await clients.anna.get(`/tickets/${ticket.id}`)).text).toContain('data-test="reminder-reached">reminder reached');
      expect((await clients.anna.get('/tickets?state=pending%20reminder')).text).toMatch(new RegExp(`data-ticket="${ticket.id}"[\\s\\S]*?reminder reached`));
      expect(await reminders('anna')).toContain(`<a href="/tickets/${ticket.id}">${ticket.number}</a>`);
      // Not Otto's: the ticket has an owner.
      expect(await reminders('otto')).not.toContain(`/tickets/${ticket.id}"`);
      // The state stays: a reminder only reminds.
      expect(await pendingCheck()).toBe(0);
      expect(await ticketOf(ticket.id)).toMatchObject({ state: 'pending reminder' });
    });

    it('shows a reached reminder of a ticket without owner to everyone who reads its queue', async () => {
      const { ticket } = await supportTicket({ state: 'pending reminder' });
      await ticketRepo().update({ id: ticket.id }, { pendingUntil: clock.now() - 1000 });
      for (const login of ['anna', 'otto', 'rob']) expect((await clients[login].get('/')).text).toContain(`<a href="/tickets/${ticket.id}">${ticket.number}</a>`);
      // Paul is in Support too; Mona as well — but nobody outside Support's group.
      const [salesOnly] = await Promise.all([insertTicket(t, { profileId: profile.id, queueId: queues.Sales, channel: 'dm', state: 'pending reminder' })]);
      await ticketRepo().update({ id: salesOnly.ticket.id }, { pendingUntil: clock.now() - 1000 });
      expect((await clients.rob.get('/')).text).not.toContain(`/tickets/${salesOnly.ticket.id}"`);
    });

    it.each([
      ['pending auto close+', 'closed successful'],
      ['pending auto close-', 'closed unsuccessful'],
    ] as const)('%s closes the ticket as %s when its time comes (the system, unlocked, conversation freed)', async (pending, closed) => {
      clock.setTo('2026-12-02T21:30:00Z');
      const customer = newCustomer();
      const { ticket } = await supportTicket({ state: 'open', customer });
      await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/lock`);
      await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/state`, { state: pending, quick: 'tomorrow-0900' });

      expect(await pendingCheck()).toBe(0);
      clock.setTo('2026-12-03T07:59:00Z');
      expect(await pendingCheck()).toBe(0);
      expect(await ticketOf(ticket.id)).toMatchObject({ state: pending, locked: true });

      clock.setTo('2026-12-03T08:00:30Z');
      const closedAt = clock.now();
      // The scheduler's job is this check.
      await t.app.get(Scheduler).runNow('pending-check');
      expect(await ticketOf(ticket.id)).toMatchObject({ state: closed, locked: false, pendingUntil: null, ownerId: ids.anna });
      expect(await t.dataSource.getRepository(TicketThread).findBy({ ticketId: ticket.id })).toEqual([expect.objectContaining({ openThreadKey: null })]);
      const bySystem = (await historyOf(ticket.id)).filter((e) => e.actor === 'system');
      expect(bySystem.map((e) => [e.kind, e.oldValue, e.newValue])).toEqual([
        ['state', pending, closed],
        ['pending', String(Date.parse('2026-12-03T08:00:00Z')), null],
        ['lock', 'lock', 'unlock'],
      ]);
      for (const entry of bySystem) expect(Math.abs(Number(entry.occurredAt) - closedAt)).toBeLessThan(5_000);
      expect(await pendingCheck()).toBe(0);
    });

    it('does not close a ticket the customer wrote to before the time (it is open again, its time cleared)', async () => {
      clock.setTo('2026-12-02T21:30:00Z');
      const customer: XPerson = { id: newCustomer().id, handle: 'late_reply', name: 'Late Reply' };
      await webhookDm(customer, 'First message');
      const [ticket] = await ticketRepo().find({ where: { customerXId: customer.id } });
      await post('anna', `/tickets/${ticket.id}`, `/tickets/${ticket.id}/state`, { state: 'pending auto close+', quick: 'in-1-hour' });
      await webhookDm(customer, 'Wait, one more question');
      expect(await ticketOf(ticket.id)).toMatchObject({ state: 'open', pendingUntil: null });
      clock.advance(2 * HOUR);
      expect(await pendingCheck()).toBe(0);
      expect(await ticketOf(ticket.id)).toMatchObject({ state: 'open' });
    });
  });

  async function webhookDm(from: XPerson, text: string) {
    const { body } = dmBody({ forUserId: account.id, from, to: account, text });
    await postSignedWebhook(t.app.getHttpServer(), profile.id, body, SECRET).expect(200);
    await t.app.get(InboxWorker).drain();
  }

  describe('history', () => {
    it('records every kind of change with who and when, and shows it on the zoom in the agent’s zone and language', async () => {
      clock.setTo('2026-12-02T08:00:00Z');
      const customer: XPerson = { id: newCustomer().id, handle: 'hist_customer', name: 'History Customer' };
      const step = async (what: () => Promise<unknown>) => {
        clock.advance(60_000);
        const at = clock.now();
        await what();
        return at;
      };
      const when: Record<string, number> = {};
      when.created = await step(() => webhookDm(customer, 'Hello, my parcel is late'));
      const [ticket] = await ticketRepo().find({ where: { customerXId: customer.id } });
      await t.app.get(ArticleDeliveryService).kick();
      const zoom = `/tickets/${ticket.id}`;
      when.lock = await step(() => post('anna', zoom, `${zoom}/lock`));
      when.reply = await step(() => post('anna', zoom, `${zoom}/reply`, { body: 'Sorry! Checking now.' }));
      when.note = await step(() => post('anna', zoom, `${zoom}/note`, { body: 'Asked the warehouse.' }));
      fakeX.setMode('server-error');
      when.failed = await step(() => post('anna', zoom, `${zoom}/reply`, { body: 'Sorry! Checking now.' }));
      fakeX.setMode('normal');
      const failed = (await articlesOf(ticket.id)).at(-1)!;
      expect(failed.deliveryStatus).toBe('failed');
      when.resent = await step(() => post('anna', zoom, `${zoom}/articles/${failed.id}/resend`));
      when.pending = await step(() => post('anna', zoom, `${zoom}/state`, { state: 'pending reminder', pendingUntil: '2026-12-04T10:00' }));
      when.owner = await step(() => post('anna', zoom, `${zoom}/owner`, { ownerId: String(ids.otto) }));
      when.unlock = await step(() => post('otto', zoom, `${zoom}/unlock`));
      when.move = await step(() => post('anna', zoom, `${zoom}/move`, { queueId: String(queues.Sales) }));
      when.open = await step(() => post('anna', zoom, `${zoom}/state`, { state: 'open' }));

      const entries = await historyOf(ticket.id);
      const rows = entries.map((e) => [e.kind, e.actor, e.agentId === null ? null : Object.keys(ids).find((k) => ids[k] === e.agentId), e.oldValue, e.newValue]);
      const articles = await articlesOf(ticket.id);
      const [customerDm, autoReply, reply, note] = articles;
      expect(rows).toEqual([
        ['created', 'customer', null, null, String(queues.Support)],
        ['article', 'customer', null, null, 'dm'],
        ['article', 'system', null, null, 'dm'],
        ['delivery-sent', 'system', null, null, autoReply.externalId],
        ['owner', 'agent', 'anna', null, String(ids.anna)],
        ['lock', 'agent', 'anna', 'unlock', 'lock'],
        ['article', 'agent', 'anna', null, 'dm'],
        ['state', 'agent', 'anna', 'new', 'open'],
        ['delivery-sent', 'system', null, null, reply.externalId],
        ['article', 'agent', 'anna', null, 'note'],
        ['article', 'agent', 'anna', null, 'dm'],
        ['delivery-failed', 'system', null, null, null],
        ['delivery-resent', 'agent', 'anna', null, null],
        ['delivery-sent', 'system', null, null, (await t.dataSource.getRepository(Article).findOneByOrFail({ id: failed.id })).externalId],
        ['state', 'agent', 'anna', 'open', 'pending reminder'],
        ['pending', 'agent', 'anna', null, String(Date.parse('2026-12-04T09:00:00Z'))],
        ['owner', 'agent', 'anna', String(ids.anna), String(ids.otto)],
        ['lock', 'agent', 'otto', 'lock', 'unlock'],
        ['queue', 'agent', 'anna', String(queues.Support), String(queues.Sales)],
        ['state', 'agent', 'anna', 'pending reminder', 'open'],
        ['pending', 'agent', 'anna', String(Date.parse('2026-12-04T09:00:00Z')), null],
      ]);
      expect(entries.filter((e) => e.kind === 'article').map((e) => e.articleId)).toEqual([customerDm.id, autoReply.id, reply.id, note.id, failed.id]);
      expect(JSON.parse(entries.find((e) => e.kind === 'delivery-failed')!.detail!).key).toBe('tickets.delivery.error.gaveUp.server-error');
      // Each entry carries the time of its step (the clock), within the step's few milliseconds.
      const at = (kind: string, n = 0) => Number(entries.filter((e) => e.kind === kind)[n].occurredAt);
      for (const [kind, n, step] of [
        ['created', 0, 'created'],
        ['lock', 0, 'lock'],
        ['lock', 1, 'unlock'],
        ['delivery-failed', 0, 'failed'],
        ['delivery-resent', 0, 'resent'],
        ['pending', 0, 'pending'],
        ['queue', 0, 'move'],
        ['state', 2, 'open'],
      ] as const) {
        expect([kind, at(kind, n) - when[step]]).toEqual([kind, expect.any(Number)]);
        expect(at(kind, n) - when[step]).toBeGreaterThanOrEqual(0);
        expect(at(kind, n) - when[step]).toBeLessThan(60_000);
      }

      // Anna reads it in Berlin time; the customer and the system are named.
      const page = await clients.anna.get(zoom);
      const history = /data-test="history"[\s\S]*?<\/details>/.exec(page.text)![0];
      expect(history).toContain('Ticket created in queue Support');
      expect(history).toContain('Customer @hist_customer');
      expect(history).toContain('Sending failed: X kept answering with server errors; gave up after 1 attempts.');
      expect(history).toContain('Pending time set to 2026-12-04 10:00');
      expect(history).toContain('Owner changed from Anna (anna) to Otto (otto)');
      expect(history).toContain('Moved from queue Support to Sales');
      expect(history).toContain(`<td class="nowrap"><time>2026-12-02 09:0`);
      expect(history).toContain(`<a href="#article-${note.id}">`);
      await t.dataSource.getRepository(Agent).update({ id: ids.otto }, { language: 'de' });
      const german = /data-test="history"[\s\S]*?<\/details>/.exec((await clients.otto.get(zoom)).text)![0];
      expect(german).toContain('Von Queue Support nach Sales verschoben');
      expect(german).toContain('Status von warten zur Erinnerung auf offen geändert');
      expect(german).toContain('<time>2026-12-02 08:0');
      await t.dataSource.getRepository(Agent).update({ id: ids.otto }, { language: 'en' });
    });

    it('writes history in the change’s transaction: a refused change leaves none', async () => {
      const { ticket } = await supportTicket({ state: 'open', locked: true, ownerId: ids.anna });
      await forged('otto', `/tickets/${ticket.id}/state`, { state: 'closed successful' });
      const attempt = t.app.get(Transactions).run(async (m) => {
        await t.app.get(ConversationTickets).change(m, ticket.id, { state: 'closed successful' }, agentActor({ id: ids.anna }));
        throw new Error('rolled back after the change');
      });
      await expect(attempt).rejects.toThrow('rolled back');
      expect(await historyOf(ticket.id)).toEqual([]);
      expect(await ticketOf(ticket.id)).toMatchObject({ state: 'open' });
    });
  });

  describe('dashboard', () => {
    it('lists my locked tickets, new tickets in my queues and failed replies, each linked, only from queues I read', async () => {
      const { ticket: mine } = await supportTicket({ state: 'open', locked: true, ownerId: ids.paul, title: 'Paul holds this' });
      const { ticket: fresh } = await supportTicket({ title: 'Brand new question' });
      const { ticket: inSales } = await insertTicket(t, { profileId: profile.id, queueId: queues.Sales, channel: 'dm', title: 'Sales only' });
      const { ticket: failing } = await supportTicket({ state: 'open', articles: [{ body: 'Hi' }, { sender: 'agent', body: 'Our answer', deliveryStatus: 'failed', createdById: ids.paul }] });
      const failedArticle = (await articlesOf(failing.id)).at(-1)!;

      const section = (html: string, name: string) => new RegExp(`data-test="dashboard-${name}"[\\s\\S]*?</section>`).exec(html)![0];
      const paul = (await clients.paul.get('/')).text;
      expect(section(paul, 'locked')).toContain(`<a href="/tickets/${mine.id}">${mine.number}</a>`);
      expect(section(paul, 'new')).toContain(`<a href="/tickets/${fresh.id}">${fresh.number}</a>`);
      expect(section(paul, 'new')).toContain(`<a href="/tickets/${inSales.id}">`);
      expect(section(paul, 'failed')).toContain(`<a href="/tickets/${failing.id}#article-${failedArticle.id}">${failing.number}</a>`);

      const rob = (await clients.rob.get('/')).text;
      expect(section(rob, 'locked')).not.toContain(`/tickets/${mine.id}"`);
      expect(section(rob, 'new')).toContain(`/tickets/${fresh.id}"`);
      expect(section(rob, 'new')).not.toContain(`/tickets/${inSales.id}"`);
      // A resend takes it off the list.
      await post('paul', `/tickets/${failing.id}`, `/tickets/${failing.id}/articles/${failedArticle.id}/resend`);
      expect(section((await clients.paul.get('/')).text, 'failed')).not.toContain(`/tickets/${failing.id}#`);
    });
  });

  describe('preferences: time zone', () => {
    it('saves a zone from the list and shows times in it; refuses one the runtime does not know', async () => {
      const client = clients.nick;
      const page = await client.get('/preferences');
      expect(page.text).toContain('<option value="Europe/Belgrade">Europe/Belgrade</option>');
      expect(page.text).toContain('<option value="UTC" selected>UTC</option>');
      const res = await client
        .post('/preferences')
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text), language: 'sr', timeZone: 'Europe/Belgrade' });
      expect(res.status).toBe(303);
      expect(await t.dataSource.getRepository(Agent).findOneByOrFail({ id: ids.nick })).toMatchObject({ language: 'sr', timeZone: 'Europe/Belgrade' });
      const { ticket } = await supportTicket();
      const created = (await ticketOf(ticket.id)).createdAt;
      const belgrade = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Belgrade', dateStyle: 'short', timeStyle: 'short' }).format(created);
      expect((await client.get(`/tickets/${ticket.id}`)).text).toContain(`<dd>${belgrade}</dd>`);

      const again = await client.get('/preferences');
      const bad = await client
        .post('/preferences')
        .type('form')
        .send({ _csrf: csrfTokenOf(again.text), language: 'en', timeZone: 'Mars/Olympus' });
      const shown = await follow(client, bad);
      expect(shown.text).toMatch(/id="timeZone-error"[^>]*>/);
      expect(await t.dataSource.getRepository(Agent).findOneByOrFail({ id: ids.nick })).toMatchObject({ language: 'sr', timeZone: 'Europe/Belgrade' });
      // A form without the zone (an older page, a script) changes the language only.
      const third = await client.get('/preferences');
      await client
        .post('/preferences')
        .type('form')
        .send({ _csrf: csrfTokenOf(third.text), language: 'en' });
      expect(await t.dataSource.getRepository(Agent).findOneByOrFail({ id: ids.nick })).toMatchObject({ language: 'en', timeZone: 'Europe/Belgrade' });
    });
  });

  describe('preferences: own password', () => {
    async function newAgent(login: string) {
      const agents = t.app.get(AgentsService);
      ids[login] = (await agents.create({ login, name: login, password: `${login}-password` })).id;
      const client = browserLike(t.app);
      await logIn(client, login, `${login}-password`);
      return client;
    }
    async function changePassword(client: TestAgent, fields: Record<string, string>) {
      const page = await client.get('/preferences');
      const res = await client
        .post('/preferences/password')
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text), ...fields });
      expect(res.status).toBe(303);
      return res.headers.location === '/preferences/password' ? follow(client, await follow(client, res)) : follow(client, res);
    }

    it('refuses a wrong current password, two different new ones, a short one and the same one, next to the field, keeping no typed password', async () => {
      const pia = await newAgent('pia');
      for (const [fields, field, message] of [
        [{ currentPassword: 'wrong-password', newPassword: 'new-password-1', newPasswordRepeat: 'new-password-1' }, 'currentPassword', 'This is not your current password.'],
        [{ currentPassword: 'pia-password', newPassword: 'new-password-1', newPasswordRepeat: 'new-password-2' }, 'newPasswordRepeat', 'The two new passwords differ. Type the same one twice.'],
        [{ currentPassword: 'pia-password', newPassword: 'short', newPasswordRepeat: 'short' }, 'newPassword', 'At least 8 characters.'],
        [{ currentPassword: 'pia-password', newPassword: 'pia-password', newPasswordRepeat: 'pia-password' }, 'newPassword', 'The new password must differ from the current one.'],
        [{ currentPassword: '', newPassword: 'new-password-1', newPasswordRepeat: 'new-password-1' }, 'currentPassword', 'This field is required.'],
      ] as const) {
        const page = await changePassword(pia, fields);
        expect(decoded(page.text)).toMatch(new RegExp(`id="${field}-error"[^>]*>${message.replace(/[.]/g, '\\.')}`));
        for (const typed of [fields.currentPassword, fields.newPassword, fields.newPasswordRepeat].filter(Boolean)) expect(page.text).not.toContain(`value="${typed}"`);
      }
      const user = await t.dataSource.getRepository(Agent).findOneByOrFail({ id: ids.pia });
      expect(await t.app.get(PasswordHasher).verify(user.passwordHash, 'pia-password')).toBe(true);
    });

    it('changes it with the current one: this session stays, the agent’s other sessions end, only the new password logs in', async () => {
      const here = await newAgent('quentin');
      const elsewhere = browserLike(t.app);
      await logIn(elsewhere, 'quentin', 'quentin-password');
      expect((await elsewhere.get('/')).status).toBe(200);
      // Someone else's session is not touched.
      expect((await clients.anna.get('/')).status).toBe(200);

      const page = await changePassword(here, { currentPassword: 'quentin-password', newPassword: 'a new 🔑 passphrase', newPasswordRepeat: 'a new 🔑 passphrase' });
      expect(page.text).toContain('Your password was changed. Your other sessions have ended.');
      expect((await here.get('/tickets')).status).toBe(200);
      const ended = await elsewhere.get('/');
      expect(ended.status).toBe(303);
      expect(ended.headers.location).toMatch(/^\/login/);
      expect((await clients.anna.get('/')).status).toBe(200);

      const fresh = browserLike(t.app);
      await expect(logIn(fresh, 'quentin', 'quentin-password')).rejects.toThrow('login as quentin failed');
      await logIn(fresh, 'quentin', 'a new 🔑 passphrase');
      expect((await fresh.get('/')).status).toBe(200);
    });

    it('counts a wrong current password as a failed login: after five, even the right one is refused for a while', async () => {
      const rita = await newAgent('rita');
      for (let i = 0; i < 5; i++) {
        const page = await changePassword(rita, { currentPassword: `guess-${i}`, newPassword: 'new-password-1', newPasswordRepeat: 'new-password-1' });
        expect(page.text).toContain('This is not your current password.');
      }
      const locked = await changePassword(rita, { currentPassword: 'rita-password', newPassword: 'new-password-1', newPasswordRepeat: 'new-password-1' });
      expect(locked.text).toMatch(/id="currentPassword-error"[^>]*>Too many failed logins\. Please try again in 15 minutes\./);
      const user = await t.dataSource.getRepository(Agent).findOneByOrFail({ id: ids.rita });
      expect(await t.app.get(PasswordHasher).verify(user.passwordHash, 'rita-password')).toBe(true);
    });

    it('refuses a change without the form’s CSRF token', async () => {
      const res = await clients.anna.post('/preferences/password').type('form').send({ currentPassword: 'anna-password', newPassword: 'new-password-1', newPasswordRepeat: 'new-password-1' });
      expect(res.status).toBe(403);
      const user = await t.dataSource.getRepository(Agent).findOneByOrFail({ id: ids.anna });
      expect(await t.app.get(PasswordHasher).verify(user.passwordHash, 'anna-password')).toBe(true);
    });
  });

  describe('random sequences of agents’ actions on one ticket (fast-check)', () => {
    type Step =
      | { kind: 'lock' | 'unlock' | 'note'; who: string }
      | { kind: 'state'; who: string; state: AgentState }
      | { kind: 'move'; who: string; queue: 'Support' | 'Sales' }
      | { kind: 'owner'; who: string; owner: string }
      // A reply either way (docs/SEARCH-AND-MEDIA.md) with one of a few one-time form keys, so keys repeat.
      | { kind: 'reply'; who: string; channel: 'dm' | 'tweet'; key: number };
    const who = fc.constantFrom('anna', 'otto', 'rob', 'root');
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constantFrom('lock' as const, 'unlock' as const, 'note' as const), who }),
      fc.record({ kind: fc.constant('state' as const), who, state: fc.constantFrom(...AGENT_STATES) }),
      fc.record({ kind: fc.constant('move' as const), who, queue: fc.constantFrom('Support' as const, 'Sales' as const) }),
      fc.record({ kind: fc.constant('owner' as const), who, owner: fc.constantFrom('anna', 'otto') }),
      fc.record({ kind: fc.constant('reply' as const), who, channel: fc.constantFrom('dm' as const, 'tweet' as const), key: fc.integer({ min: 0, max: 2 }) }),
    );
    /** The refusals an action may meet; anything else is a bug. */
    const refused = (error: unknown) => error instanceof DomainException || error instanceof HttpException;

    it('never lets an agent change a ticket another agent holds, keeps pending times and locks consistent, and the history replays to the ticket', async () => {
      const agents = Object.fromEntries(await Promise.all(['anna', 'otto', 'rob', 'root'].map(async (login) => [login, (await t.app.get(AgentsService).findCurrentAgent(ids[login]))!] as const)));
      const locks = t.app.get(TicketLockService);
      const states = t.app.get(TicketStateService);
      const moves = t.app.get(TicketMoveService);
      const actions = t.app.get(TicketActionsService);
      const delivery = t.app.get(ArticleDeliveryService);
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
          const { ticket } = await supportTicket();
          const keys = [randomUUID(), randomUUID(), randomUUID()];
          /** Who first wrote a reply with each key. */
          const keyWriter = new Map<number, string>();
          const sentBefore = fakeX.sent.length;
          for (const s of steps) {
            const before = await ticketOf(ticket.id);
            const historyBefore = (await historyOf(ticket.id)).length;
            const agent = agents[s.who];
            let done = true;
            try {
              if (s.kind === 'lock') await locks.lock(agent, ticket.id);
              else if (s.kind === 'unlock') await locks.unlock(agent, ticket.id);
              else if (s.kind === 'note') await actions.note(agent, ticket.id, { body: 'a note' });
              else if (s.kind === 'state') await states.setState(agent, ticket.id, { state: s.state, quick: 'in-1-hour' });
              else if (s.kind === 'move') await moves.move(agent, ticket.id, String(queues[s.queue]));
              else if (s.kind === 'owner') await actions.setOwner(agent, ticket.id, String(ids[s.owner]));
              else if (s.kind === 'reply') await actions.reply(agent, ticket.id, { body: `reply with key ${s.key}`, channel: s.channel, formKey: keys[s.key] });
            } catch (error) {
              if (!refused(error)) throw error;
              done = false;
            }
            // A reply's delivery runs on: its outcome (and history entry) is in before the next step looks.
            if (s.kind === 'reply') await delivery.kick();
            const after = await ticketOf(ticket.id);
            const heldByOther = before.locked && before.ownerId !== null && before.ownerId !== agent.id;
            // Read-only while another agent holds it: only an administrator's unlock gets through.
            if (heldByOther && !(s.kind === 'unlock' && agent.isAdmin)) expect([s, done]).toEqual([s, false]);
            if (!done) {
              expect(after).toEqual(before);
              expect(await historyOf(ticket.id)).toHaveLength(historyBefore);
            }
            expect(after.pendingUntil === null).toBe(!isPendingState(after.state));
            // Closing unlocks (locking a closed ticket afterwards is allowed, as in OTRS).
            if (done && s.kind === 'state' && CLOSED_STATES.includes(s.state)) expect(after.locked).toBe(false);
            if (s.kind === 'reply') {
              const writer = keyWriter.get(s.key);
              const withKey = (await articlesOf(ticket.id)).filter((a) => a.formKey === keys[s.key]);
              expect(withKey.length).toBe(writer === undefined && !done ? 0 : 1);
              // Another agent's key is refused; the writer's own key again shows the first reply and changes nothing.
              if (writer !== undefined && writer !== s.who) expect([s, done]).toEqual([s, false]);
              if (writer === s.who) {
                expect(after).toEqual(before);
                expect(await historyOf(ticket.id)).toHaveLength(historyBefore);
              }
              if (writer === undefined && done) {
                keyWriter.set(s.key, s.who);
                const added = (await historyOf(ticket.id)).slice(historyBefore);
                expect(added).toContainEqual(expect.objectContaining({ kind: 'article', actor: 'agent', agentId: agent.id, articleId: withKey[0].id, newValue: s.channel }));
                expect(after).toMatchObject({ locked: true, ownerId: agent.id });
              }
            }
          }
          // Every reply written went to X once.
          expect(fakeX.sent.length - sentBefore).toBe(keyWriter.size);

          // Replaying the history from a new ticket gives the ticket as stored; each entry's old value is what it was.
          const replay = { state: 'new' as string, queueId: queues.Support, ownerId: null as number | null, locked: false, pendingUntil: null as number | null };
          const num = (v: string | null) => (v === null ? null : Number(v));
          for (const e of await historyOf(ticket.id)) {
            if (e.kind === 'state') {
              expect(e.oldValue).toBe(replay.state);
              replay.state = e.newValue!;
            }
            if (e.kind === 'queue') {
              expect(num(e.oldValue)).toBe(replay.queueId);
              replay.queueId = Number(e.newValue);
            }
            if (e.kind === 'owner') {
              expect(num(e.oldValue)).toBe(replay.ownerId);
              replay.ownerId = num(e.newValue);
            }
            if (e.kind === 'lock') {
              expect(e.oldValue === 'lock').toBe(replay.locked);
              replay.locked = e.newValue === 'lock';
            }
            if (e.kind === 'pending') {
              expect(num(e.oldValue)).toBe(replay.pendingUntil);
              replay.pendingUntil = num(e.newValue);
            }
          }
          const stored = await ticketOf(ticket.id);
          expect(replay).toEqual({ state: stored.state, queueId: stored.queueId, ownerId: stored.ownerId, locked: stored.locked, pendingUntil: stored.pendingUntil });
        }),
        { numRuns: 25 },
      );
    });
  });
});

describe('migration 1764500000000-AgentDay', () => {
  it('gives every existing ticket a history: its creation and its articles, with who and when; and undoes cleanly', async () => {
    const t = await createTestApp({ env: { INBOX_WORKER: 'off', DELIVERY_INTERVAL_MS: '3600000' } });
    const exclusive = <R>(work: () => Promise<R>) => t.app.get(Transactions).exclusive(work);
    const hasHistoryTable = async () => {
      const runner = t.dataSource.createQueryRunner();
      try {
        return await runner.hasTable('ticket_history');
      } finally {
        await runner.release();
      }
    };
    try {
      const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
      const profile = await createReadyProfile(t, { targetQueueId: raw.id });
      const agent = await t.app.get(AgentsService).create({ login: 'mig', name: 'Mig', password: 'mig-password' });
      // Stored as before the migration: no history rows.
      const { ticket: incoming, articles: incomingArticles } = await insertTicket(t, {
        profileId: profile.id,
        queueId: raw.id,
        channel: 'dm',
        articles: [{ body: 'Hi' }, { sender: 'system', body: 'Auto' }],
      });
      const { ticket: outgoing } = await insertTicket(t, { profileId: profile.id, queueId: raw.id, channel: 'tweet', articles: [{ sender: 'agent', body: 'Hello @x', createdById: agent.id }] });
      const { ticket: empty } = await insertTicket(t, { profileId: profile.id, queueId: raw.id, channel: 'tweet', articles: [] });

      // 1764600000000-EpochMsTimes rebuilds SQLite tables, which needs foreign keys off: undone without a transaction.
      await exclusive(() => t.dataSource.undoLastMigration({ transaction: 'none' }));
      while (await hasHistoryTable()) await exclusive(() => t.dataSource.undoLastMigration({ transaction: 'all' }));
      await exclusive(() => t.dataSource.runMigrations({ transaction: 'all' }));

      const rows = await t.dataSource.getRepository(TicketHistoryEntry).find({ order: { id: 'ASC' } });
      const of = (ticketId: number) => rows.filter((r) => r.ticketId === ticketId).map((r) => [r.kind, r.actor, r.agentId, r.newValue, r.articleId]);
      expect(of(incoming.id)).toEqual([
        ['created', 'customer', null, String(raw.id), null],
        ['article', 'customer', null, 'dm', incomingArticles[0].id],
        ['article', 'system', null, 'dm', incomingArticles[1].id],
      ]);
      expect(of(outgoing.id)).toEqual([
        ['created', 'agent', agent.id, String(raw.id), null],
        ['article', 'agent', agent.id, 'tweet', expect.any(Number)],
      ]);
      expect(of(empty.id)).toEqual([['created', 'system', null, String(raw.id), null]]);
      const created = rows.find((r) => r.ticketId === incoming.id && r.kind === 'created')!;
      expect(Math.abs(created.occurredAt - incoming.createdAt)).toBeLessThan(1000);
      expect((await t.dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
