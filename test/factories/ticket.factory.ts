import { Article, type ArticleChannel, type ArticleSender, type DeliveryStatus } from '../../src/tickets/article.entity';
import { dmConversation } from '../../src/tickets/conversation-key';
import { ticketNumber } from '../../src/tickets/ticket-number';
import { CLOSED_STATES, type TicketState } from '../../src/tickets/ticket-states';
import { TicketThread } from '../../src/tickets/ticket-thread.entity';
import { Ticket, type TicketChannel } from '../../src/tickets/ticket.entity';
import type { TestApp } from '../utils/create-test-app';

/**
 * Tickets and articles written straight through TypeORM, as the incoming side stores them: for
 * screens and delivery tests that should not depend on the webhook.
 */
let nextXId = 1_850_000_000_000_000_000n;
/** A fresh X id (tweet, DM event or user), a string beyond 2^53 like X's. */
export const newXId = (): string => String(nextXId++);

export interface Customer {
  id: string;
  handle: string;
  name: string;
}

let customers = 0;
export function newCustomer(): Customer {
  customers += 1;
  return { id: newXId(), handle: `customer_${customers}`, name: `Customer ${customers}` };
}

export interface ArticleSeed {
  sender?: ArticleSender;
  channel?: ArticleChannel;
  body?: string;
  externalId?: string | null;
  inReplyToExternalId?: string | null;
  authorXId?: string | null;
  authorHandle?: string;
  createdById?: number | null;
  deliveryStatus?: DeliveryStatus | null;
  nextAttemptAt?: number | null;
}

export interface TicketSeed {
  profileId: number;
  queueId: number;
  channel: TicketChannel;
  customer?: Customer;
  state?: TicketState;
  title?: string;
  ownerId?: number | null;
  locked?: boolean;
  /** Default: one customer message (a tweet mentioning the profile, or a DM) with a fresh X id. */
  articles?: ArticleSeed[];
}

export interface SeededTicket {
  ticket: Ticket;
  customer: Customer;
  articles: Article[];
}

/** A ticket as the inbox makes it: numbered, DM tickets belonging to their conversation and holding it while not closed. */
export async function insertTicket(t: TestApp, seed: TicketSeed): Promise<SeededTicket> {
  const customer = seed.customer ?? newCustomer();
  const state = seed.state ?? 'new';
  const tickets = t.dataSource.getRepository(Ticket);
  const created = await tickets.save(
    tickets.create({
      title: seed.title ?? `Question from @${customer.handle}`,
      queueId: seed.queueId,
      state,
      locked: seed.locked ?? false,
      ownerId: seed.ownerId ?? null,
      profileId: seed.profileId,
      channel: seed.channel,
      customerXId: customer.id,
      customerHandle: customer.handle,
      customerName: customer.name,
    }),
  );
  await tickets.update({ id: created.id }, { number: ticketNumber(new Date(created.createdAt), created.id) });
  if (seed.channel === 'dm') {
    const key = dmConversation(customer.id);
    await t.dataSource.getRepository(TicketThread).insert({ ticketId: created.id, profileId: seed.profileId, threadKey: key, openThreadKey: CLOSED_STATES.includes(state) ? null : key });
  }
  const ticket = await tickets.findOneByOrFail({ id: created.id });

  const seeds = seed.articles ?? [{ body: seed.channel === 'tweet' ? `@acme_support my order is late` : 'Hello, my order is late.' }];
  const articles: Article[] = [];
  for (const a of seeds) articles.push(await insertArticle(t, ticket, customer, a));
  return { ticket, customer, articles };
}

/** One article on a ticket; a customer message by default, with a fresh external id. */
export async function insertArticle(t: TestApp, ticket: Ticket, customer: Customer | undefined, a: ArticleSeed = {}): Promise<Article> {
  const repo = t.dataSource.getRepository(Article);
  const sender = a.sender ?? 'customer';
  return repo.save(
    repo.create({
      ticketId: ticket.id,
      profileId: ticket.profileId,
      sender,
      channel: a.channel ?? ticket.channel,
      externalId: a.externalId === undefined ? (sender === 'customer' ? newXId() : null) : a.externalId,
      inReplyToExternalId: a.inReplyToExternalId ?? null,
      authorXId: a.authorXId === undefined ? (sender === 'customer' ? (customer?.id ?? null) : null) : a.authorXId,
      authorHandle: a.authorHandle ?? (sender === 'customer' ? (customer?.handle ?? '') : ''),
      createdById: a.createdById ?? null,
      body: a.body ?? 'Hello',
      deliveryStatus: a.deliveryStatus ?? null,
      nextAttemptAt: a.nextAttemptAt ?? null,
    }),
  );
}
