import { Injectable } from '@nestjs/common';
import { LessThanOrEqual, type EntityManager } from 'typeorm';
import { mapAaaItem } from '../channels/x/aaa-message-mapper';
import type { IncomingDirectMessage, IncomingTweet, IncomingXMessage } from '../channels/x/incoming-x-message';
import { Queue } from '../queues/queue.entity';
import { Article } from '../tickets/article.entity';
import { Ticket, type TicketChannel } from '../tickets/ticket.entity';
import { ticketNumber } from '../tickets/ticket-number';
import { decideFollowUp } from './follow-up-decision';
import { InboxEvent, type InboxStatus } from './inbox-event.entity';
import { routeTweet, ticketTitle } from './message-routing';
import type { ActiveProfile } from './profile-directory.service';

export type ProcessOutcome =
  | { status: Exclude<InboxStatus, 'received' | 'failed'>; ticketId?: number; note?: string; autoReply?: boolean }
  /**
   * Not now. `waitingForEcho`: our own message whose send has not stored its id yet (counted, so it
   * cannot wait forever); otherwise another worker holds the conversation: try again in a moment.
   */
  | { status: 'deferred'; note: string; waitingForEcho: boolean };

/**
 * Takes a conversation for the rest of the worker's transaction, or says it is taken. Two workers
 * must not both open the first ticket of a DM thread, nor update one ticket in opposite orders.
 */
export type ConversationLock = (key: string) => Promise<boolean>;

const busy = (key: string): ProcessOutcome => ({ status: 'deferred', note: `Conversation ${key} is being processed by another worker.`, waitingForEcho: false });

/** How long an unknown own message waits for a send under way to store its id (the echo race). */
export const OWN_ECHO_MAX_DEFERRALS = 20;

/**
 * Turns one stored X message into ticket changes, inside the caller's transaction: dedupe by the
 * external id, keep the profile's own messages out of customer tickets, thread DMs by
 * (profile, customer) and tweets by what they reply to, apply the queue's follow-up option.
 */
@Injectable()
export class InboxProcessor {
  async process(m: EntityManager, event: InboxEvent, profile: ActiveProfile | undefined, now: Date, lock: ConversationLock): Promise<ProcessOutcome> {
    if (!profile) return { status: 'rejected', note: 'The profile is not valid or not fully set up.' };
    const message = this.messageOf(event);
    if (!message) return { status: 'ignored', note: 'Not a message socialdesk can read.' };

    const known = await m.findOne(Article, { where: { profileId: profile.id, externalId: message.id }, select: { id: true, ticketId: true } });
    if (known) return { status: 'ignored', ticketId: known.ticketId, note: 'Already stored (a repeated delivery or the echo of our own message).' };

    const authorId = message.kind === 'dm' ? message.sender.id : message.author.id;
    if (authorId === profile.accountId) return this.ownMessage(m, message, profile, event);
    if (message.kind === 'dm') {
      if (message.recipientId !== profile.accountId) return { status: 'ignored', note: 'A direct message between other accounts.' };
      const key = `${profile.id}:dm:${message.sender.id}`;
      return (await lock(key)) ? this.customerDm(m, message, profile, now) : busy(key);
    }
    return this.customerTweet(m, message, profile, now, lock);
  }

  private messageOf(event: InboxEvent): IncomingXMessage | undefined {
    const payload: unknown = JSON.parse(event.payload);
    if (event.format === 'aaa-tweet' || event.format === 'aaa-dm') return mapAaaItem(event.format, payload);
    // Polled items are stored already in the neutral shape.
    return payload as IncomingXMessage;
  }

