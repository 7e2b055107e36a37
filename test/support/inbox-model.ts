import fc from 'fast-check';
import request from 'supertest';
import { Clock } from '../../src/common/clock';
import { Transactions } from '../../src/database/transactions';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue, type FollowUpOption } from '../../src/queues/queue.entity';
import { ArticleDeliveryService } from '../../src/tickets/article-delivery.service';
import { ConversationTickets } from '../../src/tickets/conversation-tickets.service';
import { agentActor } from '../../src/tickets/ticket-history.service';
import { stateTypeOf, type TicketState } from '../../src/tickets/ticket-states';
import { Agent } from '../../src/agents/agent.entity';
import { dmBody, signed, tweetBody, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { startFakeXApi, type FakeXApi } from './fake-x-api';

/**
 * The model-based test of issue 8: random sequences of incoming DMs, mentions and replies
 * (duplicated, shuffled, parents never delivered), agents closing and reopening tickets, follow-up
 * option changes and a worker killed mid-batch, run against the whole app on a real database with
 * the fake X; afterwards the invariants of docs/THREADING.md must hold. Shared by the e2e suite
 * (test/e2e/inbox-model.e2e-spec.ts) and the longer run of `npm run bench -- model`.
 */

/** Deliveries happen in slots 0..SLOTS; operations run after the deliveries of their slot. */
const SLOTS = 4;
const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';
const AUTO_REPLY = 'Thanks, we will answer soon.';

// ---- the scenarios ------------------------------------------------------------------------------

/** When a message is delivered: its slot, its place in that slot's delivery, and maybe a second delivery. */
interface Delivery {
  slot: number;
  order: number;
  /** X delivers it again, in this slot (X retries; duplicates must be stored once). */
  again?: number;
}
interface ReplySpec extends Delivery {
  /** Which earlier tweet of the thread it answers (modulo their number). */
  parent: number;
  byProfile: boolean;
  mentions: boolean;
  /** Never delivered: only X knows it (a reply to it makes the worker fetch it). */
  missing: boolean;
}
interface TweetThreadSpec {
  kind: 'tweet';
  customer: number;
  root: Delivery & { mentions: boolean; missing: boolean };
  replies: ReplySpec[];
}
interface DmThreadSpec {
  kind: 'dm';
  customer: number;
  messages: Array<Delivery & { byProfile: boolean }>;
}
type ThreadSpec = TweetThreadSpec | DmThreadSpec;
export type ModelOp =
  | { kind: 'drain'; slot: number }
  /** A drain whose batch dies after `after` events: its transaction rolls back. */
  | { kind: 'kill'; slot: number; after: number }
  /** An agent sets a ticket (counted from the newest) to a state. */
  | { kind: 'state'; slot: number; pick: number; state: TicketState }
  | { kind: 'option'; slot: number; option: FollowUpOption };
export interface ModelScenario {
  option: FollowUpOption;
  threads: ThreadSpec[];
  ops: ModelOp[];
}

const slot = fc.nat(SLOTS);
const delivery = fc.record({ slot, order: fc.nat(9), again: fc.option(slot, { freq: 6, nil: undefined }) }, { requiredKeys: ['slot', 'order'] });
const option = fc.constantFrom<FollowUpOption>('possible', 'reject', 'new-ticket');
const rarely = (freq: number) => fc.oneof({ weight: freq - 1, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

const reply = fc.record({ parent: fc.nat(4), byProfile: rarely(6), mentions: fc.boolean(), missing: rarely(4) }).chain((r) => delivery.map((d): ReplySpec => ({ ...d, ...r })));
const tweetThread = fc.record({
  kind: fc.constant('tweet' as const),
  customer: fc.nat(2),
  root: fc.record({ mentions: rarely(4).map((unmentioned) => !unmentioned), missing: rarely(4) }).chain((r) => delivery.map((d) => ({ ...d, ...r }))),
  replies: fc.array(reply, { maxLength: 4 }),
});
const dmThread = fc.record({
  kind: fc.constant('dm' as const),
  customer: fc.nat(2),
  messages: fc.array(
    fc.record({ byProfile: rarely(6) }).chain((r) => delivery.map((d) => ({ ...d, ...r }))),
    { minLength: 1, maxLength: 4 },
  ),
});
const op: fc.Arbitrary<ModelOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('drain' as const), slot }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('kill' as const), slot, after: fc.nat(6) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('state' as const), slot, pick: fc.nat(3), state: fc.constantFrom<TicketState>('closed successful', 'open', 'pending reminder') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('option' as const), slot, option }) },
);

