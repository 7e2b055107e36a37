import { Injectable } from '@nestjs/common';
import { LessThanOrEqual, type EntityManager } from 'typeorm';
import { mapAaaItem } from '../channels/x/aaa-message-mapper';
import type { IncomingDirectMessage, IncomingTweet, IncomingXMessage } from '../channels/x/incoming-x-message';
import { dmConversation } from '../tickets/conversation-key';
import { ConversationTickets, type ArticleDraft, type Conversation, type ConversationLock, type Placement } from '../tickets/conversation-tickets.service';
import { InboxEvent, type InboxStatus } from './inbox-event.entity';
import { routeTweet } from './message-routing';
import type { ActiveProfile } from './profile-directory.service';

export type ProcessOutcome =
  | { status: Exclude<InboxStatus, 'received' | 'failed'>; ticketId?: number; note?: string; autoReply?: boolean }
  /**
   * Not now. `waitingForEcho`: our own message whose send has not stored its id yet (counted, so it
   * cannot wait forever); otherwise another worker holds the conversation: try again in a moment.
   */
  | { status: 'deferred'; note: string; waitingForEcho: boolean };

const busy = (key: string): ProcessOutcome => ({ status: 'deferred', note: `Conversation ${key} is being processed by another worker.`, waitingForEcho: false });

/** How long an unknown own message waits for a send under way to store its id (the echo race). */
export const OWN_ECHO_MAX_DEFERRALS = 20;

/**
 * Turns one stored X message into ticket changes, inside the caller's transaction: skip what is
 * stored already, keep the profile's own messages out of customer tickets, route a tweet that
 * starts a conversation to its queue. Which ticket a message belongs to, and what it does to it,
 * is ConversationTickets' decision (docs/THREADING.md).
 */
@Injectable()
export class InboxProcessor {
  constructor(private readonly tickets: ConversationTickets) {}

  async process(m: EntityManager, event: InboxEvent, profile: ActiveProfile | undefined, now: Date, lock: ConversationLock): Promise<ProcessOutcome> {
    if (!profile) return { status: 'rejected', note: 'The profile is not valid or not fully set up.' };
    const message = this.messageOf(event);
    if (!message) return { status: 'ignored', note: 'Not a message socialdesk can read.' };

    const known = await this.tickets.storedMessage(m, profile.id, message.id);
    if (known) return { status: 'ignored', ticketId: known.ticketId, note: 'Already stored (a repeated delivery or the echo of our own message).' };

    const authorId = message.kind === 'dm' ? message.sender.id : message.author.id;
    if (authorId === profile.accountId) return this.ownMessage(m, message, profile, event);
    if (message.kind === 'dm') {
      if (message.recipientId !== profile.accountId) return { status: 'ignored', note: 'A direct message between other accounts.' };
      return this.customerDm(m, message, profile, now, lock);
    }
    return this.customerTweet(m, message, profile, now, lock);
  }

  private messageOf(event: InboxEvent): IncomingXMessage | undefined {
    const payload: unknown = JSON.parse(event.payload);
    if (event.format === 'aaa-tweet' || event.format === 'aaa-dm') return mapAaaItem(event.format, payload);
    // Polled items are stored already in the neutral shape.
    return payload as IncomingXMessage;
  }

  private async customerDm(m: EntityManager, dm: IncomingDirectMessage, profile: ActiveProfile, now: Date, lock: ConversationLock): Promise<ProcessOutcome> {
    const key = dmConversation(dm.sender.id);
    const placement = await this.tickets.place(m, { profileId: profile.id, key }, lock);
    if (placement.action !== 'new-ticket') return this.follow(m, placement, dm);
    const articles = [customerArticle(dm)];
    // The auto-reply greets a new conversation once; follow-ups, echoes and duplicates never get it.
    if (profile.autoReplyText) {
      articles.push({ sender: 'system', channel: 'dm', body: profile.autoReplyText, deliveryStatus: 'sending', nextAttemptAt: String(now.getTime()) });
    }
    const ticket = await this.tickets.open(m, { profileId: profile.id, queueId: profile.targetQueueId, channel: 'dm', customer: dm.sender, conversations: [key] }, articles);
    return { status: 'processed', ticketId: ticket.id, autoReply: !!profile.autoReplyText };
  }

