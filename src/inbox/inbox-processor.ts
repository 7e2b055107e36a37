import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IncomingDirectMessage, IncomingTweet, IncomingXMessage } from '../channels/x/incoming-x-message';
import { describeBadId, isXId } from '../channels/x/x-id';
import { dmConversation, tweetConversation as tweetConversationKey } from '../tickets/conversation-key';
import { ConversationTickets, type ArticleDraft, type Conversation, type ConversationLock, type Placement } from '../tickets/conversation-tickets.service';
import type { InboxEvent, InboxStatus } from './inbox-event.entity';
import { inboxMessage } from './inbox-message';
import { routeTweet } from './message-routing';
import type { ActiveProfile } from './profile-directory.service';
import { tweetConversation } from './tweet-conversation';
import { inboxNote } from './inbox-notes';

/** What the worker records on the event; `conversationId`: a tweet's conversation, once known. */
export type ProcessOutcome =
  /** `unrouted`: an ignored tweet that neither mentions the profile nor carries a tracked hashtag. */
  | { status: Exclude<InboxStatus, 'received' | 'failed'>; ticketId?: number; note?: string; autoReply?: boolean; conversationId?: string; unrouted?: boolean }
  /**
   * Not now. `busy`: another worker holds the conversation, try again in a moment. `echo`: our own
   * message whose send has not stored its id yet (counted, so it cannot wait forever). `parent`:
   * the tweet it answers (`parentId`) is still in the inbox and goes first, due at `until`; the
   * worker wakes the reply when that tweet is done (bounded by the event's hold time).
   */
  | { status: 'deferred'; note: string; reason: 'busy' | 'echo' | 'parent'; until?: number; parentId?: string; conversationId?: string }
  /** A reply whose conversation only X can tell: the worker fetches `parentId` outside its transaction. */
  | { status: 'wants-parent'; parentId: string; note: string };

/**
 * Which messages had an article when the batch began. Within a batch no other event can store one
 * of them (each X message is one inbox event); another transaction storing one meanwhile meets the
 * unique external id, and the event's next attempt finds it.
 */
export class StoredMessages {
  private readonly asked = new Set<string>();
  private readonly found = new Map<string, number>();

  add(profileId: number, asked: string[], found: Map<string, number>): void {
    for (const id of asked) this.asked.add(`${profileId}:${id}`);
    for (const [id, ticketId] of found) this.found.set(`${profileId}:${id}`, ticketId);
  }

  knows(profileId: number, externalId: string): boolean {
    return this.asked.has(`${profileId}:${externalId}`);
  }

  get(profileId: number, externalId: string): { ticketId: number } | undefined {
    const ticketId = this.found.get(`${profileId}:${externalId}`);
    return ticketId === undefined ? undefined : { ticketId };
  }
}