  private async customerDm(m: EntityManager, dm: IncomingDirectMessage, profile: ActiveProfile, now: Date): Promise<ProcessOutcome> {
    const threadKey = `dm:${dm.sender.id}`;
    const latest = await m.findOne(Ticket, { where: { profileId: profile.id, threadKey }, order: { id: 'DESC' } });
    const followUp = await this.followUp(m, latest ?? undefined);
    if (followUp.action === 'reject') return this.rejected(m, latest!);
    if (followUp.action === 'append') {
      await this.appendTo(m, latest!, followUp.newState, followUp.lock, threadKey);
      await this.addCustomerArticle(m, latest!, profile, dm);
      return { status: 'processed', ticketId: latest!.id };
    }
    const ticket = await this.openTicket(m, profile, now, { queueId: profile.targetQueueId, channel: 'dm', threadKey, customer: dm.sender, text: dm.text });
    await this.addCustomerArticle(m, ticket, profile, dm);
    // The auto-reply greets a new conversation once; follow-ups, echoes and duplicates never get it.
    if (profile.autoReplyText) {
      await m.insert(Article, {
        ticketId: ticket.id,
        profileId: profile.id,
        sender: 'system',
        channel: 'dm',
        body: profile.autoReplyText,
        deliveryStatus: 'sending',
        nextAttemptAt: String(now.getTime()),
      });
    }
    return { status: 'processed', ticketId: ticket.id, autoReply: !!profile.autoReplyText };
  }

  private async customerTweet(m: EntityManager, tweet: IncomingTweet, profile: ActiveProfile, now: Date, lock: ConversationLock): Promise<ProcessOutcome> {
    const parent = tweet.inReplyToTweetId
      ? await m.findOne(Article, { where: { profileId: profile.id, externalId: tweet.inReplyToTweetId }, select: { id: true, ticketId: true } })
      : null;
    const route = routeTweet(tweet, profile);
    if (parent) {
      if (!(await lock(`ticket:${parent.ticketId}`))) return busy(`ticket:${parent.ticketId}`);
      const ticket = await m.findOneByOrFail(Ticket, { id: parent.ticketId });
      const followUp = await this.followUp(m, ticket);
      if (followUp.action === 'reject') return this.rejected(m, ticket);
      if (followUp.action === 'append') {
        await this.appendTo(m, ticket, followUp.newState, followUp.lock, null);
        await this.addCustomerArticle(m, ticket, profile, tweet);
        return { status: 'processed', ticketId: ticket.id };
      }
      // A new ticket for a closed thread goes where a new message would be routed (FOLLOWUP.md §6).
      const queueId = route.queueId ?? ticket.queueId;
      const fresh = await this.openTicket(m, profile, now, { queueId, channel: 'tweet', threadKey: null, customer: tweet.author, text: tweet.text });
      await this.addCustomerArticle(m, fresh, profile, tweet);
      return { status: 'processed', ticketId: fresh.id };
    }
    // The parent came in just before and waits in the inbox: take it first, or this reply would open
    // a second ticket for one conversation. (A parent that keeps failing is not waited for.)
    if (tweet.inReplyToTweetId && (await m.exists(InboxEvent, { where: { profileId: profile.id, dedupeKey: `tweet:${tweet.inReplyToTweetId}`, status: 'received', nextAttemptAt: LessThanOrEqual(String(now.getTime())) } }))) {
      return { status: 'deferred', note: `Waiting for tweet ${tweet.inReplyToTweetId}, which it answers.`, waitingForEcho: false };
    }
    if (route.queueId === undefined) {
      return { status: 'ignored', note: route.reason === 'retweet' ? 'A retweet.' : 'Neither a mention of the profile nor a tracked hashtag.' };
    }
    const ticket = await this.openTicket(m, profile, now, { queueId: route.queueId, channel: 'tweet', threadKey: null, customer: tweet.author, text: tweet.text });
    await this.addCustomerArticle(m, ticket, profile, tweet);
    return { status: 'processed', ticketId: ticket.id };
  }