  private async customerTweet(m: EntityManager, tweet: IncomingTweet, profile: ActiveProfile, now: Date, lock: ConversationLock): Promise<ProcessOutcome> {
    const placement = await this.tickets.place(m, { profileId: profile.id, inReplyTo: tweet.inReplyToTweetId }, lock);
    if (placement.action !== 'new-ticket') return this.follow(m, placement, tweet);
    const route = routeTweet(tweet, profile);
    if (!placement.previous) {
      // The parent came in just before and waits in the inbox: take it first, or this reply would open
      // a second ticket for one conversation. (A parent that keeps failing is not waited for.)
      if (tweet.inReplyToTweetId && (await m.exists(InboxEvent, { where: { profileId: profile.id, dedupeKey: `tweet:${tweet.inReplyToTweetId}`, status: 'received', nextAttemptAt: LessThanOrEqual(String(now.getTime())) } }))) {
        return { status: 'deferred', note: `Waiting for tweet ${tweet.inReplyToTweetId}, which it answers.`, waitingForEcho: false };
      }
      if (route.queueId === undefined) {
        return { status: 'ignored', note: route.reason === 'retweet' ? 'A retweet.' : 'Neither a mention of the profile nor a tracked hashtag.' };
      }
    }
    // A new ticket for a closed conversation goes where a new message would be routed, else where the old one was (OTRS).
    const queueId = route.queueId ?? placement.previous!.queueId;
    const ticket = await this.tickets.open(m, { profileId: profile.id, queueId, channel: 'tweet', customer: tweet.author, conversations: [] }, [customerArticle(tweet)]);
    return { status: 'processed', ticketId: ticket.id };
  }

  /** A message of the conversation's existing ticket: appended, rejected, or not now. */
  private async follow(m: EntityManager, placement: Exclude<Placement, { action: 'new-ticket' }>, message: IncomingXMessage): Promise<ProcessOutcome> {
    switch (placement.action) {
      case 'busy':
        return busy(placement.lockKey);
      case 'reject': {
        const { ticket } = placement;
        return { status: 'rejected', ticketId: ticket.id, note: `Follow-up rejected: ticket ${ticket.number} is closed and queue "${ticket.queueName}" rejects follow-ups.` };
      }
      case 'append':
        await this.tickets.append(m, placement, customerArticle(message));
        return { status: 'processed', ticketId: placement.ticket.id };
    }
  }

  /**
   * The profile's own tweet or DM, sent from here (the echo) or from elsewhere (a phone). Never a
   * customer ticket: it joins the conversation it belongs to as an agent article, or is ignored.
   */
  private async ownMessage(m: EntityManager, message: IncomingXMessage, profile: ActiveProfile, event: InboxEvent): Promise<ProcessOutcome> {
    const conversation: Conversation =
      message.kind === 'dm' ? { profileId: profile.id, key: dmConversation(message.recipientId) } : { profileId: profile.id, inReplyTo: message.inReplyToTweetId };
    const ticket = conversation.key || conversation.inReplyTo ? await this.tickets.ticketOf(m, conversation) : undefined;
    if (!ticket) return { status: 'ignored', note: 'Our own message, outside any ticket.' };
    // A send on this ticket may not have stored the id X gave it yet: wait for it rather than guess.
    if (event.attempts < OWN_ECHO_MAX_DEFERRALS && (await this.tickets.sendUnderWay(m, ticket.id, message.kind))) {
      return { status: 'deferred', note: 'Own message while a send on its ticket is under way.', waitingForEcho: true };
    }
    await this.tickets.addArticle(m, ticket, {
      sender: 'agent',
      channel: message.kind,
      externalId: message.id,
      inReplyToExternalId: message.kind === 'tweet' ? (message.inReplyToTweetId ?? null) : null,
      authorXId: profile.accountId,
      authorHandle: message.kind === 'dm' ? message.sender.handle : message.author.handle,
      body: message.text,
      deliveryStatus: 'sent',
      ...(message.media?.length ? { media: message.media } : {}),
    });
    return { status: 'processed', ticketId: ticket.id, note: 'Sent from outside socialdesk; kept on the ticket.' };
  }
}

/** A customer's message as the article it becomes. */
function customerArticle(message: IncomingXMessage): ArticleDraft {
  const author = message.kind === 'dm' ? message.sender : message.author;
  return {
    sender: 'customer',
    channel: message.kind,
    externalId: message.id,
    inReplyToExternalId: message.kind === 'tweet' ? (message.inReplyToTweetId ?? null) : null,
    authorXId: author.id,
    authorHandle: author.handle,
    body: message.text,
    ...(message.media?.length ? { media: message.media } : {}),
  };
}