const wantsParent = (parentId: string): ProcessOutcome => ({ status: 'wants-parent', parentId, note: inboxNote('fetchingParent', { parent: parentId }) });
const busy = (key: string): ProcessOutcome => ({ status: 'deferred', note: inboxNote('busy', { conversation: key }), reason: 'busy' });

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

  /** The articles stored for these X messages (ConversationTickets.storedMessages). */
  storedMessages(m: EntityManager, profileId: number, externalIds: string[]): Promise<Map<string, number>> {
    return this.tickets.storedMessages(m, profileId, externalIds);
  }

  /** `stored`: which of the batch's messages were stored when the batch began (one query for the batch instead of one per event). */
  async process(m: EntityManager, event: InboxEvent, profile: ActiveProfile | undefined, now: Date, lock: ConversationLock, stored?: StoredMessages): Promise<ProcessOutcome> {
    if (!profile) return { status: 'rejected', note: inboxNote('profileUnusable') };
    const message = inboxMessage(event);
    if (!message) return { status: 'ignored', note: inboxNote('unreadable') };
    const badId = badIdOf(message);
    if (badId) return { status: 'rejected', note: inboxNote('notAnXId', { id: badId }) };

    const known = stored?.knows(profile.id, message.id) ? stored.get(profile.id, message.id) : await this.tickets.storedMessage(m, profile.id, message.id);
    if (known) return { status: 'ignored', ticketId: known.ticketId, note: inboxNote('alreadyStored') };

    let conversationId: string | undefined;
    let parentUnknown = false;
    if (message.kind === 'tweet') {
      const found = await tweetConversation(m, event, message, profile.id, now.getTime());
      if (found.kind === 'fetch') return wantsParent(found.parentId);
      if (found.kind === 'wait') {
        return { status: 'deferred', reason: 'parent', until: found.parentDueAt, parentId: found.parentId, note: inboxNote('waitingForParent', { parent: found.parentId }) };
      }
      ({ conversationId, parentUnknown } = found);
    }
    const outcome = await this.place(m, message, conversationId, profile, event, now, lock);
    // A reply that routes nowhere is not dropped before the tweet it answers was seen: that one may start the thread's ticket.
    if (outcome.status === 'ignored' && outcome.unrouted && parentUnknown && event.parentLookup === null && message.kind === 'tweet') return wantsParent(message.inReplyToTweetId!);
    return conversationId && outcome.status !== 'wants-parent' ? { ...outcome, conversationId } : outcome;
  }

  private place(
    m: EntityManager,
    message: IncomingXMessage,
    conversationId: string | undefined,
    profile: ActiveProfile,
    event: InboxEvent,
    now: Date,
    lock: ConversationLock,
  ): Promise<ProcessOutcome> {
    const authorId = message.kind === 'dm' ? message.sender.id : message.author.id;
    if (authorId === profile.accountId) return this.ownMessage(m, message, conversationId, profile, event);
    if (message.kind === 'dm') {
      if (message.recipientId !== profile.accountId) return Promise.resolve({ status: 'ignored', note: inboxNote('dmBetweenOthers') });
      return this.customerDm(m, message, profile, now, lock);
    }
    return this.customerTweet(m, message, conversationId, profile, lock);
  }

  private async customerDm(m: EntityManager, dm: IncomingDirectMessage, profile: ActiveProfile, now: Date, lock: ConversationLock): Promise<ProcessOutcome> {
    const key = dmConversation(dm.sender.id);
    const placement = await this.tickets.place(m, { profileId: profile.id, key }, lock);
    if (placement.action !== 'new-ticket') return this.follow(m, placement, customerArticle(dm));
    const articles = [customerArticle(dm)];
    // The auto-reply greets a new conversation once; follow-ups, echoes and duplicates never get it.
    if (profile.autoReplyText) {
      articles.push({ sender: 'system', channel: 'dm', body: profile.autoReplyText, deliveryStatus: 'sending', nextAttemptAt: now.getTime() });
    }
    const ticket = await this.tickets.open(m, { profileId: profile.id, queueId: profile.targetQueueId, channel: 'dm', customer: dm.sender, conversations: [key] }, articles);
    return { status: 'processed', ticketId: ticket.id, autoReply: !!profile.autoReplyText };
  }

  private async customerTweet(m: EntityManager, tweet: IncomingTweet, conversationId: string | undefined, profile: ActiveProfile, lock: ConversationLock): Promise<ProcessOutcome> {
    const key = conversationId ? tweetConversationKey(conversationId) : undefined;
    const placement = await this.tickets.place(m, { profileId: profile.id, key, inReplyTo: tweet.inReplyToTweetId }, lock);
    const article = customerArticle(tweet, conversationId);
    if (placement.action !== 'new-ticket') return this.follow(m, placement, article);
    const route = routeTweet(tweet, profile);
    if (!placement.previous && route.queueId === undefined) {
      if (route.reason === 'retweet') return { status: 'ignored', note: inboxNote('retweet') };
      return { status: 'ignored', unrouted: true, note: inboxNote('unrouted') };
    }
    // A new ticket for a closed conversation goes where a new message would be routed, else where the old one was (OTRS).
    const queueId = route.queueId ?? placement.previous!.queueId;
    const ticket = await this.tickets.open(m, { profileId: profile.id, queueId, channel: 'tweet', customer: tweet.author, conversations: key ? [key] : [] }, [article]);
    return { status: 'processed', ticketId: ticket.id };
  }

  /** A message of the conversation's existing ticket: appended, rejected, or not now. */
  private async follow(m: EntityManager, placement: Exclude<Placement, { action: 'new-ticket' }>, article: ArticleDraft): Promise<ProcessOutcome> {
    switch (placement.action) {
      case 'busy':
        return busy(placement.lockKey);
      case 'reject': {
        const { ticket } = placement;
        return { status: 'rejected', ticketId: ticket.id, note: inboxNote('followUpRejected', { number: ticket.number, queue: ticket.queueName }) };
      }
      case 'append':
        await this.tickets.append(m, placement, article);
        return { status: 'processed', ticketId: placement.ticket.id };
    }
  }

  /**
   * The profile's own tweet or DM, sent from here (the echo) or from elsewhere (a phone). Never a
   * customer ticket: it joins the conversation it belongs to as an agent article, or is ignored.
   */
  private async ownMessage(m: EntityManager, message: IncomingXMessage, conversationId: string | undefined, profile: ActiveProfile, event: InboxEvent): Promise<ProcessOutcome> {
    const conversation: Conversation =
      message.kind === 'dm'
        ? { profileId: profile.id, key: dmConversation(message.recipientId) }
        : { profileId: profile.id, key: conversationId ? tweetConversationKey(conversationId) : undefined, inReplyTo: message.inReplyToTweetId };
    const ticket = conversation.key || conversation.inReplyTo ? await this.tickets.ticketOf(m, conversation) : undefined;
    if (!ticket) return { status: 'ignored', note: inboxNote('ownOutsideTickets') };
    // A send on this ticket may not have stored the id X gave it yet: wait for it rather than guess.
    if (event.attempts < OWN_ECHO_MAX_DEFERRALS && (await this.tickets.sendUnderWay(m, ticket.id, message.kind))) {
      return { status: 'deferred', note: inboxNote('ownWhileSending'), reason: 'echo' };
    }
    await this.tickets.addArticle(m, ticket, {
      sender: 'agent',
      channel: message.kind,
      externalId: message.id,
      inReplyToExternalId: message.kind === 'tweet' ? (message.inReplyToTweetId ?? null) : null,
      conversationId: conversationId ?? null,
      authorXId: profile.accountId,
      authorHandle: message.kind === 'dm' ? message.sender.handle : message.author.handle,
      body: message.text,
      deliveryStatus: 'sent',
      ...(message.media?.length ? { media: message.media } : {}),
    });
    return { status: 'processed', ticketId: ticket.id, note: inboxNote('sentOutside') };
  }
}

/** A customer's message as the article it becomes. */
function customerArticle(message: IncomingXMessage, conversationId?: string): ArticleDraft {
  const author = message.kind === 'dm' ? message.sender : message.author;
  return {
    sender: 'customer',
    channel: message.kind,
    externalId: message.id,
    inReplyToExternalId: message.kind === 'tweet' ? (message.inReplyToTweetId ?? null) : null,
    conversationId: conversationId ?? null,
    authorXId: author.id,
    authorHandle: author.handle,
    body: message.text,
    ...(message.media?.length ? { media: message.media } : {}),
  };
}

/**
 * The first id of the message that is not an X id (at most 19 digits). The id columns are
 * varchar(30): PostgreSQL refuses longer values (SQLite would keep them), and nothing else but X's
 * own ids belongs there.
 */
function badIdOf(message: IncomingXMessage): string | undefined {
  const ids = message.kind === 'dm' ? [message.id, message.sender.id, message.recipientId] : [message.id, message.author.id, message.inReplyToTweetId, message.inReplyToUserId, message.conversationId];
  const bad = ids.find((id) => id !== undefined && !isXId(id));
  return bad === undefined ? undefined : describeBadId(bad);
}