  /**
   * The profile's own tweet or DM, sent from here (the echo) or from elsewhere (a phone). Never a
   * customer ticket: it joins the conversation it belongs to as an agent article, or is ignored.
   */
  private async ownMessage(m: EntityManager, message: IncomingXMessage, profile: ActiveProfile, event: InboxEvent): Promise<ProcessOutcome> {
    let ticket: Ticket | null = null;
    if (message.kind === 'dm') {
      ticket = await m.findOne(Ticket, { where: { profileId: profile.id, threadKey: `dm:${message.recipientId}` }, order: { id: 'DESC' } });
    } else if (message.inReplyToTweetId) {
      const parent = await m.findOne(Article, { where: { profileId: profile.id, externalId: message.inReplyToTweetId }, select: { id: true, ticketId: true } });
      ticket = parent ? await m.findOneBy(Ticket, { id: parent.ticketId }) : null;
    }
    if (ticket) {
      // A send on this ticket may not have stored the id X gave it yet: wait for it rather than guess.
      const sending = await m.exists(Article, { where: { ticketId: ticket.id, deliveryStatus: 'sending', channel: message.kind } });
      if (sending && event.attempts < OWN_ECHO_MAX_DEFERRALS) return { status: 'deferred', note: 'Own message while a send on its ticket is under way.', waitingForEcho: true };
    }
    if (!ticket) return { status: 'ignored', note: 'Our own message, outside any ticket.' };
    await m.insert(Article, {
      ticketId: ticket.id,
      profileId: profile.id,
      sender: 'agent',
      channel: message.kind,
      externalId: message.id,
      inReplyToExternalId: message.kind === 'tweet' ? (message.inReplyToTweetId ?? null) : null,
      authorXId: profile.accountId,
      authorHandle: message.kind === 'dm' ? message.sender.handle : message.author.handle,
      body: message.text,
      deliveryStatus: 'sent',
    });
    return { status: 'processed', ticketId: ticket.id, note: 'Sent from outside socialdesk; kept on the ticket.' };
  }

  private async followUp(m: EntityManager, ticket: Ticket | undefined) {
    const queue = ticket ? await m.findOne(Queue, { where: { id: ticket.queueId }, select: { id: true, followUp: true, followUpLock: true } }) : null;
    return decideFollowUp(ticket, queue ?? undefined);
  }

  private async rejected(m: EntityManager, ticket: Ticket): Promise<ProcessOutcome> {
    const queue = await m.findOneBy(Queue, { id: ticket.queueId });
    return { status: 'rejected', ticketId: ticket.id, note: `Follow-up rejected: ticket ${ticket.number} is closed and queue "${queue?.name}" rejects follow-ups.` };
  }

  private async appendTo(m: EntityManager, ticket: Ticket, state: Ticket['state'], locked: boolean, threadKey: string | null): Promise<void> {
    const changes: Partial<Ticket> = { state, locked };
    // A reopened DM ticket is the thread's open ticket again (the unique index keeps it the only one).
    if (threadKey && ticket.openThreadKey === null) changes.openThreadKey = threadKey;
    await m.update(Ticket, { id: ticket.id }, changes);
  }

  private async openTicket(
    m: EntityManager,
    profile: ActiveProfile,
    now: Date,
    t: { queueId: number; channel: TicketChannel; threadKey: string | null; customer: { id: string; handle: string; name: string }; text: string },
  ): Promise<Ticket> {
    const result = await m.insert(Ticket, {
      title: ticketTitle(t.text),
      queueId: t.queueId,
      state: 'new',
      profileId: profile.id,
      channel: t.channel,
      threadKey: t.threadKey,
      openThreadKey: t.threadKey,
      customerXId: t.customer.id,
      customerHandle: t.customer.handle,
      customerName: t.customer.name,
    });
    const id = Number(result.identifiers[0].id);
    const number = ticketNumber(now, id);
    await m.update(Ticket, { id }, { number });
    return { id, number, queueId: t.queueId, openThreadKey: t.threadKey } as Ticket;
  }

  private async addCustomerArticle(m: EntityManager, ticket: Pick<Ticket, 'id'>, profile: ActiveProfile, message: IncomingXMessage): Promise<void> {
    const author = message.kind === 'dm' ? message.sender : message.author;
    await m.insert(Article, {
      ticketId: ticket.id,
      profileId: profile.id,
      sender: 'customer',
      channel: message.kind,
      externalId: message.id,
      inReplyToExternalId: message.kind === 'tweet' ? (message.inReplyToTweetId ?? null) : null,
      authorXId: author.id,
      authorHandle: author.handle,
      body: message.text,
    });
  }
}
