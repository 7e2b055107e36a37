import type request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AclStoreService } from '../../src/acl/acl-store.service';
import { Queue } from '../../src/queues/queue.entity';
import type { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { Article } from '../../src/tickets/article.entity';
import { TicketHistoryEntry } from '../../src/tickets/ticket-history.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertArticle, insertTicket, type TicketSeed } from '../factories/ticket.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, logIn } from '../utils/http';

/**
 * Every field and every action the deployed ACLs restrict, on every agent screen
 * (docs/ACL.md, "Screens"): hidden on the page — where an agent the ACLs leave alone sees it on the
 * same kind of ticket — and a forged POST of it refused with 403 and its message, with the ticket
 * row, its articles and history unchanged and nothing sent to (the fake) X. The same POST by the
 * unrestricted agent goes through, so the refusal is the ACL's.
 */

/** One ACL per restricted agent, matched by login, as an OTRS file would write it. */
function aclFor(login: string, change: string, extraMatch = ''): string {
  return [
    `- Name: 100-${login}`,
    '  ValidID: 1',
    '  ConfigMatch:',
    '    Properties:',
    '      User:',
    `        UserLogin: [${login}]`,
    ...(extraMatch ? [extraMatch] : []),
    '  ConfigChange:',
    change,
  ].join('\n');
}

const notAction = (...actions: string[]) => `    PossibleNot:\n      Action: [${actions.join(', ')}]`;

