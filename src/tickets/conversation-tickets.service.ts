import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Not, type EntityManager } from 'typeorm';
import { AttachmentStore, type CheckedUpload } from '../attachments/attachment-store.service';
import type { IncomingMedia } from '../channels/x/incoming-x-message';
import { Clock } from '../common/clock';
import { storableLine, storableText } from '../common/storable-text';
import { isUniqueViolation } from '../database/unique-violation';
import { SearchIndex } from '../search/search-index.service';
import { User } from '../users/user.entity';
import { Article, type ArticleChannel, type ArticleSender, type DeliveryStatus } from './article.entity';
import type { ConversationKey } from './conversation-key';
import { conversationTicket, holderAndLatest, type ConversationCandidates } from './conversation-rule';
import { decideFollowUp } from './follow-up-decision';
import { effectiveChanges, type TicketChanges, type TicketFacts } from './state-change-effects';
import { articleActor, articleEntry, historyOfChanges, SYSTEM_ACTOR, TicketHistory, type HistoryActor } from './ticket-history.service';
import { lockedByOther } from './ticket-lock-rules';
import { TicketLockedException } from './ticket-locked.exception';
import { ticketNumber } from './ticket-number';
import { CLOSED_STATES, stateTypeOf, type TicketState } from './ticket-states';
import { TicketThread } from './ticket-thread.entity';
import { ticketTitle } from './ticket-title';
import { Ticket, type TicketChannel } from './ticket.entity';

// Column lengths of what comes from X into tickets and articles (ticket.entity.ts, article.entity.ts).
const TITLE_COLUMN_LENGTH = 255;
const HANDLE_COLUMN_LENGTH = 100;
const NAME_COLUMN_LENGTH = 200;

/**
 * Takes a lock for the rest of the caller's transaction, or says another worker has it; never waits
 * (waiting is how two workers deadlock). The inbox worker passes PostgreSQL advisory locks.
 */
export type ConversationLock = (lockKey: string) => Promise<boolean>;

/** An incoming message's conversation: its key, and/or the stored message it answers. */
export interface Conversation {
  profileId: number;
  key?: ConversationKey;
  /** The X id of the message this one answers (tweet replies). */
  inReplyTo?: string;
}

export interface TicketRef {
  id: number;
  number: string;
}

/** The ticket a placement found, with what the caller needs to report on it. */
export interface PlacedTicket extends TicketRef {
  profileId: number;
  state: TicketState;
  queueId: number;
  queueName: string;
}

/** Where an incoming customer message goes (docs/THREADING.md). */
export type Placement =
  /**
   * Append to `ticket`; afterwards it is in `newState` and locked as `lock` says. `join`: the ticket
   * was found through the message it answers, not through the conversation's key, and joins it.
   */
  | { action: 'append'; ticket: PlacedTicket; newState: TicketState; lock: boolean; join?: ConversationKey }
  /** The conversation's ticket is closed and its queue rejects follow-ups: store nothing. */
  | { action: 'reject'; ticket: PlacedTicket }
  /** Open a new ticket; `previous` is the closed ticket whose queue said so, if any. */
  | { action: 'new-ticket'; previous?: PlacedTicket }
  /** Another worker holds `lockKey`: try again in a moment. */
  | { action: 'busy'; lockKey: string };

export type AppendPlacement = Extract<Placement, { action: 'append' }>;

/** An article to store on a ticket; its profile is the ticket's. */
export interface ArticleDraft {
  sender: ArticleSender;
  channel: ArticleChannel;
  body: string;
  externalId?: string | null;
  inReplyToExternalId?: string | null;
  /** Tweets: X's conversation_id; when absent, a reply inherits that of the stored tweet it answers. */
  conversationId?: string | null;
  authorXId?: string | null;
  authorHandle?: string;
  createdById?: number | null;
  deliveryStatus?: DeliveryStatus | null;
  nextAttemptAt?: string | null;
  /** The agent's one-time form key (idempotent sends, docs/SEARCH-AND-MEDIA.md). */
  formKey?: string | null;
  /** A customer's photos, GIFs, videos: recorded with the article, fetched from X later. */
  media?: IncomingMedia[];
  /** An agent's image, checked, stored with the article and uploaded to X when it is sent. */
  upload?: CheckedUpload;
}

