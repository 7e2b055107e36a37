import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import { Transactions } from '../database/transactions';
import type { CurrentAgent } from '../auth/current-agent';
import { Clock } from '../common/clock';
import { DomainException } from '../common/domain.exception';
import type { SocialMediaProfile } from '../social-media-profiles/social-media-profile.entity';
import { Article } from './article.entity';
import { ArticleDeliveryService } from './article-delivery.service';
import type { NewTicketDto } from './dto/new-ticket.dto';
import { sendBlocker } from './profile-usability';
import { TicketAclService } from './ticket-acl.service';
import { ticketNumber } from './ticket-number';
import { AGENT_STATES, openThreadKeyAfter, type AgentState } from './ticket-rules';
import { stateTypeOf } from './ticket-states';
import { Ticket } from './ticket.entity';
import { TicketsService, replyTarget } from './tickets.service';
import { directMessageLength, MAX_DM_LENGTH, MAX_TWEET_WEIGHT, weightedTweetLength } from './tweet-length';
import { isUniqueViolation } from '../database/unique-violation';

/** How long an agent's request waits for its message to go out, so the next page usually shows it sent. */
const WAIT_FOR_DELIVERY_MS = 3_000;
const TITLE_LENGTH = 80;

/** Everything an agent does to a ticket. Each action first checks rw in the queue's group; replies also the ACLs. */
@Injectable()
export class TicketActionsService {
  constructor(
    @InjectRepository(Ticket) private readonly tickets: Repository<Ticket>,
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly reader: TicketsService,
    private readonly acl: TicketAclService,
    private readonly delivery: ArticleDeliveryService,
    private readonly clock: Clock,
  ) {}

  /**
   * A reply through the ticket's profile: a reply tweet to the customer's latest tweet, or a DM.
   * Stored as `sending`, then handed to the delivery worker. Answering a new ticket opens it and,
   * as in OTRS, locks it to the agent.
   */
  async reply(agent: CurrentAgent, ticketId: number, text: unknown): Promise<Article> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    if (!(await this.acl.mayUseTicketProfile(agent, ticket))) {
      throw new DomainException('tickets.error.profileNotAllowed', undefined, { name: ticket.profile.name });
    }
    const blocker = sendBlocker(ticket.profile);
    if (blocker) throw new DomainException(blocker.key, undefined, blocker.params);
    const body = checkedBody(text, ticket.channel);
    const history = await this.articles.find({ where: { ticketId }, order: { createdAt: 'ASC', id: 'ASC' } });
    const target = ticket.channel === 'tweet' ? replyTarget(history) : undefined;

