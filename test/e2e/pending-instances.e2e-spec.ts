import { Clock } from '../../src/common/clock';
import { Queue } from '../../src/queues/queue.entity';
import { PendingCheckService } from '../../src/tickets/pending-check.service';
import { TicketHistoryEntry } from '../../src/tickets/ticket-history.entity';
import { TicketThread } from '../../src/tickets/ticket-thread.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import type { TicketState } from '../../src/tickets/ticket-states';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket } from '../factories/ticket.factory';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { TestClock } from '../utils/test-clock';

const postgresUrl = process.env.DATABASE_URL;
const withApplicationName = (name: string) => `${postgresUrl}${postgresUrl?.includes('?') ? '&' : '?'}application_name=${name}`;
const SECRETS_KEY = 'ab'.repeat(32);
const DAY = 24 * 60 * 60 * 1000;

/**
 * The pending check closes each due ticket exactly once however many run at once: two app
 * instances on PostgreSQL (FOR UPDATE SKIP LOCKED), or two runs overlapping on one SQLite instance.
 */
describe(`pending check: due tickets closed once, ${postgresUrl ? 'two app instances on PostgreSQL' : 'overlapping runs on SQLite'}`, () => {
  let a: TestApp;
  let b: TestApp;
  const clockA = new TestClock();
  const clockB = new TestClock();

  beforeAll(async () => {
    const instance = (name: string): Record<string, string> => (postgresUrl ? { SECRETS_KEY, DATABASE_URL: withApplicationName(name) } : { SECRETS_KEY });
    a = await createTestApp({ env: instance('socialdesk_pending_a'), override: (builder) => builder.overrideProvider(Clock).useValue(clockA) });
    b = postgresUrl ? await createTestApp({ keepSchema: true, env: instance('socialdesk_pending_b'), override: (builder) => builder.overrideProvider(Clock).useValue(clockB) }) : a;
  });
  afterAll(async () => {
    if (b !== a) await b?.close();
    await a?.close();
  });

  it('closes every due auto-close ticket once, frees its conversation, leaves reminders and future ones alone', async () => {
    const raw = await a.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(a, { targetQueueId: raw.id });
    const now = Date.now();
    const seeded: { id: number; state: TicketState; due: boolean }[] = [];
    for (let i = 0; i < 60; i++) {
      const state: TicketState = i % 3 === 0 ? 'pending auto close-' : i % 3 === 1 ? 'pending auto close+' : 'pending reminder';
      const due = i % 5 !== 0;
      const { ticket } = await insertTicket(a, { profileId: profile.id, queueId: raw.id, channel: 'dm', state, locked: i % 2 === 0, ownerId: null });
      // Due a moment ago, or tomorrow. Seeded in shuffled pending order, so the keyset walk meets equal and unordered times.
      await a.dataSource.getRepository(Ticket).update({ id: ticket.id }, { pendingUntil: due ? now - ((i * 7919) % 97) * 1000 : now + DAY });
      seeded.push({ id: ticket.id, state, due });
    }

    const results = await Promise.all([
      a.app.get(PendingCheckService).closeDue(),
      b.app.get(PendingCheckService).closeDue(),
      a.app.get(PendingCheckService).closeDue(),
      b.app.get(PendingCheckService).closeDue(),
    ]);
    const shouldClose = seeded.filter((s) => s.due && s.state !== 'pending reminder');
    expect(results.reduce((sum, n) => sum + n, 0)).toBe(shouldClose.length);
    if (postgresUrl) expect(results.filter((n) => n > 0).length).toBeGreaterThanOrEqual(1);

    const tickets = new Map((await a.dataSource.getRepository(Ticket).find()).map((t) => [t.id, t]));
    const history = await a.dataSource.getRepository(TicketHistoryEntry).find({ where: { kind: 'state' } });
    const threads = await a.dataSource.getRepository(TicketThread).find();
    for (const s of seeded) {
      const ticket = tickets.get(s.id)!;
      const stateChanges = history.filter((h) => h.ticketId === s.id);
      const thread = threads.find((r) => r.ticketId === s.id)!;
      if (s.due && s.state !== 'pending reminder') {
        expect([s.id, ticket.state, ticket.locked, ticket.pendingUntil]).toEqual([s.id, s.state === 'pending auto close+' ? 'closed successful' : 'closed unsuccessful', false, null]);
        expect(stateChanges.map((h) => [h.actor, h.oldValue, h.newValue])).toEqual([['system', s.state, ticket.state]]);
        expect(thread.openThreadKey).toBeNull();
      } else {
        expect([s.id, ticket.state]).toEqual([s.id, s.state]);
        expect(stateChanges).toEqual([]);
        expect(thread.openThreadKey).toBe(thread.threadKey);
      }
    }

    // A day later the rest of the auto-close tickets are due; again once each.
    clockA.offset = clockB.offset = DAY + 60_000;
    const later = await Promise.all([a.app.get(PendingCheckService).closeDue(), b.app.get(PendingCheckService).closeDue()]);
    expect(later[0] + later[1]).toBe(seeded.filter((s) => !s.due && s.state !== 'pending reminder').length);
    const stateEntries = await a.dataSource.getRepository(TicketHistoryEntry).count({ where: { kind: 'state' } });
    expect(stateEntries).toBe(seeded.filter((s) => s.state !== 'pending reminder').length);
  });
});
