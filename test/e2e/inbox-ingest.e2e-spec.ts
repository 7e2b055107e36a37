import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { splitAaaDelivery } from '../../src/channels/x/aaa-webhook-body';
import { Clock } from '../../src/common/clock';
import { Transactions } from '../../src/database/transactions';
import { WalSync } from '../../src/database/wal-sync';
import { InboxIntake, INTAKE_TABLE, intakePath } from '../../src/inbox/inbox-intake';
import { InboxStore } from '../../src/inbox/inbox-store.service';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { Scheduler } from '../../src/scheduling/scheduler';
import { Article } from '../../src/tickets/article.entity';
import { ConversationTickets } from '../../src/tickets/conversation-tickets.service';
import { SYSTEM_ACTOR } from '../../src/tickets/ticket-history.service';
import { Ticket } from '../../src/tickets/ticket.entity';
import { dmBody, newXId, tweetBody, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { postSignedWebhook } from '../utils/post-webhook';

/**
 * The path of an incoming message as docs/THREADING.md "Speed" describes it: stores committed
 * together and acknowledged only once on disk, one bad delivery failing alone, the outcome of an
 * event written exactly (PostgreSQL writes it as a literal), a ticket another transaction has
 * locked deferring the event instead of holding the batch, and on SQLite the inbox worker in a
 * thread of its own once the server starts its jobs.
 */

const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';
const onSqlite = !process.env.DATABASE_URL;
const sqliteOnly = onSqlite ? it : it.skip;
const postgresOnly = onSqlite ? it.skip : it;

describe('the inbox ingest path', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let profileId: number;
  let account: XPerson;
  let customerSeq = 0;

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    const x = registerXAccount(fakeX);
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl } });
    const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    profileId = (await createReadyProfile(t, { targetQueueId: raw.id, accountId: x.userId, consumerSecret: SECRET })).id;
    account = { id: x.userId, handle: x.username, name: x.name };
  });
  afterAll(async () => {
    await t.close();
    await fakeX.close();
  });

  const newCustomer = (): XPerson => ({ id: newXId(), handle: `ingest${++customerSeq}`, name: `Ingest ${customerSeq}` });
  /** The inbox items of a DM, as the webhook takes them from X's delivery. */
  const dmItems = (from: XPerson, text: string) => splitAaaDelivery(dmBody({ forUserId: account.id, from, to: account, text }).body).items;
  const storedKeys = async () => (await t.dataSource.query('SELECT dedupe_key FROM inbox_events')).map((r: { dedupe_key: string }) => r.dedupe_key);

  it('stores what arrives together in one go, and a delivery the database refuses fails alone', async () => {
    const good = dmItems(newCustomer(), 'good');
    // A row the database refuses (no profile): its store rejects, the other one's is committed.
    const bad = dmItems(newCustomer(), 'bad');
    const store = t.app.get(InboxStore);
    const results = await Promise.allSettled([store.store(profileId, 'webhook', good), store.store(null as unknown as number, 'webhook', bad)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    const keys = await storedKeys();
    expect(keys).toContain(good[0].dedupeKey);
    expect(keys).not.toContain(bad[0].dedupeKey);
  });

  sqliteOnly('SQLITE_SYNCHRONOUS=FULL: a store and a transaction resolve only once the WAL is synced, and their commits do not wait for the disk', async () => {
    expect(t.config.database.sqliteSynchronous).toBe('FULL');
    let release!: () => void;
    const synced = new Promise<void>((resolve) => (release = resolve));
    const sync = jest.spyOn(WalSync.prototype, 'sync').mockImplementation(() => synced);
    try {
      const items = dmItems(newCustomer(), 'on disk first');
      let stored = false;
      const storing = t.app
        .get(InboxStore)
        .store(profileId, 'webhook', items)
        .then(() => (stored = true));
      let inside: unknown;
      let ran = false;
      const running = t.app
        .get(Transactions)
        .run(async (m) => (inside = (await m.query('PRAGMA synchronous'))[0].synchronous))
        .then(() => (ran = true));
      // Committed (the row is there), but not acknowledged before the fsync.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await storedKeys()).toContain(items[0].dedupeKey);
      expect([stored, ran]).toEqual([false, false]);
      release();
      await Promise.all([storing, running]);
      expect(sync).toHaveBeenCalled();
      // NORMAL (1) inside, FULL (2) again for everything else.
      expect(inside).toBe(1);
      expect((await t.dataSource.query('PRAGMA synchronous'))[0].synchronous).toBe(2);
    } finally {
      sync.mockRestore();
    }
  });

  it("writes each event's outcome exactly, quotes and backslashes in its note included", async () => {
    const queue = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const name = `Raw 'quoted' \\back\\slash "double" ; DROP`;
    await t.dataSource.getRepository(Queue).update({ id: queue.id }, { name, followUp: 'reject' });
    try {
      const customer = newCustomer();
      await t.app.get(InboxStore).store(profileId, 'webhook', dmItems(customer, 'first'));
      await t.app.get(InboxWorker).drain();
      const [ticket] = await t.dataSource.getRepository(Ticket).findBy({ customerXId: customer.id });
      await t.app.get(Transactions).run((m) => t.app.get(ConversationTickets).change(m, ticket.id, { state: 'closed successful' }, SYSTEM_ACTOR));
      const second = dmItems(customer, 'second');
      await t.app.get(InboxStore).store(profileId, 'webhook', second);
      await t.app.get(InboxWorker).drain();
      const [event] = await t.dataSource.query(`SELECT status, error FROM inbox_events WHERE dedupe_key = '${second[0].dedupeKey}'`);
      expect(event).toEqual({ status: 'rejected', error: `Follow-up rejected: ticket ${ticket.number} is closed and queue "${name}" rejects follow-ups.` });
    } finally {
      await t.dataSource.getRepository(Queue).update({ id: queue.id }, { name: 'Raw', followUp: 'possible' });
    }
  });

  it('an event whose write the database refuses fails alone: its neighbours in the batch are stored once, it is retried later', async () => {
    // A trigger makes the database refuse one message's article, mid-batch, as a real refusal would
    // (on PostgreSQL the batch's transaction is aborted; an optimistic batch is worked again event by event).
    const refuse = onSqlite
      ? [`CREATE TRIGGER refuse_poison BEFORE INSERT ON articles WHEN NEW.body = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END`]
      : [
          `CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.body = 'poison' THEN RAISE EXCEPTION 'poison refused'; END IF; RETURN NEW; END $$`,
          'CREATE TRIGGER refuse_poison BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
        ];
    for (const sql of refuse) await t.dataSource.query(sql);
    try {
      const customers = [newCustomer(), newCustomer(), newCustomer()];
      const [before, poisoned, after] = customers;
      const poison = dmItems(poisoned, 'poison');
      await t.app.get(InboxStore).store(profileId, 'webhook', [...dmItems(before, 'before'), ...poison, ...dmItems(after, 'after')]);
      await t.app.get(InboxWorker).drain();
      for (const [customer, body] of [
        [before, 'before'],
        [after, 'after'],
      ] as const) {
        const tickets = await t.dataSource.getRepository(Ticket).findBy({ customerXId: customer.id });
        expect(tickets).toHaveLength(1);
        const articles = await t.dataSource.getRepository(Article).findBy({ ticketId: tickets[0].id, sender: 'customer' });
        expect(articles.map((a) => a.body)).toEqual([body]);
      }
      const [event] = await t.dataSource.query(`SELECT status, attempts, error FROM inbox_events WHERE dedupe_key = '${poison[0].dedupeKey}'`);
      expect(event).toMatchObject({ status: 'received', attempts: 1 });
      expect(event.error).toContain('poison refused');
      expect(await t.dataSource.getRepository(Ticket).findBy({ customerXId: poisoned.id })).toEqual([]);
    } finally {
      await t.dataSource.query('DROP TRIGGER refuse_poison' + (onSqlite ? '' : ' ON articles'));
      if (!onSqlite) await t.dataSource.query('DROP FUNCTION refuse_poison()');
    }
  });

  it('drain() does not return while a reply waits for a tweet that is done (its wake-up still on its way, or lost)', async () => {
    const customer = newCustomer();
    const tweetItems = (text: string, inReplyTo?: string) => {
      const { body, id } = tweetBody({ forUserId: account.id, author: customer, text, mentions: [account], inReplyTo: inReplyTo ? { tweetId: inReplyTo, userId: customer.id } : undefined });
      return { id, items: splitAaaDelivery(body).items };
    };
    const parent = tweetItems(`@${account.handle} my order is late`);
    await t.app.get(InboxStore).store(profileId, 'webhook', parent.items);
    await t.app.get(InboxWorker).drain();
    // The reply as a batch leaves it when it met its parent still in the inbox: deferred until woken,
    // and the batch that finished the parent woke nothing (it ran before, or its statement failed).
    const reply = tweetItems(`@${account.handle} still nothing`, parent.id);
    await t.app.get(InboxStore).store(profileId, 'webhook', reply.items);
    const later = t.app.get(Clock).now() + 60_000;
    await t.dataSource.query(`UPDATE inbox_events SET waits_for = '${parent.id}', hold_until = ${later}, next_attempt_at = ${later} WHERE dedupe_key = '${reply.items[0].dedupeKey}'`);
    await t.app.get(InboxWorker).drain();
    const [event] = await t.dataSource.query(`SELECT status FROM inbox_events WHERE dedupe_key = '${reply.items[0].dedupeKey}'`);
    expect(event.status).toBe('processed');
    const tickets = await t.dataSource.getRepository(Ticket).findBy({ customerXId: customer.id });
    expect(tickets).toHaveLength(1);
    expect((await t.dataSource.getRepository(Article).findBy({ ticketId: tickets[0].id })).map((a) => a.body)).toEqual([`@${account.handle} my order is late`, `@${account.handle} still nothing`]);
  });

  postgresOnly('a ticket another transaction has locked defers its message instead of holding the batch', async () => {
    const customer = newCustomer();
    await t.app.get(InboxStore).store(profileId, 'webhook', dmItems(customer, 'first'));
    await t.app.get(InboxWorker).drain();
    const [ticket] = await t.dataSource.getRepository(Ticket).findBy({ customerXId: customer.id });
    // An agent's action holds the ticket's row lock (as factsForUpdate takes it).
    const agent = t.app.get(DataSource).createQueryRunner();
    await agent.connect();
    await agent.startTransaction();
    let draining: Promise<void> | undefined;
    try {
      await agent.query('SELECT id FROM tickets WHERE id = $1 FOR UPDATE', [ticket.id]);
      const second = dmItems(customer, 'second');
      await t.app.get(InboxStore).store(profileId, 'webhook', second);
      // drain() goes round until the ticket is free; meanwhile its batches commit, the event deferred
      // each time (a batch waiting for the lock would never commit, and the event would stay as it was).
      draining = t.app.get(InboxWorker).drain();
      let event: { status: string; attempts: number; next_attempt_at: string } | undefined;
      for (let look = 0; look < 400; look++) {
        [event] = await t.dataSource.query('SELECT status, attempts, next_attempt_at FROM inbox_events WHERE dedupe_key = $1', [second[0].dedupeKey]);
        if (Number(event!.next_attempt_at) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(event).toMatchObject({ status: 'received', attempts: 0 });
      expect(Number(event!.next_attempt_at)).toBeGreaterThan(0);
    } finally {
      await agent.commitTransaction();
      await agent.release();
    }
    await draining;
    expect((await t.dataSource.getRepository(Article).findBy({ ticketId: ticket.id })).map((a) => a.body)).toEqual(['first', 'second']);
  });
});

describe('the intake of a SQLite inbox (SQLITE_SYNCHRONOUS=NORMAL, as the inbox thread commits)', () => {
  let n: TestApp;
  let profileId: number;
  let account: XPerson;

  beforeAll(async () => {
    if (!onSqlite) return;
    n = await createTestApp({ env: { SQLITE_SYNCHRONOUS: 'NORMAL' } });
    const raw = await n.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(n, { targetQueueId: raw.id, consumerSecret: SECRET });
    profileId = profile.id;
    account = { id: profile.accountId!, handle: 'acme_support', name: 'ACME' };
  });
  afterAll(() => n?.close());

  const items = (from: XPerson, text: string) => splitAaaDelivery(dmBody({ forUserId: account.id, from, to: account, text }).body).items;

  sqliteOnly('moves what an intake holds into the inbox in the order it arrived, a repeated delivery once (left by an inbox thread, worked in the app’s thread)', async () => {
    const customer: XPerson = { id: newXId(), handle: 'intake', name: 'Intake' };
    const [first] = items(customer, 'left in the intake, first');
    const [second] = items(customer, 'left in the intake, second');
    // The first is in the inbox already (moved, but not yet deleted from the intake when the app stopped).
    await n.app.get(InboxStore).store(profileId, 'webhook', [first]);
    const intake = new InboxIntake(n.config.database.sqlitePath, 'NORMAL');
    const row = (item: typeof first) => ({
      profileId,
      source: 'webhook',
      format: item.format,
      dedupeKey: item.dedupeKey,
      payload: JSON.stringify(item.payload),
      status: 'received',
      nextAttemptAt: 0,
      conversationId: null,
      error: null,
      processedAt: null,
      receivedAt: Date.now(),
    });
    expect(intake.commit([row(first), row(second)])).toBe(true);
    intake.close();
    // The database's WAL is synced while the intake still holds the rows: no power loss takes them from both.
    const inIntakeWhenSynced: number[] = [];
    const sync = jest.spyOn(WalSync.prototype, 'sync').mockImplementation(async function (this: WalSync) {
      inIntakeWhenSynced.push(intakeCount());
    });
    try {
      await n.app.get(InboxWorker).drain();
    } finally {
      sync.mockRestore();
    }
    expect(inIntakeWhenSynced[0]).toBe(2);
    const [ticket] = await n.dataSource.getRepository(Ticket).findBy({ customerXId: customer.id });
    expect((await n.dataSource.getRepository(Article).find({ where: { ticketId: ticket.id }, order: { id: 'ASC' } })).map((a) => a.body)).toEqual([
      'left in the intake, first',
      'left in the intake, second',
    ]);
    expect(intakeCount()).toBe(0);

    // The worker's transactions leave the intake alone: a webhook's store never waits for a batch.
    // (Attached to the worker's connection, the intake was write-locked by every BEGIN IMMEDIATE
    // prepared after the ATTACH, as TypeORM's statement cache re-prepares its BEGIN now and then.)
    const [third] = items(customer, 'stored while a batch runs');
    await n.dataSource.query('BEGIN IMMEDIATE');
    let storedMeanwhile: boolean;
    try {
      const writer = new InboxIntake(n.config.database.sqlitePath, 'NORMAL');
      storedMeanwhile = writer.commit([row(third)]);
      writer.close();
    } finally {
      await n.dataSource.query('ROLLBACK');
    }
    expect(storedMeanwhile).toBe(true);
  });

  /** Rows in the intake file, read as another process would. */
  function intakeCount(): number {
    const intake = new Database(intakePath(n.config.database.sqlitePath), { readonly: true });
    try {
      return (intake.prepare(`SELECT COUNT(*) AS n FROM ${INTAKE_TABLE}`).get() as { n: number }).n;
    } finally {
      intake.close();
    }
  }
});

describe('the inbox worker thread (SQLite)', () => {
  let t: TestApp;
  let fakeX: FakeXApi;

  beforeAll(async () => {
    if (!onSqlite) return;
    fakeX = await startFakeXApi();
    registerXAccount(fakeX);
    // Only the inbox worker among the server's jobs: the delivery worker runs when the thread reports an auto-reply.
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl, POLLER: 'off', MEDIA_FETCHER: 'off', PENDING_CHECK: 'off', SESSION_PRUNER: 'off' } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await fakeX?.close();
  });

  sqliteOnly(
    'works the inbox in its own thread once the server starts its jobs: webhooks stored here, tickets and auto-replies there, the WAL checkpointed there',
    async () => {
      const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
      const profile = await createReadyProfile(t, { targetQueueId: raw.id, consumerSecret: SECRET, autoReplyText: 'Thanks from the thread.' });
      const account: XPerson = { id: profile.accountId!, handle: 'acme_support', name: 'ACME' };
      expect(t.app.get(Scheduler).start()).toContain('inbox-worker');
      await t.app.get(InboxWorker).started();
      // The app's connection leaves checkpoints to the thread: none runs inside a webhook's commit.
      expect((await t.dataSource.query('PRAGMA wal_autocheckpoint'))[0]).toEqual({ wal_autocheckpoint: 0 });

      const customer: XPerson = { id: newXId(), handle: 'threaded', name: 'Threaded' };
      const body = dmBody({ forUserId: account.id, from: customer, to: account, text: 'Hello thread' }).body;
      await postSignedWebhook(t.app.getHttpServer(), profile.id, body, SECRET).expect(200);
      await t.app.get(InboxWorker).drain();

      const [ticket] = await t.dataSource.getRepository(Ticket).findBy({ customerXId: customer.id });
      expect(ticket).toBeDefined();
      // The webhook stored it in the intake, which the thread moved and emptied.
      // Private, like the database: it holds what customers wrote.
      for (const file of [intakePath(t.config.database.sqlitePath), `${intakePath(t.config.database.sqlitePath)}-wal`]) expect(statSync(file).mode & 0o777).toBe(0o600);
      const intake = new Database(intakePath(t.config.database.sqlitePath), { readonly: true });
      expect(intake.prepare(`SELECT COUNT(*) AS n FROM ${INTAKE_TABLE}`).get()).toEqual({ n: 0 });
      expect(intake.prepare('SELECT seq FROM sqlite_sequence').get()).toEqual({ seq: 1 });
      intake.close();
      // The thread's auto-reply reached the delivery worker of this thread, which sent it.
      for (let i = 0; i < 100 && fakeX.sent.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const articles = await t.dataSource.getRepository(Article).find({ where: { ticketId: ticket.id }, order: { id: 'ASC' } });
      expect(articles.map((a) => [a.sender, a.body, a.deliveryStatus])).toEqual([
        ['customer', 'Hello thread', null],
        ['system', 'Thanks from the thread.', 'sent'],
      ]);
      expect(fakeX.sent).toHaveLength(1);
    },
    120_000,
  );
});