    const article = await this.transactions.run(async (manager) => {
      const saved = await manager.getRepository(Article).save(this.outgoing(ticket, ticket.profile, agent, body, target?.externalId ?? null));
      const changes: Partial<Ticket> = {};
      if (ticket.state === 'new') changes.state = 'open';
      if (!ticket.locked) Object.assign(changes, { locked: true, ownerId: agent.id });
      await touch(manager, ticket.id, changes);
      return saved;
    });
    await this.deliverSoon();
    return this.articles.findOneByOrFail({ id: article.id });
  }

  /** An internal note: never sent anywhere. */
  async note(agent: CurrentAgent, ticketId: number, text: unknown): Promise<Article> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    const body = checkedText(text, MAX_DM_LENGTH);
    return this.transactions.run(async (manager) => {
      const saved = await manager.getRepository(Article).save(
        manager.getRepository(Article).create({
          ticketId: ticket.id,
          profileId: ticket.profileId,
          sender: 'agent',
          channel: 'note',
          authorHandle: '',
          createdById: agent.id,
          body,
          deliveryStatus: null,
        }),
      );
      await touch(manager, ticket.id, {});
      return saved;
    });
  }

  /** Locking makes the agent the owner, as in OTRS. */
  async setLock(agent: CurrentAgent, ticketId: number, locked: boolean): Promise<Ticket> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    await touch(this.dataSource.manager, ticket.id, locked ? { locked: true, ownerId: agent.id } : { locked: false });
    return ticket;
  }

  async setOwner(agent: CurrentAgent, ticketId: number, ownerId: unknown): Promise<Ticket> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    const id = Number(ownerId);
    const candidates = await this.reader.ownerCandidates(ticket.queue.groupId);
    if (!candidates.some((u) => u.id === id)) throw new DomainException('tickets.error.ownerNotAllowed');
    await touch(this.dataSource.manager, ticket.id, { ownerId: id });
    return ticket;
  }

  /** Closing frees the DM thread; reopening takes it back unless another open ticket holds it. */
  async setState(agent: CurrentAgent, ticketId: number, state: unknown): Promise<Ticket> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    if (!(AGENT_STATES as readonly unknown[]).includes(state)) throw new DomainException('validation.choose');
    const target = state as AgentState;
    const holder = async () =>
      !!ticket.threadKey &&
      (await this.tickets.createQueryBuilder('t').where('t.profileId = :p AND t.openThreadKey = :k AND t.id <> :id', { p: ticket.profileId, k: ticket.threadKey, id: ticket.id }).getExists());
    const needsCheck = ticket.threadKey && stateTypeOf(target) !== 'closed' && ticket.openThreadKey !== ticket.threadKey;
    const openThreadKey = openThreadKeyAfter(ticket, target, needsCheck ? await holder() : false);
    try {
      await touch(this.dataSource.manager, ticket.id, { state: target, openThreadKey });
    } catch (error) {
      // Another ticket took the thread between the check and the update: reopen without it.
      if (!isUniqueViolation(error)) throw error;
      await touch(this.dataSource.manager, ticket.id, { state: target, openThreadKey: null });
    }
    return ticket;
  }

  /** A failed outgoing article goes back to `sending` with fresh attempts. */
  async resend(agent: CurrentAgent, ticketId: number, articleId: number): Promise<void> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    if (!(await this.acl.mayUseTicketProfile(agent, ticket))) {
      throw new DomainException('tickets.error.profileNotAllowed', undefined, { name: ticket.profile.name });
    }
    const blocker = sendBlocker(ticket.profile);
    if (blocker) throw new DomainException(blocker.key, undefined, blocker.params);
    const result = await this.articles
      .createQueryBuilder()
      .update(Article)
      .set({ deliveryStatus: 'sending', deliveryError: null, deliveryAttempts: 0, nextAttemptAt: String(this.clock.now()) })
      .where('id = :articleId AND ticket_id = :ticketId', { articleId, ticketId })
      .andWhere("delivery_status = 'failed' AND channel <> 'note' AND sender <> 'customer'")
      .execute();
    if (result.affected === 0) throw new DomainException('tickets.error.notResendable');
    await this.deliverSoon();
  }

  /**
   * A new outgoing tweet or DM that starts a ticket. The profile must be one the agent may use
   * (the same ACL check as the form's choice) and able to send; the queue one the agent works in.
   */
  async createOutgoing(agent: CurrentAgent, form: NewTicketDto): Promise<Ticket> {
    const queue = (await this.reader.queuesFor(agent, 'act', true)).find((q) => q.id === form.queueId);
    if (!queue) throw new DomainException('validation.choose', 'queueId');
    const usable = await this.reader.usableProfiles(agent, queue.name);
    const profile = usable.find((p) => p.id === form.profileId);
    if (!profile) throw new DomainException('tickets.error.profileNotAllowedHere', 'profileId');

    const recipientId = form.recipientId ?? '';
    if (form.type === 'dm' && !recipientId) throw new DomainException('validation.required', 'recipientId');
    const body = checkedBody(form.body, form.type);
    const threadKey = form.type === 'dm' ? `dm:${recipientId}` : null;
    if (threadKey) await this.assertThreadFree(profile.id, threadKey);

    let ticket: Ticket;
    try {
      ticket = await this.transactions.run(async (manager) => {
        const repo = manager.getRepository(Ticket);
        const created = await repo.save(
          repo.create({
            title: form.title || titleOf(body),
            queueId: queue.id,
            state: 'open',
            locked: false,
            ownerId: agent.id,
            profileId: profile.id,
            channel: form.type,
            threadKey,
            openThreadKey: threadKey,
            customerXId: recipientId,
            customerHandle: form.recipientHandle ?? '',
            customerName: '',
          }),
        );
        created.number = ticketNumber(created.createdAt ?? new Date(this.clock.now()), created.id);
        await repo.update({ id: created.id }, { number: created.number });
        await manager.getRepository(Article).save(this.outgoing(created, profile, agent, body, null));
        return created;
      });
    } catch (error) {
      if (!isUniqueViolation(error) || !threadKey) throw error;
      await this.assertThreadFree(profile.id, threadKey);
      throw error;
    }
    await this.deliverSoon();
    return ticket;
  }

  private outgoing(ticket: Ticket, profile: SocialMediaProfile, agent: CurrentAgent, body: string, inReplyTo: string | null): Article {
    return this.articles.create({
      ticketId: ticket.id,
      profileId: ticket.profileId,
      sender: 'agent',
      channel: ticket.channel,
      inReplyToExternalId: inReplyTo,
      authorXId: profile.accountId,
      authorHandle: profile.accountHandle ?? '',
      createdById: agent.id,
      body,
      deliveryStatus: 'sending',
      deliveryAttempts: 0,
      nextAttemptAt: String(this.clock.now()),
    });
  }

  private async assertThreadFree(profileId: number, threadKey: string): Promise<void> {
    const holder = await this.tickets.findOneBy({ profileId, openThreadKey: threadKey });
    if (holder) throw new DomainException('tickets.error.threadOpen', 'recipientId', { number: holder.number ?? String(holder.id) });
  }

  /** Sends now, waiting a little: usually the next page already shows the article as sent. */
  private async deliverSoon(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, WAIT_FOR_DELIVERY_MS);
      timer.unref();
    });
    await Promise.race([this.delivery.kick(), timeout]);
    clearTimeout(timer);
  }
}

/** The text of a reply or new message within X's limits: 280 weighted characters for a tweet, 10,000 for a DM. */
function checkedBody(text: unknown, channel: 'tweet' | 'dm'): string {
  const body = checkedText(text, MAX_DM_LENGTH);
  if (channel === 'tweet') {
    const length = weightedTweetLength(body);
    if (length > MAX_TWEET_WEIGHT) throw new DomainException('tickets.error.tweetTooLong', 'body', { max: MAX_TWEET_WEIGHT, length });
  }
  return body;
}

function checkedText(text: unknown, max: number): string {
  const body = typeof text === 'string' ? text.replace(/\r\n/g, '\n').trim() : '';
  if (!body) throw new DomainException('validation.required', 'body');
  const length = directMessageLength(body);
  if (length > max) throw new DomainException('tickets.error.textTooLong', 'body', { max, length });
  return body;
}

function titleOf(body: string): string {
  const line = body.split('\n')[0].trim();
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1)}…` : line;
}

/** Applies changes and moves the ticket's "changed" time, so the queue view sorts it up. */
async function touch(manager: EntityManager, id: number, changes: Partial<Ticket>): Promise<void> {
  await manager
    .createQueryBuilder()
    .update(Ticket)
    .set({ ...changes, changedAt: () => 'CURRENT_TIMESTAMP' })
    .where('id = :id', { id })
    .execute();
}
