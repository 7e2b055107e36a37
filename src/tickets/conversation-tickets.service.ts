import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Not, type EntityManager } from 'typeorm';
import { AttachmentStore, type CheckedUpload } from '../attachments/attachment-store.service';
import type { IncomingMedia } from '../channels/x/incoming-x-message';
import { Clock } from '../common/clock';
import { storableLine, storableText } from '../common/storable-text';
import { namedQuery, postgresQuery, rawQuery } from '../database/raw-query';
import { isUniqueViolation } from '../database/unique-violation';
import type { FollowUpOption } from '../queues/queue.entity';
import { SearchIndex } from '../search/search-index.service';
import { indexedText } from '../search/search-words';
import { AgentsService } from '../agents/agents.service';
import { Article, type ArticleChannel, type ArticleSender, type DeliveryStatus } from './article.entity';
import type { ConversationKey } from './conversation-key';
import { conversationTicket, holderAndLatest, type ConversationCandidates } from './conversation-rule';
import { decideFollowUp } from './follow-up-decision';
import { effectiveChanges, type TicketChanges, type TicketFacts } from './state-change-effects';
import { articleActor, articleEntry, historyOfChanges, SYSTEM_ACTOR, TicketHistory, type HistoryActor, type HistoryDraft } from './ticket-history.service';
import { lockedByOther } from './ticket-lock-rules';
import { TicketLockedException } from './ticket-locked.exception';
import { ticketNumber } from './ticket-number';
import { CLOSED_STATES, stateTypeOf, type TicketState } from './ticket-states';
import { TicketThread } from './ticket-thread.entity';
import { ticketTitle } from './ticket-title';
import { Ticket, type TicketChannel } from './ticket.entity';

/** The columns a ticket change writes, in the order its UPDATE names them (the few statement texts this makes are prepared once). */
const TICKET_COLUMNS: ReadonlyArray<[keyof TicketChanges, string]> = [
  ['state', 'state'],
  ['locked', 'locked'],
  ['ownerId', 'owner_id'],
  ['queueId', 'queue_id'],
  ['pendingUntil', 'pending_until'],
];
const TICKET_COLUMN_TYPES: Record<string, string> = { state: 'varchar', locked: 'boolean', owner_id: 'integer', queue_id: 'integer', pending_until: 'bigint' };

/** `column = ?` for each change, and the values. */
function ticketSets(effective: TicketChanges): [string[], unknown[]] {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [field, column] of TICKET_COLUMNS) {
    const value = effective[field];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    values.push(value);
  }
  return [sets, values];
}

const ARTICLE_COLUMN_LIST = [
  'ticket_id',
  'profile_id',
  'sender',
  'channel',
  'body',
  'external_id',
  'in_reply_to_external_id',
  'conversation_id',
  'author_x_id',
  'author_handle',
  'created_by_id',
  'delivery_status',
  'next_attempt_at',
  'form_key',
  'created_at',
];
const ARTICLE_COLUMNS = ARTICLE_COLUMN_LIST.join(', ');
const ARTICLE_COLUMN_TYPES = ['integer', 'integer', 'varchar', 'varchar', 'text', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'integer', 'varchar', 'bigint', 'varchar', 'bigint'];

type PlacedWithQueue = PlacedTicket & { queue: { followUp: FollowUpOption; followUpLock: boolean } };

function placedFrom(row: PlacedRow): PlacedWithQueue {
  const facts: TicketFacts = {
    state: row.state,
    locked: Boolean(row.locked),
    ownerId: row.owner_id === null ? null : Number(row.owner_id),
    queueId: Number(row.queue_id),
    pendingUntil: row.pending_until === null ? null : Number(row.pending_until),
  };
  const id = Number(row.id);
  return {
    id,
    number: row.number ?? String(id),
    profileId: Number(row.profile_id),
    state: row.state,
    queueId: facts.queueId,
    queueName: row.queue_name,
    facts,
    queue: { followUp: row.follow_up, followUpLock: Boolean(row.follow_up_lock) },
  };
}

