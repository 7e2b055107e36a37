import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { CheckedUpload } from '../attachments/attachment-store.service';
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
import { chosenNextState, nextStateChange } from './reply-next-state';
import { chosenReplyChannel, type ReplyChannel } from './reply-channels';
import { RecipientLookup } from './recipient-lookup.service';
import { SendingProfiles } from './sending-profiles';
import { SentOnce } from './sent-once.service';
import { TicketAclService } from './ticket-acl.service';
import { agentActor, TicketHistory } from './ticket-history.service';
import { Ticket } from './ticket.entity';
import { stateTypeOf, type TicketState } from './ticket-states';
import { TicketsService, replyTarget } from './tickets.service';
import { directMessageLength, MAX_DM_LENGTH, MAX_TWEET_WEIGHT, weightedTweetLength } from './tweet-length';

/** How long an agent's request waits for its message to go out, so the next page usually shows it sent. */
const WAIT_FOR_DELIVERY_MS = 3_000;

/** The reply form as it arrives: checked here, after the agent's rights. */
export interface ReplyForm {
  body?: unknown;
  /** `tweet` or `dm`; the ticket's own channel when absent. */
  channel?: unknown;
  formKey?: unknown;
  /** "Next state": a state name; the form's initial choice when absent (a new ticket opens, any other keeps its state). */
  state?: unknown;
  /** The pending time for a pending next state, `datetime-local` in the agent's zone. */
  pendingUntil?: unknown;
  /** The attached image, checked when called (after the agent's rights); none when no file was chosen. */
  image?: () => CheckedUpload | undefined;
}

export interface ReplyOutcome {
  article: Article;
  /** A DM answering a mention whose customer's DM conversation another open ticket holds: the answers land there. */
  answersLandIn?: TicketRef;
}

