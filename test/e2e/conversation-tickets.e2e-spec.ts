import fc from 'fast-check';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../../src/database/transactions';
import { Queue, type FollowUpOption } from '../../src/queues/queue.entity';
import { Article } from '../../src/tickets/article.entity';
import { dmConversation, type ConversationKey } from '../../src/tickets/conversation-key';
import { ConversationHeldError, ConversationTickets } from '../../src/tickets/conversation-tickets.service';
import { SYSTEM_ACTOR } from '../../src/tickets/ticket-history.service';
import { decideFollowUp } from '../../src/tickets/follow-up-decision';
import { stateTypeOf, type TicketState } from '../../src/tickets/ticket-states';
import { TicketThread } from '../../src/tickets/ticket-thread.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { Group } from '../../src/agents/group.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { newCustomer, newXId } from '../factories/ticket.factory';
import { createTestApp, type TestApp } from '../utils/create-test-app';

type Op = { kind: 'incoming' } | { kind: 'state'; pick: number; state: 'open' | 'pending reminder' | 'closed successful' } | { kind: 'option'; option: FollowUpOption } | { kind: 'agent-starts-dm' };

const option = fc.constantFrom<FollowUpOption>('possible', 'reject', 'new-ticket');
const scenario = fc.record({
  option,
  ops: fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<Op>({ kind: 'incoming' }) },
      // `pick` counts from the newest ticket: the interesting moves happen among the last few.
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('state' as const), pick: fc.nat(2), state: fc.constantFrom('open' as const, 'pending reminder' as const, 'closed successful' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('option' as const), option }) },
      { weight: 1, arbitrary: fc.constant<Op>({ kind: 'agent-starts-dm' }) },
    ),
    { maxLength: 30 },
  ),
});

/** What the rule of docs/THREADING.md predicts for one conversation, kept beside the database. */
class Model {
  tickets: { id: number; state: TicketState; articles: number }[] = [];
  holder: number | undefined;
  option: FollowUpOption = 'possible';

  byId(id: number) {
    return this.tickets.find((t) => t.id === id)!;
  }
  /** The newest ticket that is not closed, apart from `except`. */
  newestOpen(except: number) {
    return this.tickets.filter((t) => t.id !== except && stateTypeOf(t.state) !== 'closed').at(-1)?.id;
  }
}

/**
 * Random sequences of incoming messages, agent state changes, follow-up option changes and agents
 * starting DM tickets on one conversation, through ConversationTickets on the real database. After
 * every step: the message landed where the rule says (or was rejected), and the invariants of
 * docs/THREADING.md hold in the table.
 */