interface PlacedRow {
  id: number;
  number: string | null;
  profile_id: number;
  state: TicketState;
  locked: boolean | number;
  owner_id: number | null;
  queue_id: number;
  pending_until: string | number | null;
  queue_name: string;
  follow_up: FollowUpOption;
  follow_up_lock: boolean | number;
}

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
  /** As read by place() (under the ticket's row lock on PostgreSQL): append() changes the ticket from these. */
  facts: TicketFacts;
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
  nextAttemptAt?: number | null;
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
  private readonly postgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly history: TicketHistory,
    private readonly searchIndex: SearchIndex,
    private readonly attachments: AttachmentStore,
    private readonly agents: AgentsService,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** The article already stored for this X message, if any (repeated deliveries, echoes). */
  async storedMessage(m: EntityManager, profileId: number, externalId: string): Promise<{ ticketId: number } | undefined> {
    const [article] = await rawQuery<{ ticket_id: number }>(m, 'SELECT ticket_id FROM articles WHERE profile_id = ? AND external_id = ?', [profileId, externalId]);
    return article ? { ticketId: Number(article.ticket_id) } : undefined;
  }

  /** The articles already stored for these X messages, by X id → ticket id (a batch's worth at once). */
  async storedMessages(m: EntityManager, profileId: number, externalIds: string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (let from = 0; from < externalIds.length; from += 500) {
      const ids = externalIds.slice(from, from + 500);
      const rows = await namedQuery<{ external_id: string; ticket_id: number }>(m, 'SELECT external_id, ticket_id FROM articles WHERE profile_id = :profileId AND external_id IN (:...ids)', {
        profileId,
        ids,
      });
      for (const row of rows) found.set(row.external_id, Number(row.ticket_id));
    }
    return found;
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
    let found: PlacedWithQueue | undefined;
    let ticketId: number | undefined;
    let join: ConversationKey | undefined;
    const keyed = this.postgres && conversation.key ? await this.keyedTicket(m, conversation.profileId, conversation.key) : undefined;
    if (keyed) {
      // PostgreSQL: the conversation's ticket, read under its lock in the same round trip as the conversation's rows.
      ticketId = keyed.ticketId;
      found = keyed.found;
    } else {
      const candidates = await this.candidates(m, conversation, keyed === null);
      ticketId = conversationTicket(candidates);
      if (ticketId === undefined) return { action: 'new-ticket' };
      join = conversation.key && candidates.holder === undefined && candidates.latest === undefined ? conversation.key : undefined;
      // The ticket's own lock, so that two workers never act on one ticket at once even when it belongs
      // to two conversations: its row lock on PostgreSQL, tried and never waited for (SKIP LOCKED).
      found = await this.placedTicket(m, ticketId);
    }
    if (found === undefined) return { action: 'busy', lockKey: `ticket:${ticketId}` };
    const { queue, ...ticket } = found;
    const decision = decideFollowUp(ticket.facts, queue);
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
    const effective = effectiveChanges(ticket.facts, { state: placement.newState, locked: placement.lock });
    // The system's changes are written with the customer's article (one statement on PostgreSQL), after the conversation bookkeeping.
    const history = historyOfChanges(ticket.facts, effective).map((entry) => ({ ...entry, actor: SYSTEM_ACTOR }));
    const reopens = stateTypeOf(ticket.state) === 'closed';
    if (reopens || placement.join) {
      await this.writeTicket(m, ticket.id, effective);
      if (reopens) await this.holdFreeConversations(m, ticket.id);
      if (placement.join) await this.joinConversation(m, { id: ticket.id, profileId: ticket.profileId, state: placement.newState }, placement.join);
      await this.writeArticle(m, ticket, article, { history });
      return;
    }
    await this.writeArticle(m, ticket, article, { change: effective, history });
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
    const openedAt = this.clock.now();
    const values = [
      title,
      draft.queueId,
      draft.state ?? 'new',
      draft.locked ?? false,
      draft.ownerId ?? null,
      draft.profileId,
      draft.channel,
      draft.customer.id,
      customerHandle,
      customerName,
      openedAt,
      openedAt,
    ];
    const columns = 'title, queue_id, state, locked, owner_id, profile_id, channel, customer_x_id, customer_handle, customer_name, created_at, changed_at';
    let id: number;
    let number: string;
    if (this.postgres) {
      // Number and all in one statement: the id comes from the sequence first.
      const now = new Date(openedAt);
      const day = ticketNumber(now, 0).slice(0, 8);
      const [inserted] = await rawQuery<{ id: number; number: string }>(
        m,
        `WITH next AS (SELECT nextval(pg_get_serial_sequence('tickets', 'id')) AS id)
         INSERT INTO tickets (id, number, ${columns})
         SELECT next.id, ?::text || CASE WHEN length(next.id::text) >= 8 THEN next.id::text ELSE lpad(next.id::text, 8, '0') END,
           ?::varchar, ?::integer, ?::varchar, ?::boolean, ?::integer, ?::integer, ?::varchar, ?::varchar, ?::varchar, ?::varchar, ?::bigint, ?::bigint FROM next
         RETURNING id, number`,
        [day, ...values],
      );
      id = Number(inserted.id);
      number = inserted.number;
      // ticketNumber() is the rule; the statement above writes the same.
      if (number !== ticketNumber(now, id)) throw new Error(`ticket ${id} was numbered ${number}, not ${ticketNumber(now, id)}`);
    } else {
      const [inserted] = await rawQuery<{ id: number }>(m, `INSERT INTO tickets (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, values);
      id = Number(inserted.id);
      number = ticketNumber(new Date(openedAt), id);
      await rawQuery(m, 'UPDATE tickets SET number = ? WHERE id = ?', [number, id]);
    }
    await this.searchIndex.indexTicket(m, { id, number, title, customerHandle, customerName });
    const ticket = { id, number, profileId: draft.profileId };
    for (const key of draft.conversations) await this.join(m, ticket, key);
    // Opened by whoever wrote the first message: the customer, or the agent of a new outgoing ticket; recorded with that message.
    const created = { kind: 'created' as const, newValue: String(draft.queueId), actor: articles[0] ? articleActor(articles[0]) : SYSTEM_ACTOR };
    if (articles.length === 0) await this.history.recordEach(m, id, [created]);
    for (const [index, article] of articles.entries()) await this.writeArticle(m, ticket, article, { history: index === 0 ? [created] : [] });
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
    return this.writeArticle(m, ticket, article, { history: [] });
  }

  /**
   * The article with its search document, its media, a change to its ticket written before it
   * (`change`, as effectiveChanges gives it) and its history: `history` (a change's entries, the
   * ticket's creation), then the article's own entry. Every incoming message goes through here:
   * on PostgreSQL it is one statement, one round trip (docs/THREADING.md, "Speed"); SQLite runs
   * them one by one, in the same process.
   */
  private async writeArticle(
    m: EntityManager,
    ticket: { id: number; profileId: number },
    article: ArticleDraft,
    options: { change?: TicketChanges; history: Array<HistoryDraft & { actor: HistoryActor }> },
  ): Promise<number> {
    const body = storableText(article.body);
    const row = [
      ticket.id,
      ticket.profileId,
      article.sender,
      article.channel,
      body,
      article.externalId ?? null,
      article.inReplyToExternalId ?? null,
      article.conversationId ?? (await this.inheritedConversation(m, ticket.profileId, article)),
      article.authorXId ?? null,
      storableLine(article.authorHandle ?? '', HANDLE_COLUMN_LENGTH),
      article.createdById ?? null,
      article.deliveryStatus ?? null,
      article.nextAttemptAt ?? null,
      article.formKey ?? null,
      this.clock.now(),
    ];
    const own = (id: number) => ({ ...articleEntry(id, article.channel), actor: articleActor(article) });
    if (this.postgres && !article.media?.length && !article.upload) {
      const id = await this.writeArticleAtOnce(m, ticket.id, row, indexedText(body), options, own(0));
      return id;
    }
    if (options.change) await this.writeTicket(m, ticket.id, options.change);
    const [inserted] = await rawQuery<{ id: number }>(m, `INSERT INTO articles (${ARTICLE_COLUMNS}) VALUES (${ARTICLE_COLUMN_LIST.map(() => '?').join(', ')}) RETURNING id`, row);
    const id = Number(inserted.id);
    await this.searchIndex.indexArticle(m, { id, ticketId: ticket.id, body });
    if (article.media?.length)
      await this.attachments.recordIncoming(m, { id, ticketId: ticket.id, channel: article.channel, externalId: article.externalId, authorHandle: article.authorHandle }, article.media);
    if (article.upload) await this.attachments.storeUpload(m, { id, ticketId: ticket.id }, article.upload);
    await this.history.recordEach(m, ticket.id, [...options.history, own(id)]);
    return id;
  }

  /**
   * PostgreSQL: the ticket's change, the article, its search document and the history in one
   * statement (data-modifying CTEs); the article's own history entry takes the article's id.
   */
  private async writeArticleAtOnce(
    m: EntityManager,
    ticketId: number,
    row: unknown[],
    words: string,
    options: { change?: TicketChanges; history: Array<HistoryDraft & { actor: HistoryActor }> },
    own: HistoryDraft & { actor: HistoryActor },
  ): Promise<number> {
    const parameters: unknown[] = [];
    const p = (value: unknown, type: string) => {
      parameters.push(value);
      return `$${parameters.length}::${type}`;
    };
    const parts: string[] = [];
    if (options.change) {
      const [sets, values] = ticketSets(options.change);
      const assignments = sets.map((set, i) => set.replace('?', p(values[i], TICKET_COLUMN_TYPES[set.slice(0, set.indexOf(' '))])));
      parts.push(`changed AS (UPDATE tickets SET ${[...assignments, `changed_at = ${p(this.clock.now(), 'bigint')}`].join(', ')} WHERE id = ${p(ticketId, 'integer')})`);
    }
    parts.push(`article AS (INSERT INTO articles (${ARTICLE_COLUMNS}) VALUES (${row.map((value, i) => p(value, ARTICLE_COLUMN_TYPES[i])).join(', ')}) RETURNING id)`);
    parts.push(
      `document AS (INSERT INTO search_documents (id, ticket_id, words) SELECT article.id, ${p(ticketId, 'integer')}, to_tsvector('simple', ${p(words, 'text')}) FROM article
         ON CONFLICT (id) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, words = EXCLUDED.words)`,
    );
    const entries = [...options.history, own];
    const occurredAt = this.clock.now();
    const history = entries.map(
      (e, i) =>
        `(${i}, ${p(e.kind, 'varchar')}, ${p(e.actor.kind, 'varchar')}, ${p(e.actor.kind === 'agent' ? e.actor.agentId : null, 'integer')}, ${p(e.oldValue ?? null, 'varchar')}, ${p(e.newValue ?? null, 'varchar')}, ${p(e.articleId ?? null, 'integer')}, ${p(e.detail ?? null, 'text')}, ${i === entries.length - 1})`,
    );
    parts.push(
      `history AS (INSERT INTO ticket_history (ticket_id, kind, actor, agent_id, old_value, new_value, article_id, detail, occurred_at)
         SELECT ${p(ticketId, 'integer')}, e.kind, e.actor, e.agent_id, e.old_value, e.new_value, CASE WHEN e.own THEN article.id ELSE e.article_id END, e.detail, ${p(occurredAt, 'bigint')}
         FROM article, (VALUES ${history.join(', ')}) AS e (n, kind, actor, agent_id, old_value, new_value, article_id, detail, own) ORDER BY e.n)`,
    );
    const [inserted] = await postgresQuery<{ id: number }>(m, `WITH ${parts.join(', ')} SELECT id FROM article`, parameters);
    return Number(inserted.id);
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

  /** `keyless`: the conversation's key is known to hold no ticket (keyedTicket said so): only the message it answers can have one. */
  private async candidates(m: EntityManager, conversation: Conversation, keyless = false): Promise<ConversationCandidates<number>> {
    const candidates: ConversationCandidates<number> = {};
    if (conversation.key && !keyless) {
      const rows = await rawQuery<{ ticket_id: number; open_thread_key: string | null }>(m, 'SELECT ticket_id, open_thread_key FROM ticket_threads WHERE profile_id = ? AND thread_key = ?', [
        conversation.profileId,
        conversation.key,
      ]);
      Object.assign(candidates, holderAndLatest(rows.map((r) => ({ ticketId: Number(r.ticket_id), openThreadKey: r.open_thread_key }))));
    }
    if (candidates.holder === undefined && candidates.latest === undefined && conversation.inReplyTo) {
      candidates.answered = (await this.storedMessage(m, conversation.profileId, conversation.inReplyTo))?.ticketId;
    }
    return candidates;
  }

  /** A tweet answering a stored tweet is in that tweet's conversation (an agent's reply, for one). */
  private async inheritedConversation(m: EntityManager, profileId: number, article: ArticleDraft): Promise<string | null> {
    if (article.channel !== 'tweet' || !article.inReplyToExternalId) return null;
    const [parent] = await rawQuery<{ conversation_id: string | null }>(m, 'SELECT conversation_id FROM articles WHERE profile_id = ? AND external_id = ?', [profileId, article.inReplyToExternalId]);
    return parent?.conversation_id ?? null;
  }

  /** Applies changes with what they imply, records them, and moves the ticket's "changed" time, so the queue view sorts it up. */
  private async write(m: EntityManager, ticketId: number, changes: TicketChanges, actor: HistoryActor, options: ChangeOptions = {}): Promise<void> {
    const before = await this.checkedFacts(m, ticketId, actor, options);
    await this.history.record(m, ticketId, actor, await this.writeFrom(m, ticketId, before, changes));
  }

  /** Applies changes (with what they imply) to a ticket whose facts were read in this transaction; returns their history, to be recorded by the caller. */
  private async writeFrom(m: EntityManager, ticketId: number, before: TicketFacts, changes: TicketChanges): Promise<HistoryDraft[]> {
    const effective = effectiveChanges(before, changes);
    await this.writeTicket(m, ticketId, effective);
    return historyOfChanges(before, effective);
  }

  /** Writes effective changes and moves the ticket's "changed" time (the clock's), so the queue view sorts it up. */
  private async writeTicket(m: EntityManager, ticketId: number, effective: TicketChanges): Promise<void> {
    const [sets, values] = ticketSets(effective);
    await rawQuery(m, `UPDATE tickets SET ${[...sets, 'changed_at = ?'].join(', ')} WHERE id = ?`, [...values, this.clock.now(), ticketId]);
  }

  /**
   * PostgreSQL: the ticket of a conversation key (its holder, else its latest: conversationTicket's
   * rule in SQL) with its queue, under the ticket's row lock tried as placedTicket tries it, in one
   * statement. `found` undefined: another transaction holds that ticket. Null: no ticket belongs to
   * the key.
   */
  private async keyedTicket(m: EntityManager, profileId: number, key: ConversationKey): Promise<{ ticketId: number; found: PlacedWithQueue | undefined } | null> {
    const [row] = await rawQuery<PlacedRow & { picked: number | null; id: number | null }>(
      m,
      `WITH keyed AS (SELECT ticket_id, open_thread_key FROM ticket_threads WHERE profile_id = ? AND thread_key = ?),
            pick AS (SELECT COALESCE((SELECT ticket_id FROM keyed WHERE open_thread_key IS NOT NULL LIMIT 1), (SELECT MAX(ticket_id) FROM keyed)) AS id)
       SELECT pick.id AS picked, t.id, t.number, t.profile_id, t.state, t.locked, t.owner_id, t.queue_id, t.pending_until, q.name AS queue_name, q.follow_up, q.follow_up_lock
       FROM pick
       LEFT JOIN LATERAL (SELECT * FROM tickets WHERE tickets.id = pick.id FOR UPDATE SKIP LOCKED) t ON true
       LEFT JOIN queues q ON q.id = t.queue_id`,
      [profileId, key],
    );
    if (!row || row.picked === null) return null;
    const ticketId = Number(row.picked);
    if (row.id === null) {
      if ((await rawQuery(m, 'SELECT 1 FROM tickets WHERE id = ?', [ticketId])).length > 0) return { ticketId, found: undefined };
      throw new Error(`Ticket ${ticketId} does not exist.`);
    }
    return { ticketId, found: placedFrom(row) };
  }

  /**
   * The ticket place() found, with its queue's follow-up settings. On PostgreSQL under its row lock
   * (as factsForUpdate takes it), or undefined when another transaction holds that lock.
   */
  private async placedTicket(m: EntityManager, ticketId: number): Promise<PlacedWithQueue | undefined> {
    const [row] = await rawQuery<PlacedRow>(
      m,
      `SELECT t.id, t.number, t.profile_id, t.state, t.locked, t.owner_id, t.queue_id, t.pending_until, q.name AS queue_name, q.follow_up, q.follow_up_lock
       FROM tickets t JOIN queues q ON q.id = t.queue_id WHERE t.id = ?${this.postgres ? ' FOR UPDATE OF t SKIP LOCKED' : ''}`,
      [ticketId],
    );
    if (!row) {
      if (this.postgres && (await rawQuery(m, 'SELECT 1 FROM tickets WHERE id = ?', [ticketId])).length > 0) return undefined;
      throw new Error(`Ticket ${ticketId} does not exist.`);
    }
    return placedFrom(row);
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
      const [holder] = await this.agents.namesOf([before.ownerId!], m);
      throw new TicketLockedException({ id: ticketId, number: before.number }, holder ?? { name: `#${before.ownerId}`, login: '' });
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
    return namedQuery<T>(m, sql, params);
  }
}
