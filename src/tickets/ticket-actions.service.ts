import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Transactions } from '../database/transactions';
import type { CurrentAgent } from '../auth/current-agent';
import { Clock } from '../common/clock';
import { DomainException } from '../common/domain.exception';
import type { SocialMediaProfile } from '../social-media-profiles/social-media-profile.entity';
import { Article } from './article.entity';
import { ArticleDeliveryService } from './article-delivery.service';
import { dmConversation } from './conversation-key';
import { ConversationHeldError, ConversationTickets, type ArticleDraft, type TicketRef } from './conversation-tickets.service';
import type { NewTicketDto } from './dto/new-ticket.dto';
import { sendBlocker } from './profile-usability';
import { TicketAclService } from './ticket-acl.service';
import { agentActor, TicketHistory } from './ticket-history.service';
import type { Ticket } from './ticket.entity';
import { TicketsService, replyTarget } from './tickets.service';
import { directMessageLength, MAX_DM_LENGTH, MAX_TWEET_WEIGHT, weightedTweetLength } from './tweet-length';

/** How long an agent's request waits for its message to go out, so the next page usually shows it sent. */
const WAIT_FOR_DELIVERY_MS = 3_000;

/** Everything an agent does to a ticket. Each action first checks rw in the queue's group; replies also the ACLs. */
@Injectable()
export class TicketActionsService {
  constructor(
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    private readonly transactions: Transactions,
    private readonly conversations: ConversationTickets,
    private readonly reader: TicketsService,
    private readonly acl: TicketAclService,
    private readonly delivery: ArticleDeliveryService,
    private readonly clock: Clock,
    private readonly history: TicketHistory,
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

    const articleId = await this.transactions.run(async (manager) => {
      const id = await this.conversations.addArticle(manager, ticket, this.outgoing(ticket.channel, ticket.profile, agent, body, target?.externalId ?? null));
      await this.conversations.change(
        manager,
        ticket.id,
        {
          ...(ticket.state === 'new' ? { state: 'open' } : {}),
          ...(ticket.locked ? {} : { locked: true, ownerId: agent.id }),
        },
        agentActor(agent),
      );
      return id;
    });
    await this.deliverSoon();
    return this.articles.findOneByOrFail({ id: articleId });
  }

  /** An internal note: never sent anywhere. */
  async note(agent: CurrentAgent, ticketId: number, text: unknown): Promise<Article> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    const body = checkedText(text, MAX_DM_LENGTH);
    const articleId = await this.transactions.run(async (manager) => {
      const id = await this.conversations.addArticle(manager, ticket, { sender: 'agent', channel: 'note', createdById: agent.id, body });
      await this.conversations.change(manager, ticket.id, {}, agentActor(agent));
      return id;
    });
    return this.articles.findOneByOrFail({ id: articleId });
  }

  async setOwner(agent: CurrentAgent, ticketId: number, ownerId: unknown): Promise<Ticket> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    const id = Number(ownerId);
    const candidates = await this.reader.ownerCandidates(ticket.queue.groupId);
    if (!candidates.some((u) => u.id === id)) throw new DomainException('tickets.error.ownerNotAllowed');
    await this.transactions.run((m) => this.conversations.change(m, ticket.id, { ownerId: id }, agentActor(agent)));
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
    await this.transactions.run(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(Article)
        .set({ deliveryStatus: 'sending', deliveryError: null, deliveryAttempts: 0, nextAttemptAt: String(this.clock.now()) })
        .where('id = :articleId AND ticket_id = :ticketId', { articleId, ticketId })
        .andWhere("delivery_status = 'failed' AND channel <> 'note' AND sender <> 'customer'")
        .execute();
      if (result.affected === 0) throw new DomainException('tickets.error.notResendable');
      await this.history.record(m, ticketId, agentActor(agent), [{ kind: 'delivery-resent', articleId }]);
    });
    await this.deliverSoon();
  }

  /**
   * A new outgoing tweet or DM that starts a ticket. The profile must be one the agent may use
   * (the same ACL check as the form's choice) and able to send; the queue one the agent works in.
   */
  async createOutgoing(agent: CurrentAgent, form: NewTicketDto): Promise<TicketRef> {
    const queue = (await this.reader.queuesFor(agent, 'act', true)).find((q) => q.id === form.queueId);
    if (!queue) throw new DomainException('validation.choose', 'queueId');
    const usable = await this.reader.usableProfiles(agent, queue.name);
    const profile = usable.find((p) => p.id === form.profileId);
    if (!profile) throw new DomainException('tickets.error.profileNotAllowedHere', 'profileId');

    const recipientId = form.recipientId ?? '';
    if (form.type === 'dm' && !recipientId) throw new DomainException('validation.required', 'recipientId');
    const body = checkedBody(form.body, form.type);

    let ticket: TicketRef;
    try {
      ticket = await this.transactions.run((manager) =>
        this.conversations.open(
          manager,
          {
            profileId: profile.id,
            queueId: queue.id,
            channel: form.type,
            state: 'open',
            ownerId: agent.id,
            title: form.title,
            customer: { id: recipientId, handle: form.recipientHandle ?? '', name: '' },
            // One open ticket per DM conversation: a second one for the same person is refused.
            conversations: form.type === 'dm' ? [dmConversation(recipientId)] : [],
          },
          [this.outgoing(form.type, profile, agent, body, null)],
        ),
      );
    } catch (error) {
      if (error instanceof ConversationHeldError) throw new DomainException('tickets.error.threadOpen', 'recipientId', { number: error.holder.number });
      throw error;
    }
    await this.deliverSoon();
    return ticket;
  }

  /** An agent's tweet or DM, stored to be sent by the delivery worker. */
  private outgoing(channel: Ticket['channel'], profile: SocialMediaProfile, agent: CurrentAgent, body: string, inReplyTo: string | null): ArticleDraft {
    return {
      sender: 'agent',
      channel,
      inReplyToExternalId: inReplyTo,
      authorXId: profile.accountId,
      authorHandle: profile.accountHandle ?? '',
      createdById: agent.id,
      body,
      deliveryStatus: 'sending',
      nextAttemptAt: String(this.clock.now()),
    };
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