export function modelScenarios(size: { threads: number; ops: number } = { threads: 4, ops: 8 }): fc.Arbitrary<ModelScenario> {
  return fc.record({ option, threads: fc.array(fc.oneof(tweetThread, dmThread), { minLength: 1, maxLength: size.threads }), ops: fc.array(op, { maxLength: size.ops }) });
}

// ---- what the scenario means -------------------------------------------------------------------

/** One message of a scenario, as X knows it. */
interface Message {
  id: string;
  kind: 'tweet' | 'dm';
  byProfile: boolean;
  customer: XPerson;
  /** The conversation key the message belongs to (docs/THREADING.md). */
  conversation: string;
  /** Tweets: the thread's first tweet mentions the profile, so the thread is a ticket from its start. */
  threadRoutable: boolean;
  text: string;
  parentId?: string;
  parentAuthor?: XPerson;
  mentions: boolean;
  missing: boolean;
  deliveries: Array<{ slot: number; order: number }>;
}

let nextId = 1_850_000_000_000_000_000n;
const customers: XPerson[] = [0, 1, 2].map((i) => ({ id: String(1_840_000_000_000_000_000n + BigInt(i)), handle: `model_customer${i}`, name: `Model Customer ${i}` }));

function messagesOf(scenario: ModelScenario, account: XPerson): Message[] {
  const messages: Message[] = [];
  const newId = () => String(nextId++);
  const deliveriesOf = (d: Delivery) => [{ slot: d.slot, order: d.order }, ...(d.again === undefined ? [] : [{ slot: d.again, order: d.order + 10 }])];
  scenario.threads.forEach((thread, t) => {
    const customer = customers[thread.customer];
    if (thread.kind === 'dm') {
      thread.messages.forEach((m, i) => {
        messages.push({
          id: newId(),
          kind: 'dm',
          byProfile: m.byProfile,
          customer,
          conversation: `dm:${customer.id}`,
          threadRoutable: true,
          text: `dm ${t}.${i}`,
          mentions: false,
          missing: false,
          deliveries: deliveriesOf(m),
        });
      });
      return;
    }
    const rootId = newId();
    const tweets: Message[] = [];
    const root: Message = {
      id: rootId,
      kind: 'tweet',
      byProfile: false,
      customer,
      conversation: `tweet:${rootId}`,
      threadRoutable: thread.root.mentions,
      text: `${thread.root.mentions ? '@acme_support ' : ''}thread ${t} starts`,
      mentions: thread.root.mentions,
      missing: thread.root.missing,
      deliveries: thread.root.missing ? [] : deliveriesOf(thread.root),
    };
    tweets.push(root);
    thread.replies.forEach((r, i) => {
      const parent = tweets[r.parent % tweets.length];
      tweets.push({
        id: newId(),
        kind: 'tweet',
        byProfile: r.byProfile,
        customer,
        conversation: root.conversation,
        threadRoutable: thread.root.mentions,
        text: `${r.mentions ? '@acme_support ' : ''}reply ${t}.${i}`,
        parentId: parent.id,
        parentAuthor: parent.byProfile ? account : customer,
        mentions: r.mentions,
        missing: r.missing,
        deliveries: r.missing ? [] : deliveriesOf(r),
      });
    });
    messages.push(...tweets);
  });
  return messages;
}

// ---- the harness ---------------------------------------------------------------------------------

/** Time runs, and the harness can jump ahead (echo waits, retries). */
class ModelClock extends Clock {
  offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
}

class KilledWorker extends Error {}