export interface TicketDraft {
  profileId: number;
  queueId: number;
  channel: TicketChannel;
  customer: { id: string; handle: string; name: string };
  /** The conversations the ticket belongs to and holds from the start. */
  conversations: ConversationKey[];
  state?: 'new' | 'open';
  ownerId?: number | null;
  locked?: boolean;
  /** Typed by an agent; otherwise the title comes from the first article (ticketTitle). */
  title?: string;
}

export type { TicketChanges };

export interface ChangeOptions {
  /** An administrator unlocking another agent's ticket: the lock rule does not stop this change. */
  overrideLock?: boolean;
}

/** Another open ticket holds a conversation the new ticket was to hold. */
export class ConversationHeldError extends Error {
  constructor(
    readonly key: ConversationKey,
    readonly holder: TicketRef,
  ) {
    super(`Ticket ${holder.number} holds conversation ${key}.`);
  }
}

/**
 * Tickets own threading (docs/THREADING.md): which ticket a conversation's message belongs to,
 * opening and numbering tickets, appending with the state and lock change a follow-up implies, and
 * which ticket holds each conversation when tickets close and reopen. The inbox and the agent
 * actions call this; nothing else writes `ticket_threads` or decides threading.
 *
 * Methods taking an EntityManager run inside the caller's transaction (the inbox worker's
 * savepoint per event, or an agent action's transaction) and never touch the network.
 */