describe('ConversationTickets: random close / reopen / incoming sequences on one conversation', () => {
  let t: TestApp;
  let profileId: number;
  let queueId: number;

  beforeAll(async () => {
    // No worker or poller runs beside the property: it is the only writer.
    t = await createTestApp({ env: { INBOX_WORKER: 'off', DELIVERY_INTERVAL_MS: '3600000' } });
    const users = await t.dataSource.getRepository(Group).findOneByOrFail({ name: 'users' });
    queueId = (await t.dataSource.getRepository(Queue).save({ name: 'Property', groupId: users.id, followUp: 'possible' })).id;
    profileId = (await createReadyProfile(t, { targetQueueId: queueId })).id;
  });
  afterAll(() => t.close());

  const service = () => t.app.get(ConversationTickets);
  const inTransaction = <R>(work: (m: EntityManager) => Promise<R>) => t.app.get(Transactions).run(work);
  const allowAll = async () => true;

  async function incoming(model: Model, key: ConversationKey, customer: ReturnType<typeof newCustomer>) {
    const holder = model.holder !== undefined ? model.byId(model.holder) : undefined;
    const expectedTicket = holder ?? model.tickets.at(-1);
    const expected = decideFollowUp(expectedTicket ? { ...expectedTicket, ownerId: null, locked: false } : undefined, { followUp: model.option, followUpLock: false });

    const landed = await inTransaction(async (m) => {
      const placement = await service().place(m, { profileId, key }, allowAll);
      const article = { sender: 'customer' as const, channel: 'dm' as const, externalId: newXId(), authorXId: customer.id, body: 'hello' };
      switch (placement.action) {
        case 'append':
          await service().append(m, placement, article);
          return { action: 'append', ticketId: placement.ticket.id };
        case 'new-ticket':
          return { action: 'new-ticket', ticketId: (await service().open(m, { profileId, queueId, channel: 'dm', customer, conversations: [key] }, [article])).id };
        default:
          return { action: placement.action, ticketId: 'ticket' in placement ? placement.ticket.id : undefined };
      }
    });

    expect(landed.action).toBe(expected.action);
    if (expected.action === 'append') {
      expect(landed.ticketId).toBe(expectedTicket!.id);
      const target = model.byId(expectedTicket!.id);
      if (stateTypeOf(target.state) === 'closed' && model.holder === undefined) model.holder = target.id;
      target.state = expected.newState;
      target.articles += 1;
    } else if (expected.action === 'new-ticket') {
      model.tickets.push({ id: landed.ticketId!, state: 'new', articles: 1 });
      model.holder = landed.ticketId;
    }
  }

  async function setState(model: Model, pick: number, state: TicketState) {
    if (model.tickets.length === 0) return;
    const ticket = model.tickets[model.tickets.length - 1 - (pick % model.tickets.length)];
    await inTransaction((m) => service().change(m, ticket.id, { state }, SYSTEM_ACTOR));
    ticket.state = state;
    if (stateTypeOf(state) === 'closed') {
      if (model.holder === ticket.id) model.holder = model.newestOpen(ticket.id);
    } else if (model.holder === undefined) {
      model.holder = ticket.id;
    }
  }

  async function agentStartsDm(model: Model, key: ConversationKey, customer: ReturnType<typeof newCustomer>) {
    const attempt = inTransaction((m) =>
      service().open(m, { profileId, queueId, channel: 'dm', state: 'open', customer, conversations: [key] }, [{ sender: 'agent', channel: 'dm', body: 'Hello from us', deliveryStatus: 'sending' }]),
    );
    const outcome = await attempt.catch((error: unknown) => error);
    if (model.holder !== undefined) {
      expect(outcome).toBeInstanceOf(ConversationHeldError);
      expect((outcome as ConversationHeldError).holder.id).toBe(model.holder);
      return;
    }
    if (outcome instanceof Error) throw outcome;
    const ticket = outcome as { id: number };
    model.tickets.push({ id: ticket.id, state: 'open', articles: 0 });
    model.holder = ticket.id;
  }

  /** The table agrees with the model, and the invariants hold without it. */
  async function checkInvariants(model: Model, key: ConversationKey) {
    const rows = await t.dataSource.getRepository(TicketThread).find({ where: { profileId, threadKey: key } });
    const states = new Map((await t.dataSource.getRepository(Ticket).find({ where: rows.map((r) => ({ id: r.ticketId })), select: { id: true, state: true } })).map((x) => [x.id, x.state]));
    const holders = rows.filter((r) => r.openThreadKey !== null).map((r) => r.ticketId);
    expect(holders.length).toBeLessThanOrEqual(1);
    for (const id of holders) expect(stateTypeOf(states.get(id)!)).not.toBe('closed');
    const anyOpen = rows.some((r) => stateTypeOf(states.get(r.ticketId)!) !== 'closed');
    expect(holders.length).toBe(anyOpen ? 1 : 0);

    expect(holders[0]).toBe(model.holder);
    expect(rows.map((r) => r.ticketId).sort((a, b) => a - b)).toEqual(model.tickets.map((x) => x.id));
    for (const ticket of model.tickets) {
      expect(states.get(ticket.id)).toBe(ticket.state);
      expect(await t.dataSource.getRepository(Article).countBy({ ticketId: ticket.id, sender: 'customer' })).toBe(ticket.articles);
      // The zoom's notice: an open ticket kept out of its conversation names the holder.
      if (stateTypeOf(ticket.state) !== 'closed' && ticket.id !== model.holder) {
        expect((await service().heldElsewhere(ticket.id)).map((h) => h.id)).toEqual([model.holder]);
      }
    }
  }

  it('lands every message where the rule says and keeps one holder per open conversation', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ option: initial, ops }) => {
        const customer = newCustomer();
        const key = dmConversation(customer.id);
        const model = new Model();
        model.option = initial;
        await t.dataSource.getRepository(Queue).update({ id: queueId }, { followUp: initial });
        for (const op of ops) {
          if (op.kind === 'incoming') await incoming(model, key, customer);
          else if (op.kind === 'state') await setState(model, op.pick, op.state);
          else if (op.kind === 'agent-starts-dm') await agentStartsDm(model, key, customer);
          else {
            model.option = op.option;
            await t.dataSource.getRepository(Queue).update({ id: queueId }, { followUp: op.option });
          }
          await checkInvariants(model, key);
        }
      }),
      { numRuns: 100, seed: 82026 },
    );
  });
});