describe('ACLs on every agent screen: hidden and enforced', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let profile: SocialMediaProfile;
  const queues: Record<string, number> = {};
  const ids: Record<string, number> = {};
  const clients: Record<string, TestAgent> = {};
  const LOGINS = [
    'free',
    'other',
    'no_lock',
    'no_owner',
    'no_close',
    'no_pending',
    'no_reopen',
    'no_move',
    'no_note',
    'no_reply',
    'no_resend',
    'no_new',
    'no_profile',
    'fields',
    'no_owners',
    'zoom_menu',
    'close_screen',
  ];

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    registerXAccount(fakeX);
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl, X_API_TIMEOUT_MS: '2000', DELIVERY_INTERVAL_MS: '3600000', DELIVERY_MAX_ATTEMPTS: '1' } });
    const group = await t.dataSource.getRepository(Group).save({ name: 'support', comment: '', validity: 'valid' });
    for (const name of ['Support', 'Sales', 'Escalation']) queues[name] = (await t.dataSource.getRepository(Queue).save({ name, groupId: group.id, followUp: 'possible' as const })).id;
    profile = await createReadyProfile(t, { targetQueueId: queues.Support });
    const agents = t.app.get(AgentsService);
    for (const login of LOGINS) {
      ids[login] = (await agents.create({ login, name: `Agent ${login}`, password: `${login}-password` })).id;
      await agents.setMembership(ids[login], group.id, 'rw');
      clients[login] = browserLike(t.app);
      await logIn(clients[login], login, `${login}-password`);
    }
    const yaml = [
      aclFor('no_lock', notAction('AgentTicketLock')),
      aclFor('no_owner', notAction('AgentTicketOwner')),
      aclFor('no_close', notAction('AgentTicketClose')),
      aclFor('no_pending', notAction('AgentTicketPending')),
      aclFor('no_reopen', notAction('AgentTicketFreeText')),
      aclFor('no_move', notAction('AgentTicketMove')),
      aclFor('no_note', notAction('AgentTicketNote')),
      aclFor('no_reply', notAction('AgentTicketCompose')),
      aclFor('no_resend', notAction('AgentTicketEmailResend')),
      aclFor('no_new', notAction('AgentTicketEmail')),
      aclFor('no_profile', `    PossibleNot:\n      Ticket:\n        TwitterProfileID: ['${profile.id}']`),
      // Every field, by name and by id, for one agent.
      aclFor(
        'fields',
        [
          '    PossibleNot:',
          '      Ticket:',
          '        Queue: [Sales]',
          `        QueueID: ['${queues.Escalation}']`,
          "        State: ['closed unsuccessful']",
          "        StateID: ['6']",
          '        Owner: [free]',
          `        OwnerID: ['${ids.other}']`,
          '        NewOwner: [no_lock]',
        ].join('\n'),
      ),
      // Changing the owner is allowed, but to nobody there is.
      aclFor('no_owners', "    Possible:\n      Ticket:\n        Owner: ['nobody here']"),
      // An ACL for the zoom's menu only, and one for the close screen only.
      aclFor('zoom_menu', notAction('AgentTicketNote', 'AgentTicketClose'), '      Frontend:\n        Action: [AgentTicketZoom]'),
      aclFor('close_screen', "    Possible:\n      Ticket:\n        State: ['closed successful']", '      Frontend:\n        Action: [AgentTicketClose]'),
    ].join('\n');
    const store = t.app.get(AclStoreService);
    await store.importYaml(yaml, { overwrite: false, actor: 'test' });
    await store.deploy('test');
  });
  afterAll(async () => {
    await t?.close();
    await fakeX?.close();
  });
  afterEach(() => fakeX.reset());

  const ticketRepo = () => t.dataSource.getRepository(Ticket);
  const decoded = (html: string) =>
    html
      .replace(/&#x27;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  const supportTicket = (seed: Partial<TicketSeed> = {}) => insertTicket(t, { profileId: profile.id, queueId: queues.Support, channel: 'dm', state: 'open', ...seed });

  /** Everything a refused POST must leave alone. */
  async function snapshot(ticketId?: number) {
    return {
      tickets: await ticketRepo().count(),
      ticket: ticketId ? await ticketRepo().findOneByOrFail({ id: ticketId }) : null,
      articles: ticketId ? await t.dataSource.getRepository(Article).find({ where: { ticketId }, order: { id: 'ASC' } }) : [],
      history: ticketId ? await t.dataSource.getRepository(TicketHistoryEntry).find({ where: { ticketId }, order: { id: 'ASC' } }) : [],
      sentToX: fakeX.sent.length,
    };
  }
  /** The zoom's HTML for an agent. */
  const zoom = async (login: string, ticketId: number) => {
    const res = await clients[login].get(`/tickets/${ticketId}`);
    expect(res.status).toBe(200);
    return res.text;
  };
  /** A POST with a valid CSRF token (from the dashboard), fields made up: what a forged form sends. */
  async function forged(login: string, path: string, fields: Record<string, string>): Promise<request.Response> {
    const token = csrfTokenOf((await clients[login].get('/')).text);
    return clients[login]
      .post(path)
      .type('form')
      .send({ _csrf: token, ...fields });
  }
  /** The options of a select of the page. */
  const optionsOf = (html: string, id: string) =>
    [...(new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '').matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]).filter(Boolean);
  const future = '2099-01-01T09:00';

  interface ActionCase {
    login: string;
    /** The ticket as this action needs it; `owner` is who it is locked to, if locked. */
    seed: (owner: string) => Promise<{ id: number; extra?: number }>;
    /** Present on the page when offered. */
    marker: (id: number, extra?: number) => string;
    post: (id: number, extra?: number) => { path: string; fields: Record<string, string> };
    message: string;
  }

  const actionCases: Record<string, ActionCase> = {
    lock: {
      login: 'no_lock',
      seed: async () => ({ id: (await supportTicket()).ticket.id }),
      marker: (id) => `action="/tickets/${id}/lock"`,
      post: (id) => ({ path: `/tickets/${id}/lock`, fields: {} }),
      message: 'An ACL does not allow you to lock this ticket. Nothing was changed.',
    },
    unlock: {
      login: 'no_lock',
      seed: async (owner) => ({ id: (await supportTicket({ locked: true, ownerId: ids[owner] })).ticket.id }),
      marker: (id) => `action="/tickets/${id}/unlock"`,
      post: (id) => ({ path: `/tickets/${id}/unlock`, fields: {} }),
      message: 'An ACL does not allow you to unlock this ticket. Nothing was changed.',
    },
    owner: {
      login: 'no_owner',
      seed: async () => ({ id: (await supportTicket()).ticket.id }),
      marker: (id) => `action="/tickets/${id}/owner"`,
      post: (id) => ({ path: `/tickets/${id}/owner`, fields: { ownerId: String(ids.other) } }),
      message: 'An ACL does not allow you to change the owner of this ticket. Nothing was changed.',
    },
    close: {
      login: 'no_close',
      seed: async () => ({ id: (await supportTicket()).ticket.id }),
      marker: () => '<option value="closed successful"',
      post: (id) => ({ path: `/tickets/${id}/state`, fields: { state: 'closed successful' } }),
      message: 'An ACL does not allow you to close this ticket. Nothing was changed.',
    },
    pending: {
      login: 'no_pending',
      seed: async () => ({ id: (await supportTicket()).ticket.id }),
      marker: () => '<option value="pending reminder"',
      post: (id) => ({ path: `/tickets/${id}/state`, fields: { state: 'pending reminder', pendingUntil: future } }),
      message: 'An ACL does not allow you to set this ticket pending. Nothing was changed.',
    },
    reopen: {
      login: 'no_reopen',
      seed: async () => ({ id: (await supportTicket({ state: 'closed successful' })).ticket.id }),
      marker: () => '<option value="open"',
      post: (id) => ({ path: `/tickets/${id}/state`, fields: { state: 'open' } }),
      message: 'An ACL does not allow you to reopen this ticket or set it to this state. Nothing was changed.',
    },
    move: {
      login: 'no_move',
      seed: async () => ({ id: (await supportTicket()).ticket.id }),
      marker: (id) => `action="/tickets/${id}/move"`,
      post: (id) => ({ path: `/tickets/${id}/move`, fields: { queueId: String(queues.Sales) } }),
      message: 'An ACL does not allow you to move this ticket. Nothing was changed.',
    },
    note: {
      login: 'no_note',
      seed: async () => ({ id: (await supportTicket()).ticket.id }),
      marker: (id) => `action="/tickets/${id}/note"`,
      post: (id) => ({ path: `/tickets/${id}/note`, fields: { body: 'A forged note' } }),
      message: 'An ACL does not allow you to add a note to this ticket. Nothing was stored.',
    },
    'reply by DM': {
      login: 'no_reply',
      seed: async () => ({ id: (await supportTicket()).ticket.id }),
      marker: (id) => `action="/tickets/${id}/reply?`,
      post: (id) => ({ path: `/tickets/${id}/reply`, fields: { body: 'A forged reply', channel: 'dm' } }),
      message: 'An ACL does not allow you to reply on this ticket. Nothing was stored or sent.',
    },
    'reply the other way (a mention answered by DM)': {
      login: 'no_reply',
      seed: async () => ({ id: (await supportTicket({ channel: 'tweet' })).ticket.id }),
      marker: () => 'data-test="channel-dm"',
      post: (id) => ({ path: `/tickets/${id}/reply`, fields: { body: 'A forged DM', channel: 'dm' } }),
      message: 'An ACL does not allow you to reply on this ticket. Nothing was stored or sent.',
    },
    resend: {
      login: 'no_resend',
      seed: async () => {
        const { ticket } = await supportTicket();
        const failed = await insertArticle(t, ticket, undefined, { sender: 'agent', channel: 'dm', body: 'Failed before', deliveryStatus: 'failed', createdById: ids.other });
        return { id: ticket.id, extra: failed.id };
      },
      marker: (id, extra) => `action="/tickets/${id}/articles/${extra}/resend"`,
      post: (id, extra) => ({ path: `/tickets/${id}/articles/${extra}/resend`, fields: {} }),
      message: 'An ACL does not allow you to send this message again. Nothing was sent.',
    },
  };

  describe.each(Object.entries(actionCases))('action: %s', (_, c) => {
    it(`is offered to an agent no ACL restricts, and the same POST goes through`, async () => {
      const { id, extra } = await c.seed('free');
      expect(await zoom('free', id)).toContain(c.marker(id, extra));
      const before = await snapshot(id);
      const { path, fields } = c.post(id, extra);
      const res = await forged('free', path, fields);
      expect(res.status).toBe(303);
      expect(await snapshot(id)).not.toEqual(before);
    });

    it(`is hidden from ${c.login}, and a forged POST is 403 with a message: nothing changed, nothing sent`, async () => {
      const { id, extra } = await c.seed(c.login);
      const page = await zoom(c.login, id);
      expect(page).not.toContain(c.marker(id, extra));
      expect(page).toContain('data-test="acl-hidden"');
      const before = await snapshot(id);
      const { path, fields } = c.post(id, extra);
      const res = await forged(c.login, path, fields);
      expect(res.status).toBe(403);
      expect(decoded(res.text)).toContain(c.message);
      expect(await snapshot(id)).toEqual(before);
    });
  });

  it('says why the reply form is missing, and the other forms stay', async () => {
    const { ticket } = await supportTicket();
    const page = await zoom('no_reply', ticket.id);
    expect(page).toContain('<p class="banner" data-test="reply-refused">An ACL does not allow you to reply on this ticket.</p>');
    expect(decoded(page)).toMatch(/Not offered to you here because of ACLs: reply<\/p>/);
    expect(page).toContain(`action="/tickets/${ticket.id}/note"`);
    expect(page).toContain(`action="/tickets/${ticket.id}/lock"`);
  });

  describe('action: new ticket (AgentTicketEmail)', () => {
    it('hides the link and the screen, and refuses a forged POST with 403; nothing stored or sent', async () => {
      expect((await clients.free.get('/tickets')).text).toContain('href="/tickets/new"');
      expect((await clients.no_new.get('/tickets')).text).not.toContain('href="/tickets/new"');
      const screen = await clients.no_new.get('/tickets/new');
      expect(screen.status).toBe(403);
      expect(screen.text).toContain('An ACL does not allow you to create new tickets.');
      const before = await snapshot();
      const res = await forged('no_new', '/tickets/new', { profileId: String(profile.id), queueId: String(queues.Support), type: 'tweet', body: 'Forged' });
      expect(res.status).toBe(403);
      expect(res.text).toContain('An ACL does not allow you to create new tickets. Nothing was stored or sent.');
      expect(await snapshot()).toEqual(before);
      const allowed = await forged('free', '/tickets/new', { profileId: String(profile.id), queueId: String(queues.Support), type: 'tweet', body: 'Allowed' });
      expect(allowed.headers.location).toMatch(/^\/tickets\/\d+$/);
    });
  });

  describe('fields', () => {
    it('Ticket.Queue (by name) and Ticket.QueueID (by id): hidden from the move form and the new-ticket form, forged choices 403', async () => {
      const { ticket } = await supportTicket();
      expect(optionsOf(await zoom('free', ticket.id), 'queueId')).toEqual([String(queues.Escalation), String(queues.Sales)]);
      // Every queue it could go to is removed: the move form is gone, and the page says why.
      const page = await zoom('fields', ticket.id);
      expect(page).not.toContain(`action="/tickets/${ticket.id}/move"`);
      expect(decoded(page)).toContain('Not offered to you here because of ACLs: move</p>');
      expect(optionsOf((await clients.free.get('/tickets/new')).text, 'queueId')).toEqual([String(queues.Escalation), String(queues.Sales), String(queues.Support)]);
      expect(optionsOf((await clients.fields.get('/tickets/new')).text, 'queueId')).toEqual([String(queues.Support)]);
      for (const queue of [queues.Sales, queues.Escalation]) {
        const before = await snapshot(ticket.id);
        const moved = await forged('fields', `/tickets/${ticket.id}/move`, { queueId: String(queue) });
        expect([moved.status, decoded(moved.text).includes('You may not move this ticket into that queue')]).toEqual([403, true]);
        const created = await forged('fields', '/tickets/new', { profileId: String(profile.id), queueId: String(queue), type: 'tweet', body: 'Forged' });
        expect([created.status, created.text.includes('An ACL does not allow you to create tickets in that queue. Nothing was stored or sent.')]).toEqual([403, true]);
        expect(await snapshot(ticket.id)).toEqual(before);
      }
    });

    it('Ticket.State (by name) and Ticket.StateID (by OTRS id): hidden from the state form and the reply’s next state, forged choices 403', async () => {
      const { ticket } = await supportTicket();
      const free = await zoom('free', ticket.id);
      expect(optionsOf(free, 'state')).toEqual(['open', 'pending reminder', 'pending auto close+', 'pending auto close-', 'closed successful', 'closed unsuccessful']);
      expect(optionsOf(free, 'reply-state')).toEqual(['open', 'pending reminder', 'pending auto close+', 'pending auto close-', 'closed successful', 'closed unsuccessful']);
      const page = await zoom('fields', ticket.id);
      expect(optionsOf(page, 'state')).toEqual(['open', 'pending auto close+', 'pending auto close-', 'closed successful']);
      expect(optionsOf(page, 'reply-state')).toEqual(['open', 'pending auto close+', 'pending auto close-', 'closed successful']);
      for (const state of ['closed unsuccessful', 'pending reminder']) {
        const before = await snapshot(ticket.id);
        const set = await forged('fields', `/tickets/${ticket.id}/state`, { state, pendingUntil: future });
        expect([set.status, set.text.includes('An ACL does not allow this state for this ticket. Nothing was changed.')]).toEqual([403, true]);
        const replied = await forged('fields', `/tickets/${ticket.id}/reply`, { body: 'Forged', channel: 'dm', state, pendingUntil: future });
        expect([replied.status, replied.text.includes('An ACL does not allow this next state for a reply on this ticket. Nothing was stored or sent.')]).toEqual([403, true]);
        expect(await snapshot(ticket.id)).toEqual(before);
      }
    });

    it('Ticket.Owner (login), Ticket.OwnerID (id) and Ticket.NewOwner: hidden from the owner form, forged choices 403', async () => {
      const { ticket } = await supportTicket();
      const everyone = optionsOf(await zoom('free', ticket.id), 'ownerId');
      expect(everyone).toEqual(expect.arrayContaining([String(ids.free), String(ids.other), String(ids.no_lock)]));
      const offered = optionsOf(await zoom('fields', ticket.id), 'ownerId');
      expect(offered).toEqual(everyone.filter((id) => ![ids.free, ids.other, ids.no_lock].map(String).includes(id)));
      for (const login of ['free', 'other', 'no_lock']) {
        const before = await snapshot(ticket.id);
        const res = await forged('fields', `/tickets/${ticket.id}/owner`, { ownerId: String(ids[login]) });
        expect([res.status, decoded(res.text).includes(`An ACL does not allow Agent ${login} (${login}) as the owner of this ticket. Nothing was changed.`)]).toEqual([403, true]);
        expect(await snapshot(ticket.id)).toEqual(before);
      }
      expect((await forged('fields', `/tickets/${ticket.id}/owner`, { ownerId: String(ids.no_note) })).status).toBe(303);
    });

    it('an owner list the ACLs empty: no owner form, the page names the action, a forged owner 403', async () => {
      const { ticket } = await supportTicket();
      const page = await zoom('no_owners', ticket.id);
      expect(page).not.toContain(`action="/tickets/${ticket.id}/owner"`);
      expect(decoded(page)).toContain('Not offered to you here because of ACLs: change the owner</p>');
      expect(page).toContain(`action="/tickets/${ticket.id}/move"`);
      const before = await snapshot(ticket.id);
      const res = await forged('no_owners', `/tickets/${ticket.id}/owner`, { ownerId: String(ids.no_owners) });
      expect([res.status, decoded(res.text).includes('An ACL does not allow Agent no_owners (no_owners) as the owner of this ticket. Nothing was changed.')]).toEqual([403, true]);
      expect(await snapshot(ticket.id)).toEqual(before);
    });

    it('Ticket.TwitterProfileID: the reply and resend are hidden, the profile is not offered for new tickets; forged POSTs 403, nothing sent', async () => {
      const { ticket } = await supportTicket();
      const failed = await insertArticle(t, ticket, undefined, { sender: 'agent', channel: 'dm', body: 'Failed before', deliveryStatus: 'failed', createdById: ids.other });
      const page = await zoom('no_profile', ticket.id);
      expect(decoded(page)).toContain('You may not use the profile "AcmeSupport" (ACL)');
      expect(page).not.toContain(`/tickets/${ticket.id}/reply?`);
      expect(page).not.toContain(`/articles/${failed.id}/resend"`);
      expect(optionsOf((await clients.no_profile.get('/tickets/new')).text, 'profileId')).toEqual([]);
      const before = await snapshot(ticket.id);
      for (const [path, fields] of [
        [`/tickets/${ticket.id}/reply`, { body: 'Forged', channel: 'dm' }],
        [`/tickets/${ticket.id}/articles/${failed.id}/resend`, {}],
        ['/tickets/new', { profileId: String(profile.id), queueId: String(queues.Support), type: 'tweet', body: 'Forged' }],
      ] as const) {
        const res = await forged('no_profile', path, fields);
        expect([path, res.status]).toEqual([path, 403]);
      }
      expect(await snapshot(ticket.id)).toEqual(before);
    });
  });

  describe('which screen an ACL names (Frontend.Action)', () => {
    it('an ACL on the zoom (AgentTicketZoom) hides what it removes from the zoom’s forms, and their POSTs are 403', async () => {
      const { ticket } = await supportTicket();
      const page = await zoom('zoom_menu', ticket.id);
      expect(page).not.toContain(`action="/tickets/${ticket.id}/note"`);
      expect(optionsOf(page, 'state')).toEqual(['open', 'pending reminder', 'pending auto close+', 'pending auto close-']);
      expect(optionsOf(page, 'reply-state')).toEqual(['open', 'pending reminder', 'pending auto close+', 'pending auto close-']);
      const before = await snapshot(ticket.id);
      expect((await forged('zoom_menu', `/tickets/${ticket.id}/note`, { body: 'x' })).status).toBe(403);
      expect((await forged('zoom_menu', `/tickets/${ticket.id}/state`, { state: 'closed successful' })).status).toBe(403);
      expect(await snapshot(ticket.id)).toEqual(before);
    });

    it('an ACL on the close screen (AgentTicketClose) narrows the closed states of the state form only', async () => {
      const { ticket } = await supportTicket();
      const page = await zoom('close_screen', ticket.id);
      expect(optionsOf(page, 'state')).toEqual(['open', 'pending reminder', 'pending auto close+', 'pending auto close-', 'closed successful']);
      // The reply is the compose screen, not the close screen.
      expect(optionsOf(page, 'reply-state')).toContain('closed unsuccessful');
      const before = await snapshot(ticket.id);
      expect((await forged('close_screen', `/tickets/${ticket.id}/state`, { state: 'closed unsuccessful' })).status).toBe(403);
      expect(await snapshot(ticket.id)).toEqual(before);
      expect((await forged('close_screen', `/tickets/${ticket.id}/state`, { state: 'closed successful' })).status).toBe(303);
    });
  });

  describe('the reply’s next state', () => {
    it('opens a new ticket, keeps any other state, and closes or sets pending when chosen', async () => {
      const { ticket: fresh } = await supportTicket({ state: 'new' });
      const page = await zoom('free', fresh.id);
      expect(page).toMatch(/<option value="open" selected>open<\/option>/);
      expect(optionsOf(page, 'reply-state')).not.toContain('new');
      expect((await forged('free', `/tickets/${fresh.id}/reply`, { body: 'Hello', channel: 'dm' })).status).toBe(303);
      expect(await ticketRepo().findOneByOrFail({ id: fresh.id })).toMatchObject({ state: 'open', locked: true, ownerId: ids.free });

      const { ticket: pending } = await supportTicket({ state: 'pending reminder' });
      await ticketRepo().update({ id: pending.id }, { pendingUntil: Date.now() - 60_000 });
      expect(await zoom('free', pending.id)).toMatch(/<option value="pending reminder" selected>pending reminder \(unchanged\)<\/option>/);
      // A reached reminder is answered without a new time: state and time stay.
      expect((await forged('free', `/tickets/${pending.id}/reply`, { body: 'Still on it', channel: 'dm', state: 'pending reminder', pendingUntil: '' })).status).toBe(303);
      expect(await ticketRepo().findOneByOrFail({ id: pending.id })).toMatchObject({ state: 'pending reminder' });

      const { ticket: toClose } = await supportTicket();
      expect((await forged('free', `/tickets/${toClose.id}/reply`, { body: 'Solved', channel: 'dm', state: 'closed successful' })).status).toBe(303);
      expect(await ticketRepo().findOneByOrFail({ id: toClose.id })).toMatchObject({ state: 'closed successful', locked: false, ownerId: ids.free });

      const { ticket: toPend } = await supportTicket();
      const refused = await forged('free', `/tickets/${toPend.id}/reply`, { body: 'Later', channel: 'dm', state: 'pending auto close+', pendingUntil: '2001-01-01T09:00' });
      expect(refused.status).toBe(303);
      const back = await clients.free.get(refused.headers.location).redirects(1);
      expect(back.text).toMatch(/id="reply-pendingUntil-error"[^>]*>/);
      expect(back.text).toContain('>Later</textarea>');
      expect(await t.dataSource.getRepository(Article).countBy({ ticketId: toPend.id })).toBe(1);
      expect((await forged('free', `/tickets/${toPend.id}/reply`, { body: 'Later', channel: 'dm', state: 'pending auto close+', pendingUntil: future })).status).toBe(303);
      expect(await ticketRepo().findOneByOrFail({ id: toPend.id })).toMatchObject({ state: 'pending auto close+' });
      expect(Number((await ticketRepo().findOneByOrFail({ id: toPend.id })).pendingUntil)).toBe(Date.parse(`${future}:00Z`));
    });
  });

  it('leaves root@localhost (agent id 1) unrestricted, as OTRS does', async () => {
    const store = t.app.get(AclStoreService);
    await store.importYaml(aclFor('root@localhost', notAction('AgentTicketNote', 'AgentTicketClose')).replace('100-root@localhost', '100-root'), { overwrite: false, actor: 'test' });
    await store.deploy('test');
    const root = browserLike(t.app);
    await logIn(root);
    await t.app.get(AgentsService).setMembership(1, (await t.dataSource.getRepository(Group).findOneByOrFail({ name: 'support' })).id, 'rw');
    const { ticket } = await supportTicket();
    const page = await root.get(`/tickets/${ticket.id}`);
    expect(page.text).toContain(`action="/tickets/${ticket.id}/note"`);
    expect(optionsOf(page.text, 'state')).toContain('closed successful');
  });
});
