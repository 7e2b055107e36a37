import { AclStoreService } from '../../src/acl/acl-store.service';
import { StoredAcl } from '../../src/acl/acl.entity';
import { Group } from '../../src/agents/group.entity';
import { GroupsService } from '../../src/agents/groups.service';
import { Clock } from '../../src/common/clock';
import { Transactions } from '../../src/database/transactions';
import { InboxEvent } from '../../src/inbox/inbox-event.entity';
import { InboxStore } from '../../src/inbox/inbox-store.service';
import { Queue } from '../../src/queues/queue.entity';
import { Article } from '../../src/tickets/article.entity';
import { dmConversation } from '../../src/tickets/conversation-key';
import { ConversationTickets } from '../../src/tickets/conversation-tickets.service';
import { SYSTEM_ACTOR } from '../../src/tickets/ticket-history.service';
import { Ticket } from '../../src/tickets/ticket.entity';
import { dmBody, newXId, type XPerson } from '../factories/aaa-event.factory';
import { createReadyProfile } from '../factories/profile.factory';
import { splitAaaDelivery } from '../../src/channels/x/aaa-webhook-body';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { TestClock } from '../utils/test-clock';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a row was created and last changed is the app's Clock, like every stored moment
 * (docs/ARCHITECTURE.md, "Time"): set years away from the database's own clock, the test clock
 * decides them, whether the row is written by an entity or by raw SQL.
 */
describe('created and changed times come from Clock', () => {
  let t: TestApp;
  const clock = new TestClock();

  beforeAll(async () => {
    t = await createTestApp({ env: { INBOX_WORKER: 'off', DELIVERY_INTERVAL_MS: '3600000' }, override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
  });
  afterAll(() => t.close());
  beforeEach(() => clock.setTo('2031-03-04T05:06:07Z'));

  /** The clock's time around `work`: what it wrote must lie in between. */
  async function during<R>(work: () => Promise<R>): Promise<{ result: R; from: number; to: number }> {
    const from = clock.now();
    const result = await work();
    return { result, from, to: clock.now() };
  }
  const expectWithin = (value: number, span: { from: number; to: number }) => {
    expect(value).toBeGreaterThanOrEqual(span.from);
    expect(value).toBeLessThanOrEqual(span.to);
  };

  it('an entity saved: created and changed then; changed again moves only its changed time', async () => {
    const groups = t.app.get(GroupsService);
    const created = await during(() => groups.create({ name: 'clocked', validity: 'valid' }));
    const stored = await t.dataSource.getRepository(Group).findOneByOrFail({ id: created.result.id });
    expectWithin(stored.createdAt, created);
    expect(stored.changedAt).toBe(stored.createdAt);

    clock.advance(DAY_MS);
    const changed = await during(() => groups.update(stored.id, { name: 'clocked', comment: 'a day later', validity: 'valid' }));
    const after = await t.dataSource.getRepository(Group).findOneByOrFail({ id: stored.id });
    expect(after.createdAt).toBe(stored.createdAt);
    expectWithin(after.changedAt, changed);
  });

  it('ACLs imported in bulk (raw SQL): created and changed then; overwritten: changed again', async () => {
    const acls = t.app.get(AclStoreService);
    const file = (comment: string) => [{ name: 'clock.yml', content: `- Name: clock-acl\n  Comment: ${comment}\n  ValidID: 1\n` }];
    const added = await during(() => acls.importFiles(file('first'), { mode: 'add', actor: 'test' }));
    const stored = await t.dataSource.getRepository(StoredAcl).findOneByOrFail({ name: 'clock-acl' });
    expectWithin(stored.createdAt, added);
    expect(stored.changedAt).toBe(stored.createdAt);

    clock.advance(DAY_MS);
    const overwritten = await during(() => acls.importFiles(file('second'), { mode: 'overwrite', actor: 'test' }));
    const after = await t.dataSource.getRepository(StoredAcl).findOneByOrFail({ id: stored.id });
    expect(after.comment).toBe('second');
    expect(after.createdAt).toBe(stored.createdAt);
    expectWithin(after.changedAt, overwritten);
  });

  it('a ticket opened and changed by the conversation rules (raw SQL): its times and its article’s', async () => {
    const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(t, { targetQueueId: raw.id });
    const customer = { id: newXId(), handle: 'clocked', name: 'Clocked' };
    const conversations = t.app.get(ConversationTickets);
    const transactions = t.app.get(Transactions);
    const opened = await during(() =>
      transactions.run((m) =>
        conversations.open(m, { profileId: profile.id, queueId: raw.id, channel: 'dm', customer, conversations: [dmConversation(customer.id)] }, [
          { sender: 'customer', channel: 'dm', body: 'Hello', externalId: newXId(), authorXId: customer.id },
        ]),
      ),
    );
    const ticket = await t.dataSource.getRepository(Ticket).findOneByOrFail({ id: opened.result.id });
    expectWithin(ticket.createdAt, opened);
    expect(ticket.changedAt).toBe(ticket.createdAt);
    expect(ticket.number).toBe(`20310304${String(ticket.id).padStart(8, '0')}`);
    const [article] = await t.dataSource.getRepository(Article).findBy({ ticketId: ticket.id });
    expectWithin(article.createdAt, opened);

    clock.advance(DAY_MS);
    const changed = await during(() => transactions.run((m) => conversations.change(m, ticket.id, { state: 'open' }, SYSTEM_ACTOR)));
    const after = await t.dataSource.getRepository(Ticket).findOneByOrFail({ id: ticket.id });
    expect(after.state).toBe('open');
    expect(after.createdAt).toBe(ticket.createdAt);
    expectWithin(after.changedAt, changed);
  });

  it('an inbox event: received when the store took it', async () => {
    const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(t, { name: 'ClockedInbox', targetQueueId: raw.id, accountId: '1790000000000000077' });
    const account: XPerson = { id: profile.accountId!, handle: 'acme_support', name: 'ACME' };
    const from: XPerson = { id: newXId(), handle: 'sender', name: 'Sender' };
    const { items } = splitAaaDelivery(dmBody({ forUserId: account.id, from, to: account, text: 'When?' }).body);
    const stored = await during(() => t.app.get(InboxStore).store(profile.id, 'webhook', items));
    const event = await t.dataSource.getRepository(InboxEvent).findOneByOrFail({ dedupeKey: items[0].dedupeKey });
    expectWithin(event.receivedAt, stored);
  });
});