@Injectable()
export class ConversationTickets {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly history: TicketHistory,
    private readonly searchIndex: SearchIndex,
    private readonly attachments: AttachmentStore,
  ) {}

  /** The article already stored for this X message, if any (repeated deliveries, echoes). */
  async storedMessage(m: EntityManager, profileId: number, externalId: string): Promise<{ ticketId: number } | undefined> {
    const article = await m.findOne(Article, { where: { profileId, externalId }, select: { id: true, ticketId: true } });
    return article ? { ticketId: article.ticketId } : undefined;
  }

  /**
   * Where an incoming customer message of `conversation` goes: the open ticket holding its key
   * wins; otherwise the queue's follow-up option decides on its latest ticket (or that of the
   * message it answers); no ticket: a new one. Reads only. Takes the conversation's lock, then the
   * ticket's, before reading the ticket, so two workers never act on one ticket at once.
   */
  async place(m: EntityManager, conversation: Conversation, lock: ConversationLock): Promise<Placement> {
    if (conversation.key) {
      const lockKey = `${conversation.profileId}:${conversation.key}`;
      if (!(await lock(lockKey))) return { action: 'busy', lockKey };
    }
    const candidates = await this.candidates(m, conversation);
    const ticketId = conversationTicket(candidates);
    if (ticketId === undefined) return { action: 'new-ticket' };
    const join = conversation.key && candidates.holder === undefined && candidates.latest === undefined ? conversation.key : undefined;
    const lockKey = `ticket:${ticketId}`;
    if (!(await lock(lockKey))) return { action: 'busy', lockKey };

    // getOne, not findOne: findOne with a relation costs TypeORM an extra DISTINCT query per event.
    const found = await m.createQueryBuilder(Ticket, 't').innerJoinAndSelect('t.queue', 'q').where('t.id = :ticketId', { ticketId }).getOneOrFail();
    const ticket: PlacedTicket = { id: found.id, number: found.number ?? String(found.id), profileId: found.profileId, state: found.state, queueId: found.queueId, queueName: found.queue.name };
    const decision = decideFollowUp(found, found.queue);
    if (decision.action === 'append') return { action: 'append', ticket, newState: decision.newState, lock: decision.lock, ...(join ? { join } : {}) };
    if (decision.action === 'reject') return { action: 'reject', ticket };
    return { action: 'new-ticket', previous: ticket };
  }

  /**
   * Stores the message where `place` said, with the follow-up's state and lock; a reopened ticket
   * takes back its free conversations, and joins the message's conversation when `place` found it
   * through the message it answers. The follow-up's changes are the system's, the message the customer's.
   */
  async append(m: EntityManager, placement: AppendPlacement, article: ArticleDraft): Promise<void> {
    const { ticket } = placement;
    await this.write(m, ticket.id, { state: placement.newState, locked: placement.lock }, SYSTEM_ACTOR);
    if (stateTypeOf(ticket.state) === 'closed') await this.holdFreeConversations(m, ticket.id);
    if (placement.join) await this.joinConversation(m, { id: ticket.id, profileId: ticket.profileId, state: placement.newState }, placement.join);
    await this.addArticle(m, ticket, article);
  }

  /**
   * Opens a numbered ticket that holds `draft.conversations`, with its first articles. Throws
   * ConversationHeldError when another open ticket holds one of them (the caller's transaction
   * must then be rolled back).
   */
  async open(m: EntityManager, draft: TicketDraft, articles: ArticleDraft[]): Promise<TicketRef> {
    const title = storableLine(draft.title?.trim() || ticketTitle(articles[0]?.body ?? ''), TITLE_COLUMN_LENGTH);
    const customerHandle = storableLine(draft.customer.handle, HANDLE_COLUMN_LENGTH);
    const customerName = storableLine(draft.customer.name, NAME_COLUMN_LENGTH);
    const inserted = await m.insert(Ticket, {
      title,
      queueId: draft.queueId,
      state: draft.state ?? 'new',
      locked: draft.locked ?? false,
      ownerId: draft.ownerId ?? null,
      profileId: draft.profileId,
      channel: draft.channel,
      customerXId: draft.customer.id,
      customerHandle,
      customerName,
    });
    const id = Number(inserted.identifiers[0].id);
    const number = ticketNumber(new Date(this.clock.now()), id);
    await m.update(Ticket, { id }, { number });
    await this.searchIndex.indexTicket(m, { id, number, title, customerHandle, customerName });
    const ticket = { id, number, profileId: draft.profileId };
    // Opened by whoever wrote the first message: the customer, or the agent of a new outgoing ticket.
    await this.history.record(m, id, articles[0] ? articleActor(articles[0]) : SYSTEM_ACTOR, [{ kind: 'created', newValue: String(draft.queueId) }]);
    for (const key of draft.conversations) await this.join(m, ticket, key);
    for (const article of articles) await this.addArticle(m, ticket, article);
    return { id, number };
  }

  /**
   * The ticket a message of the profile's own belongs to (an echo, or sent from a phone): the
   * conversation's holder, else its latest ticket, else that of the message it answers. It never
   * opens, reopens or changes a ticket.
   */
  async ticketOf(m: EntityManager, conversation: Conversation): Promise<(TicketRef & { profileId: number }) | undefined> {
    const id = conversationTicket(await this.candidates(m, conversation));
    if (id === undefined) return undefined;
    const ticket = await m.findOneOrFail(Ticket, { where: { id }, select: { id: true, number: true, profileId: true } });
    return { id, number: ticket.number ?? String(id), profileId: ticket.profileId };
  }

  /** Whether an outgoing article of the ticket is still being sent (its X id not stored yet). */
  sendUnderWay(m: EntityManager, ticketId: number, channel: ArticleChannel): Promise<boolean> {
    return m.exists(Article, { where: { ticketId, deliveryStatus: 'sending', channel } });
  }

  /**
   * Adds an article (with its search document, its media, and the history entry naming who wrote
   * it) without changing the ticket; returns its id. Text is stored as both databases take it (NUL
   * and lone surrogates become U+FFFD, see storableText), and indexed as stored.
   */
  async addArticle(m: EntityManager, ticket: { id: number; profileId: number }, article: ArticleDraft): Promise<number> {
    const body = storableText(article.body);
    const inserted = await m.insert(Article, {
      ticketId: ticket.id,
      profileId: ticket.profileId,
      sender: article.sender,
      channel: article.channel,
      body,
      externalId: article.externalId ?? null,
      inReplyToExternalId: article.inReplyToExternalId ?? null,
      conversationId: article.conversationId ?? (await this.inheritedConversation(m, ticket.profileId, article)),
      authorXId: article.authorXId ?? null,
      authorHandle: storableLine(article.authorHandle ?? '', HANDLE_COLUMN_LENGTH),
      createdById: article.createdById ?? null,
      deliveryStatus: article.deliveryStatus ?? null,
      nextAttemptAt: article.nextAttemptAt ?? null,
      formKey: article.formKey ?? null,
    });
    const id = Number(inserted.identifiers[0].id);
    await this.searchIndex.indexArticle(m, { id, ticketId: ticket.id, body });
    if (article.media?.length)
      await this.attachments.recordIncoming(m, { id, ticketId: ticket.id, channel: article.channel, externalId: article.externalId, authorHandle: article.authorHandle }, article.media);
    if (article.upload) await this.attachments.storeUpload(m, { id, ticketId: ticket.id }, article.upload);
    await this.history.record(m, ticket.id, articleActor(article), [articleEntry(id, article.channel)]);
    return id;
  }

  /**
   * A change to a ticket by `actor`, with what it implies (effectiveChanges: leaving pending clears
   * the pending time, closing and moving unlock) and the conversation bookkeeping a state change
   * implies: closing frees the ticket's conversations (each passes to the newest other open ticket
   * of it, if one waits); any other state takes back those that no other open ticket holds. Each
   * field that changes gets a history entry by `actor`. Moves the ticket's "changed" time even
   * without changes (a note). An agent's change to a ticket another agent has locked throws
   * TicketLockedException (checked on the row as locked for this transaction, so a lock taken a
   * moment ago counts), unless `overrideLock` (an administrator unlocking).
   */
  async change(m: EntityManager, ticketId: number, changes: TicketChanges, actor: HistoryActor, options: ChangeOptions = {}): Promise<void> {
    await this.write(m, ticketId, changes, actor, options);
    if (changes.state === undefined) return;
    if (stateTypeOf(changes.state) === 'closed') await this.release(m, ticketId);
    else await this.holdFreeConversations(m, ticketId);
  }

  /**
   * The ticket joins a conversation it was answered in by the other way (a mention answered by DM,
   * a DM ticket's public tweet): a ticket_threads row, holding the key when the ticket is not
   * closed and no other open ticket holds it. Returns the other ticket that holds it, if any:
   * the customer's answers land there (docs/THREADING.md).
   */
  async joinConversation(m: EntityManager, ticket: { id: number; profileId: number; state: TicketState }, key: ConversationKey): Promise<{ holder?: TicketRef }> {
    const mayHold = stateTypeOf(ticket.state) !== 'closed';
    let row = await m.findOne(TicketThread, { where: { ticketId: ticket.id, threadKey: key }, select: { id: true, openThreadKey: true } });
    if (!row) {
      // ON CONFLICT DO NOTHING: a conflict (another holder, or this row written meanwhile) must not abort the caller's transaction.
      const params = { ticketId: ticket.id, profileId: ticket.profileId, key };
      const held = mayHold
        ? await this.rows(m, `INSERT INTO ticket_threads (ticket_id, profile_id, thread_key, open_thread_key) VALUES (:ticketId, :profileId, :key, :key) ON CONFLICT DO NOTHING RETURNING id`, params)
        : [];
      if (held.length > 0) return {};
      await this.rows(m, `INSERT INTO ticket_threads (ticket_id, profile_id, thread_key, open_thread_key) VALUES (:ticketId, :profileId, :key, NULL) ON CONFLICT DO NOTHING RETURNING id`, params);
      row = await m.findOneOrFail(TicketThread, { where: { ticketId: ticket.id, threadKey: key }, select: { id: true, openThreadKey: true } });
    }
    if (row.openThreadKey) return {};
    const holder = await this.holderOf(m, ticket.profileId, key);
    if (!holder && mayHold && (await this.hold(m, row.id))) return {};
    return { holder: holder ?? (await this.holderOf(m, ticket.profileId, key)) };
  }

  /** The open ticket holding a conversation, if any. */
  async holderOf(m: EntityManager, profileId: number, key: ConversationKey): Promise<TicketRef | undefined> {
    const [row]: { id: number; number: string | null }[] = await this.rows(
      m,
      'SELECT t.id AS id, t.number AS number FROM ticket_threads r JOIN tickets t ON t.id = r.ticket_id WHERE r.profile_id = :profileId AND r.open_thread_key = :key',
      { profileId, key },
    );
    return row ? { id: Number(row.id), number: row.number ?? String(row.id) } : undefined;
  }

  /** Open tickets holding conversations this ticket belongs to but does not hold (the zoom's notice). */
  async heldElsewhere(ticketId: number): Promise<TicketRef[]> {
    const rows: { id: number; number: string | null }[] = await this.rows(
      this.dataSource.manager,
      `SELECT DISTINCT t.id AS id, t.number AS number FROM ticket_threads mine
         JOIN ticket_threads other ON other.profile_id = mine.profile_id AND other.open_thread_key = mine.thread_key AND other.ticket_id <> mine.ticket_id
         JOIN tickets t ON t.id = other.ticket_id
       WHERE mine.ticket_id = :ticketId ORDER BY t.id`,
      { ticketId },
    );
    return rows.map((r) => ({ id: Number(r.id), number: r.number ?? String(r.id) }));
  }

  private async candidates(m: EntityManager, conversation: Conversation): Promise<ConversationCandidates<number>> {
    const candidates: ConversationCandidates<number> = {};
    if (conversation.key) {
      const rows = await m.find(TicketThread, { where: { profileId: conversation.profileId, threadKey: conversation.key }, select: { id: true, ticketId: true, openThreadKey: true } });
      Object.assign(candidates, holderAndLatest(rows));
    }
    if (candidates.holder === undefined && candidates.latest === undefined && conversation.inReplyTo) {
      candidates.answered = (await this.storedMessage(m, conversation.profileId, conversation.inReplyTo))?.ticketId;
    }
    return candidates;
  }

  /** A tweet answering a stored tweet is in that tweet's conversation (an agent's reply, for one). */
  private async inheritedConversation(m: EntityManager, profileId: number, article: ArticleDraft): Promise<string | null> {
    if (article.channel !== 'tweet' || !article.inReplyToExternalId) return null;
    const parent = await m.findOne(Article, { where: { profileId, externalId: article.inReplyToExternalId }, select: { id: true, conversationId: true } });
    return parent?.conversationId ?? null;
  }

  /** Applies changes with what they imply, records them, and moves the ticket's "changed" time, so the queue view sorts it up. */
  private async write(m: EntityManager, ticketId: number, changes: TicketChanges, actor: HistoryActor, options: ChangeOptions = {}): Promise<void> {
    const before = await this.checkedFacts(m, ticketId, actor, options);
    const effective = effectiveChanges(before, changes);
    const { pendingUntil, ...columns } = effective;
    await m
      .createQueryBuilder()
      .update(Ticket)
      .set({ ...columns, ...(pendingUntil !== undefined ? { pendingUntil: pendingUntil === null ? null : String(pendingUntil) } : {}), changedAt: () => 'CURRENT_TIMESTAMP' })
      .where('id = :id', { id: ticketId })
      .execute();
    await this.history.record(m, ticketId, actor, historyOfChanges(before, effective));
  }

  /**
   * Opens an agent's write to a ticket that adds an article before changing the ticket (a reply, a
   * note): takes the ticket's row lock and applies the lock rule first, before anything is inserted.
   * An article or history row references the ticket, which on PostgreSQL takes a key-share lock on
   * its row; two such transactions that both held that and then asked for the row lock in change()
   * would deadlock (two replies to one ticket at the same moment). Call change() afterwards as usual.
   */
  async beginChange(m: EntityManager, ticketId: number, actor: HistoryActor): Promise<void> {
    await this.checkedFacts(m, ticketId, actor);
  }

  /** The ticket's facts under its row lock; an agent's change to a ticket another agent has locked throws TicketLockedException. */
  private async checkedFacts(m: EntityManager, ticketId: number, actor: HistoryActor, options: ChangeOptions = {}): Promise<TicketFacts & { number: string | null }> {
    const before = await this.factsForUpdate(m, ticketId);
    if (actor.kind === 'agent' && !options.overrideLock && lockedByOther(before, actor.agentId)) {
      const holder = await m.findOneOrFail(User, { where: { id: before.ownerId! }, select: { id: true, name: true, login: true } });
      throw new TicketLockedException({ id: ticketId, number: before.number }, holder);
    }
    return before;
  }

  /** The ticket's changeable fields, its row locked for the rest of the transaction on PostgreSQL (SQLite has one writer). */
  private async factsForUpdate(m: EntityManager, ticketId: number): Promise<TicketFacts & { number: string | null }> {
    const query = m.createQueryBuilder(Ticket, 't').select(['t.id', 't.number', 't.state', 't.locked', 't.ownerId', 't.queueId', 't.pendingUntil']).where('t.id = :ticketId', { ticketId });
    if (this.dataSource.options.type === 'postgres') query.setLock('pessimistic_write');
    const row = await query.getOneOrFail();
    return { number: row.number, state: row.state, locked: row.locked, ownerId: row.ownerId, queueId: row.queueId, pendingUntil: row.pendingUntil === null ? null : Number(row.pendingUntil) };
  }

  /** The ticket belongs to and holds `key`; refused when another open ticket holds it. */
  private async join(m: EntityManager, ticket: { id: number; profileId: number }, key: ConversationKey): Promise<void> {
    // ON CONFLICT DO NOTHING instead of catching the violation: on PostgreSQL a failed statement would abort the caller's transaction.
    const taken = await this.rows(
      m,
      `INSERT INTO ticket_threads (ticket_id, profile_id, thread_key, open_thread_key) VALUES (:ticketId, :profileId, :key, :key)
       ON CONFLICT DO NOTHING RETURNING id`,
      { ticketId: ticket.id, profileId: ticket.profileId, key },
    );
    if (taken.length > 0) return;
    const holder = await m.findOne(TicketThread, { where: { profileId: ticket.profileId, openThreadKey: key }, relations: { ticket: true } });
    if (!holder) throw new Error(`Ticket ${ticket.id} already belongs to conversation ${key}.`);
    throw new ConversationHeldError(key, { id: holder.ticketId, number: holder.ticket.number ?? String(holder.ticketId) });
  }

  /** Takes back each conversation of the ticket that no other open ticket holds. */
  private async holdFreeConversations(m: EntityManager, ticketId: number): Promise<void> {
    const free: { id: number }[] = await this.rows(
      m,
      `SELECT r.id AS id FROM ticket_threads r
       WHERE r.ticket_id = :ticketId AND r.open_thread_key IS NULL
         AND NOT EXISTS (SELECT 1 FROM ticket_threads o WHERE o.profile_id = r.profile_id AND o.open_thread_key = r.thread_key)`,
      { ticketId },
    );
    for (const row of free) await this.hold(m, Number(row.id));
  }

  /** Frees the conversations the (closing) ticket holds; each goes to the newest other open ticket that belongs to it. */
  private async release(m: EntityManager, ticketId: number): Promise<void> {
    const held = await m.find(TicketThread, { where: { ticketId, openThreadKey: Not(IsNull()) } });
    if (held.length === 0) return;
    await m.update(TicketThread, { ticketId }, { openThreadKey: null });
    for (const thread of held) {
      const [successor]: { id: number }[] = await this.rows(
        m,
        `SELECT r.id AS id FROM ticket_threads r JOIN tickets t ON t.id = r.ticket_id
         WHERE r.profile_id = :profileId AND r.thread_key = :key AND r.ticket_id <> :ticketId AND t.state NOT IN (:...closed)
         ORDER BY r.ticket_id DESC LIMIT 1`,
        { profileId: thread.profileId, key: thread.threadKey, ticketId, closed: CLOSED_STATES },
      );
      if (successor) await this.hold(m, Number(successor.id));
    }
  }

  /**
   * One ticket_threads row holds its key, in a savepoint: on PostgreSQL another transaction may
   * have taken the key since we looked, and its unique violation must not abort the caller's work.
   */
  private async hold(m: EntityManager, threadId: number): Promise<boolean> {
    if (!m.queryRunner?.isTransactionActive) throw new Error('ConversationTickets needs the caller’s transaction.');
    try {
      await m.transaction((inner) => inner.update(TicketThread, { id: threadId }, { openThreadKey: () => 'thread_key' }));
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  private rows<T>(m: EntityManager, sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [text, values] = m.connection.driver.escapeQueryWithParameters(sql, params);
    return m.query(text, values);
  }
}