/** Throws with `message` unless `condition` holds (works inside and outside jest). */
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant broken: ${message}`);
}

export class InboxModelHarness {
  t!: TestApp;
  fakeX!: FakeXApi;
  private readonly clock = new ModelClock();
  private profileId!: number;
  private queueId!: number;
  private account!: XPerson;
  /** The agent who closes and reopens tickets (the seeded administrator). */
  private agentId!: number;

  /** One app for all runs: no worker or poller of its own, the inbox is drained by the harness. */
  async start(): Promise<void> {
    this.fakeX = await startFakeXApi();
    const x = registerXAccount(this.fakeX);
    this.t = await createTestApp({
      env: { X_API_BASE_URL: this.fakeX.baseUrl, X_API_TIMEOUT_MS: '2000', INBOX_WORKER: 'off', LOG_LEVEL: 'silent', ...withoutWaitingForDisks() },
      override: (b) => b.overrideProvider(Clock).useValue(this.clock),
    });
    this.queueId = (await this.t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' })).id;
    this.agentId = (await this.t.dataSource.getRepository(Agent).findOneByOrFail({ login: 'root@localhost' })).id;
    this.profileId = (await createReadyProfile(this.t, { targetQueueId: this.queueId, accountId: x.userId, autoReplyText: AUTO_REPLY })).id;
    this.account = { id: x.userId, handle: x.username, name: x.name };
  }

  async stop(): Promise<void> {
    await this.t?.close();
    await this.fakeX?.close();
  }

  /** Runs one scenario from empty tables and checks every invariant; throws on the first broken one. */
  async run(scenario: ModelScenario): Promise<void> {
    await this.reset(scenario.option);
    const messages = messagesOf(scenario, this.account);
    // X knows every message (so its own ids for what the app sends never collide with them).
    for (const m of messages) {
      const author = person(m.byProfile ? this.account : m.customer);
      if (m.kind === 'tweet') this.fakeX.postPublicTweet({ id: m.id, author, text: m.text, inReplyToTweetId: m.parentId });
      else this.fakeX.postDirectMessage({ id: m.id, from: author, toUserId: m.byProfile ? m.customer.id : this.account.id, text: m.text });
    }
    const reopened = new Set<number>();
    for (let s = 0; s <= SLOTS; s++) {
      await this.deliver(messages, s);
      for (const o of scenario.ops.filter((x) => x.slot === s)) await this.apply(o, reopened);
    }
    await this.settle();
    await this.checkInvariants(messages, reopened);
  }

  private async reset(followUp: FollowUpOption): Promise<void> {
    // Children before their parents (foreign keys); search documents and history go with their tickets.
    for (const table of ['attachment_data', 'attachments', 'ticket_history', 'search_documents', 'articles', 'ticket_threads', 'tickets', 'inbox_events']) {
      await this.t.dataSource.query(`DELETE FROM ${table}`);
    }
    await this.t.dataSource.getRepository(Queue).update({ id: this.queueId }, { followUp });
    this.fakeX.reset();
    this.clock.offset = 0;
  }

  /** One signed webhook POST with the slot's tweets and DMs, in the scenario's order (duplicates included). */
  private async deliver(messages: Message[], s: number): Promise<void> {
    const due = messages.flatMap((m) => m.deliveries.filter((d) => d.slot === s).map((d) => ({ m, order: d.order }))).sort((a, b) => a.order - b.order);
    if (due.length === 0) return;
    const tweets: string[] = [];
    const dms: string[] = [];
    const users: string[] = [];
    for (const { m } of due) {
      const author = m.byProfile ? this.account : m.customer;
      if (m.kind === 'dm') {
        const body = dmBody({ forUserId: this.account.id, from: author, to: m.byProfile ? m.customer : this.account, text: m.text, id: m.id }).body;
        dms.push(body.slice(body.indexOf('"direct_message_events":[') + '"direct_message_events":['.length, body.indexOf('],"users":')));
        users.push(body.slice(body.indexOf('"users":{') + '"users":{'.length, -2));
      } else {
        const inReplyTo = m.parentId ? { tweetId: m.parentId, userId: m.parentAuthor!.id } : undefined;
        const body = tweetBody({ forUserId: this.account.id, author, text: m.text, id: m.id, mentions: m.mentions ? [this.account] : [], inReplyTo }).body;
        tweets.push(body.slice(body.indexOf('"tweet_create_events":[') + '"tweet_create_events":['.length, -2));
      }
    }
    const body = `{"for_user_id":"${this.account.id}","tweet_create_events":[${tweets.join(',')}],"direct_message_events":[${dms.join(',')}],"users":{${users.join(',')}}}`;
    const res = await request(this.t.app.getHttpServer())
      .post(`/webhooks/x/${this.profileId}`)
      .set('content-type', 'application/json')
      .set('x-twitter-webhooks-signature', signed(body, SECRET).signature)
      .send(body);
    check(res.status === 200, `webhook answered ${res.status}: ${res.text}`);
  }

  private async apply(o: ModelOp, reopened: Set<number>): Promise<void> {
    const worker = this.t.app.get(InboxWorker);
    switch (o.kind) {
      case 'drain':
        return worker.drain();
      case 'kill':
        return this.killedDrain(worker, o.after);
      case 'option':
        await this.t.dataSource.getRepository(Queue).update({ id: this.queueId }, { followUp: o.option });
        return;
      case 'state': {
        const tickets: { id: number; state: TicketState }[] = await this.t.dataSource.query('SELECT id, state FROM tickets ORDER BY id DESC');
        if (tickets.length === 0) return;
        const ticket = tickets[o.pick % tickets.length];
        if (stateTypeOf(ticket.state) === 'closed' && stateTypeOf(o.state) !== 'closed') reopened.add(Number(ticket.id));
        await this.t.app.get(Transactions).run((m) => this.t.app.get(ConversationTickets).change(m, Number(ticket.id), { state: o.state }, agentActor({ id: this.agentId })));
      }
    }
  }

  /** A drain whose batch dies after `after` events, as a worker killed mid-batch: nothing of that batch is committed. */
  private async killedDrain(worker: InboxWorker, after: number): Promise<void> {
    const target = worker as unknown as { processOne: (...args: unknown[]) => Promise<unknown> };
    const processOne = target.processOne;
    let calls = 0;
    target.processOne = async (...args: unknown[]) => {
      if (calls++ >= after) throw new KilledWorker('killed mid-batch');
      return processOne.apply(worker, args);
    };
    try {
      await worker.drain();
    } catch (error) {
      if (!(error instanceof KilledWorker)) throw error;
    } finally {
      delete (target as { processOne?: unknown }).processOne;
    }
  }

  /** Everything processed and sent: drains, lets the auto-replies go out, and lets time pass for echo waits. */
  private async settle(): Promise<void> {
    for (let round = 0; round < 30; round++) {
      await this.t.app.get(InboxWorker).drain();
      await this.t.app.get(ArticleDeliveryService).kick();
      const [{ n }] = await this.t.dataSource.query(`SELECT COUNT(*) AS n FROM inbox_events WHERE status = 'received'`);
      if (Number(n) === 0) return;
      this.clock.offset += 1_000;
    }
  }

  private async checkInvariants(messages: Message[], reopened: Set<number>): Promise<void> {
    const q = (sql: string) => this.t.dataSource.query(sql);
    const events: { dedupe_key: string; status: string; error: string | null }[] = await q('SELECT dedupe_key, status, error FROM inbox_events');
    const articles: { id: number; ticket_id: number; sender: string; channel: string; external_id: string | null; delivery_status: string | null; body: string }[] = await q(
      'SELECT id, ticket_id, sender, channel, external_id, delivery_status, body FROM articles ORDER BY id',
    );
    const tickets: { id: number; state: TicketState; channel: string; customer_x_id: string }[] = await q('SELECT id, state, channel, customer_x_id FROM tickets ORDER BY id');
    const threads: { ticket_id: number; thread_key: string; open_thread_key: string | null }[] = await q('SELECT ticket_id, thread_key, open_thread_key FROM ticket_threads');
    const stateOf = new Map(tickets.map((x) => [Number(x.id), x.state]));
    const keysOf = (ticketId: number) => threads.filter((r) => Number(r.ticket_id) === ticketId).map((r) => r.thread_key);

    // No event left `received` or `failed`: X answered, every retry counted, every wait ended.
    for (const e of events) check(e.status !== 'received' && e.status !== 'failed', `event ${e.dedupe_key} left ${e.status}: ${e.error}`);

    for (const m of messages) {
      const event = events.find((e) => e.dedupe_key === `${m.kind}:${m.id}`);
      const stored = articles.filter((a) => a.external_id === m.id);
      // Every distinct X message is at most one article …
      check(stored.length <= 1, `message ${m.id} is ${stored.length} articles`);
      if (!event) {
        check(m.missing && stored.length === 0, `message ${m.id} (${m.text}) has no inbox event`);
        continue;
      }
      // … exactly one when processed (or found stored already) …
      if (event.status === 'processed' || event.error?.startsWith('Already stored')) check(stored.length === 1, `message ${m.id} (${m.text}) is ${event.status} but stored ${stored.length} times`);
      if (event.status === 'rejected') check(stored.length === 0 && /^Follow-up rejected/.test(event.error ?? ''), `message ${m.id} rejected: ${event.error}`);
      // … and a customer's message of a thread that starts with a mention is never dropped, whatever the order of arrival.
      if (!m.byProfile && m.threadRoutable) check(event.status !== 'ignored' || stored.length === 1, `message ${m.id} (${m.text}) of a ticketed conversation was dropped: ${event.error}`);
      // It sits in a ticket of its conversation.
      if (stored.length === 1)
        check(
          keysOf(Number(stored[0].ticket_id)).includes(m.conversation),
          `message ${m.id} (${m.text}) is on ticket ${stored[0].ticket_id} of ${keysOf(Number(stored[0].ticket_id))}, not of ${m.conversation}`,
        );
    }

    // The profile's own messages never open a ticket.
    for (const x of tickets) check(x.customer_x_id !== this.account.id, `ticket ${x.id} has our own account as customer`);

    // docs/THREADING.md: one holder per conversation, never a closed one, and one whenever an open ticket belongs.
    for (const key of new Set(threads.map((r) => r.thread_key))) {
      const rows = threads.filter((r) => r.thread_key === key);
      const holders = rows.filter((r) => r.open_thread_key !== null).map((r) => Number(r.ticket_id));
      const notClosed = rows.map((r) => Number(r.ticket_id)).filter((id) => stateTypeOf(stateOf.get(id)!) !== 'closed');
      check(holders.length <= 1, `${key} has holders ${holders}`);
      check(
        holders.every((id) => notClosed.includes(id)),
        `${key} is held by a closed ticket`,
      );
      check(holders.length === (notClosed.length > 0 ? 1 : 0), `${key}: open tickets ${notClosed}, holders ${holders}`);
      // At most one open ticket per conversation, but for tickets an agent reopened (they may wait beside the holder).
      check(notClosed.filter((id) => !reopened.has(id)).length <= 1, `${key} has open tickets ${notClosed} (reopened by agents: ${[...reopened]})`);
    }

    // What the inbox writes is searchable and in the ticket's history, whatever was rolled back around it (docs/SEARCH-AND-MEDIA.md, docs/AGENT-WORKSPACE.md).
    const rowid = this.t.dataSource.options.type === 'postgres' ? 'id' : 'rowid';
    const documents = new Set((await q(`SELECT ${rowid} AS id FROM search_documents`)).map((r: { id: number | string }) => Number(r.id)));
    const historyOf: { article_id: number | null; ticket_id: number; kind: string }[] = await q(`SELECT article_id, ticket_id, kind FROM ticket_history WHERE kind IN ('created', 'article')`);
    for (const x of tickets) {
      check(documents.has(-Number(x.id)), `ticket ${x.id} has no search document`);
      check(historyOf.filter((h) => h.kind === 'created' && Number(h.ticket_id) === Number(x.id)).length === 1, `ticket ${x.id} has no single 'created' history entry`);
    }
    for (const a of articles) {
      check(documents.has(Number(a.id)), `article ${a.id} has no search document`);
      check(historyOf.filter((h) => h.kind === 'article' && Number(h.article_id) === Number(a.id)).length === 1, `article ${a.id} has no single history entry`);
    }
    check(documents.size === tickets.length + articles.length, `${documents.size} search documents for ${tickets.length} tickets and ${articles.length} articles`);

    // Auto-replies: at most one per DM ticket, each sent once.
    const autoReplies = articles.filter((a) => a.sender === 'system');
    for (const x of tickets) check(autoReplies.filter((a) => Number(a.ticket_id) === Number(x.id)).length <= (x.channel === 'dm' ? 1 : 0), `ticket ${x.id} has several auto-replies`);
    for (const a of autoReplies) check(a.delivery_status === 'sent' && a.external_id, `auto-reply ${a.id} is ${a.delivery_status}`);
    const sentIds = this.fakeX.sent.map((s) => (s.kind === 'dm' ? s.dmEventId : s.id));
    check(sentIds.length === new Set(sentIds).size && sentIds.length === autoReplies.length, `X received ${sentIds.length} messages for ${autoReplies.length} auto-replies`);
    for (const a of autoReplies) check(sentIds.includes(a.external_id!), `auto-reply ${a.id} was not sent as ${a.external_id}`);
  }
}

/**
 * The model is about order and retries, not about surviving a power loss: commits need not wait
 * for the disk (SQLite: synchronous NORMAL; PostgreSQL: synchronous_commit off for this app's
 * connections, a startup option in the URL). A few hundred runs then take seconds, not minutes.
 */
function withoutWaitingForDisks(): Record<string, string> {
  const url = process.env.DATABASE_URL;
  if (!url) return { SQLITE_SYNCHRONOUS: 'NORMAL' };
  const withOptions = new URL(url);
  withOptions.searchParams.set('options', '-c synchronous_commit=off');
  return { DATABASE_URL: withOptions.href };
}

function person(p: XPerson) {
  return { id: p.id, username: p.handle, name: p.name };
}