/**
 * Everything an agent writes on a ticket. Each action first checks rw in the queue's group and the
 * lock, then what the ACLs allow (TicketAclService, the same answers the zoom rendered with).
 */
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
    private readonly sentOnce: SentOnce,
    private readonly recipients: RecipientLookup,
    private readonly sending: SendingProfiles,
  ) {}

  /**
   * A reply through the ticket's profile, the way the customer wrote or the other way
   * (docs/SEARCH-AND-MEDIA.md): a reply tweet to the customer's latest tweet, a DM (on a mention
   * ticket the customer's DM conversation joins the ticket), or a public tweet from a DM ticket.
   * Stored as `sending`, then handed to the delivery worker; a repeated form key shows the first
   * reply instead. Answering a new ticket opens it and, as in OTRS, locks it to the agent.
   */
  async reply(agent: CurrentAgent, ticketId: number, form: ReplyForm): Promise<ReplyOutcome> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    const formKey = this.sentOnce.keyOf(form.formKey);
    const earlier = await this.sentOnce.earlier(agent, formKey);
    if (earlier) return this.replyShownAgain(ticket, earlier);
    const access = await this.acl.forTicket(agent, ticket);
    const nextState = chosenNextState(access, form.state);
    // The reply action, the ticket's profile and the next state, as the zoom offered them (else 403).
    access.require({ action: 'reply', nextState });
    const next = nextStateChange(agent, ticket, nextState as TicketState, form.pendingUntil, this.clock.now());
    const closes = next.state !== ticket.state && stateTypeOf(next.state) === 'closed';
    const refusal = this.sending.refusal(ticket.profile);
    if (refusal) throw new DomainException(refusal.key, undefined, refusal.params);
    const channel = chosenReplyChannel(ticket.channel, form.channel);
    if (channel === 'dm' && !/^\d+$/.test(ticket.customerXId)) throw new DomainException('compose.error.noDmRecipient', 'channel');
    const body = checkedBody(form.body, channel);
    const upload = form.image?.();
    const history = await this.articles.find({ where: { ticketId }, order: { createdAt: 'ASC', id: 'ASC' } });
    // A tweet on a DM ticket is a new public tweet; on a tweet ticket it answers the customer's latest tweet.
    const target = channel === 'tweet' && ticket.channel === 'tweet' ? replyTarget(history) : undefined;

    const written = await this.sentOnce.write(agent, formKey, () =>
      this.transactions.run(async (manager) => {
        await this.conversations.beginChange(manager, ticket.id, agentActor(agent));
        const first = await this.sentOnce.earlier(agent, formKey, manager);
        if (first) return first;
        const id = await this.conversations.addArticle(manager, ticket, { ...this.outgoing(channel, ticket.profile, agent, body, target?.externalId ?? null), formKey, upload });
        if (channel === 'dm' && ticket.channel === 'tweet') await this.conversations.joinConversation(manager, ticket, dmConversation(ticket.customerXId));
        await this.conversations.change(
          manager,
          ticket.id,
          {
            ...(next.state !== ticket.state ? { state: next.state } : {}),
            ...(next.pendingUntil !== undefined ? { pendingUntil: next.pendingUntil } : {}),
            // The replier owns an unlocked ticket and holds its lock, unless the reply closes it (closing unlocks).
            ...(ticket.locked ? {} : closes ? { ownerId: agent.id } : { locked: true, ownerId: agent.id }),
          },
          agentActor(agent),
        );
        return id;
      }),
    );
    if (typeof written !== 'number') return this.replyShownAgain(ticket, written);
    await this.deliverSoon();
    return { article: await this.articles.findOneByOrFail({ id: written }), answersLandIn: await this.dmAnswersLandIn(ticket, channel) };
  }

  /** A reply posted again with its form key: nothing new is written or sent; the first one, as it stands after its delivery. */
  private async replyShownAgain(ticket: Ticket, earlier: Article): Promise<ReplyOutcome> {
    if (earlier.deliveryStatus === 'sending') await this.deliverSoon();
    const article = await this.articles.findOneByOrFail({ id: earlier.id });
    return { article, answersLandIn: article.channel === 'dm' ? await this.dmAnswersLandIn(ticket, 'dm') : undefined };
  }

  /** Where the customer's DMs land after a DM answered a mention, when that is another ticket. */
  private async dmAnswersLandIn(ticket: Ticket, channel: ReplyChannel): Promise<TicketRef | undefined> {
    if (channel !== 'dm' || ticket.channel !== 'tweet') return undefined;
    const holder = await this.conversations.holderOf(this.articles.manager, ticket.profileId, dmConversation(ticket.customerXId));
    return holder && holder.id !== ticket.id ? holder : undefined;
  }

  /** An internal note: never sent anywhere. A repeated form key shows the first note. */
  async note(agent: CurrentAgent, ticketId: number, form: { body?: unknown; formKey?: unknown }): Promise<Article> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    const formKey = this.sentOnce.keyOf(form.formKey);
    const earlier = await this.sentOnce.earlier(agent, formKey);
    if (earlier) return earlier;
    (await this.acl.forTicket(agent, ticket)).require({ action: 'note' });
    const body = checkedText(form.body, MAX_DM_LENGTH);
    const written = await this.sentOnce.write(agent, formKey, () =>
      this.transactions.run(async (manager) => {
        await this.conversations.beginChange(manager, ticket.id, agentActor(agent));
        const first = await this.sentOnce.earlier(agent, formKey, manager);
        if (first) return first;
        const id = await this.conversations.addArticle(manager, ticket, { sender: 'agent', channel: 'note', createdById: agent.id, body, formKey });
        await this.conversations.change(manager, ticket.id, {}, agentActor(agent));
        return id;
      }),
    );
    return typeof written === 'number' ? this.articles.findOneByOrFail({ id: written }) : written;
  }

  async setOwner(agent: CurrentAgent, ticketId: number, ownerId: unknown): Promise<Ticket> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    const access = await this.acl.forTicket(agent, ticket);
    access.require({ action: 'owner' });
    const id = Number(ownerId);
    const owner = (await this.reader.ownerCandidates(ticket.queue.groupId)).find((u) => u.id === id);
    if (!owner) throw new DomainException('tickets.error.ownerNotAllowed');
    access.require({ action: 'owner', owner: { id: owner.id, name: owner.login, label: `${owner.name} (${owner.login})` } });
    await this.transactions.run((m) => this.conversations.change(m, ticket.id, { ownerId: id }, agentActor(agent)));
    return ticket;
  }

  /** A failed outgoing article goes back to `sending` with fresh attempts. */
  async resend(agent: CurrentAgent, ticketId: number, articleId: number): Promise<void> {
    const { ticket } = await this.reader.findForAgent(agent, ticketId, 'act');
    (await this.acl.forTicket(agent, ticket)).require({ action: 'resend' });
    const refusal = this.sending.refusal(ticket.profile);
    if (refusal) throw new DomainException(refusal.key, undefined, refusal.params);
    await this.transactions.run(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(Article)
        .set({ deliveryStatus: 'sending', deliveryError: null, deliveryAttempts: 0, nextAttemptAt: this.clock.now() })
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
   * The recipient is an @handle that X must know (a DM needs one; a tweet names them at its start).
   * A repeated form key shows the ticket the first POST created.
   */
  async createOutgoing(agent: CurrentAgent, form: NewTicketDto): Promise<TicketRef> {
    const queue = (await this.reader.queuesFor(agent, 'act', true)).find((q) => q.id === form.queueId);
    const profile = (await this.reader.sendingProfiles()).find((p) => p.id === form.profileId);
    // New tickets at all, then the queue and the profile, as the ACLs offered them (else 403).
    (await this.acl.forNewTicket(agent, { queue, profileId: profile?.id })).require({ queue, profile });
    if (!queue) throw new DomainException('validation.choose', 'queueId');
    if (!profile) throw new DomainException('tickets.error.profileNotAllowedHere', 'profileId');
    const formKey = this.sentOnce.keyOf(form.formKey);
    const earlier = await this.sentOnce.earlier(agent, formKey);
    if (earlier) return this.ticketOf(earlier);

    if (form.type === 'dm' && !form.recipient) throw new DomainException('validation.required', 'recipient');
    // Checked before asking X, so a text that cannot be sent costs no lookup.
    checkedBody(form.recipient && form.type === 'tweet' ? mentioning(form.recipient, form.body) : form.body, form.type);
    const recipient = form.recipient ? await this.recipients.byHandle(profile, form.recipient, 'recipient') : undefined;
    const body = checkedBody(recipient && form.type === 'tweet' ? mentioning(recipient.handle, form.body) : form.body, form.type);

    let written: TicketRef | Article;
    try {
      written = await this.sentOnce.write(agent, formKey, () =>
        this.transactions.run((manager) =>
          this.conversations.open(
            manager,
            {
              profileId: profile.id,
              queueId: queue.id,
              channel: form.type,
              state: 'open',
              ownerId: agent.id,
              title: form.title,
              customer: recipient ?? { id: '', handle: '', name: '' },
              // One open ticket per DM conversation: a second one for the same person is refused.
              conversations: form.type === 'dm' ? [dmConversation(recipient!.id)] : [],
            },
            [{ ...this.outgoing(form.type, profile, agent, body, null), formKey }],
          ),
        ),
      );
    } catch (error) {
      if (error instanceof ConversationHeldError) throw new DomainException('tickets.error.threadOpen', 'recipient', { number: error.holder.number });
      throw error;
    }
    if (written instanceof Article) return this.ticketOf(written);
    await this.deliverSoon();
    return written;
  }

  private async ticketOf(article: Article): Promise<TicketRef> {
    if (article.deliveryStatus === 'sending') await this.deliverSoon();
    const ticket = await this.articles.manager.findOneOrFail(Ticket, { where: { id: article.ticketId }, select: { id: true, number: true } });
    return { id: ticket.id, number: ticket.number ?? String(ticket.id) };
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
      nextAttemptAt: this.clock.now(),
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
function checkedBody(text: unknown, channel: ReplyChannel): string {
  const body = checkedText(text, MAX_DM_LENGTH);
  if (channel === 'tweet') {
    const length = weightedTweetLength(body);
    if (length > MAX_TWEET_WEIGHT) throw new DomainException('tickets.error.tweetTooLong', 'body', { max: MAX_TWEET_WEIGHT, length });
  }
  return body;
}

/** A new tweet to someone starts with their @handle (X notifies them by it), unless the agent wrote it already. */
function mentioning(handle: string, text: unknown): unknown {
  if (typeof text !== 'string' || !text.trim()) return text;
  const named = new RegExp(`(^|[^\\w@])@${handle}(?!\\w)`, 'i').test(text);
  return named ? text : `@${handle} ${text.trim()}`;
}

function checkedText(text: unknown, max: number): string {
  const body = typeof text === 'string' ? text.replace(/\r\n/g, '\n').trim() : '';
  if (!body) throw new DomainException('validation.required', 'body');
  const length = directMessageLength(body);
  if (length > max) throw new DomainException('tickets.error.textTooLong', 'body', { max, length });
  return body;
}
