import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { rawQuery } from '../database/raw-query';
import type { ArticleChannel, ArticleSender } from './article.entity';
import type { TicketChanges, TicketFacts } from './state-change-effects';
import { TicketHistoryEntry, type HistoryActorKind, type HistoryKind } from './ticket-history.entity';

/** Who made a change. */
export type HistoryActor = { kind: 'agent'; agentId: number } | { kind: Exclude<HistoryActorKind, 'agent'> };

export const SYSTEM_ACTOR: HistoryActor = { kind: 'system' };
export const CUSTOMER_ACTOR: HistoryActor = { kind: 'customer' };
export const agentActor = (agent: { id: number }): HistoryActor => ({ kind: 'agent', agentId: agent.id });

/** The author of an article: the agent who wrote it, the customer, or the system (auto-replies, messages sent from X directly). */
export function articleActor(article: { sender: ArticleSender; createdById?: number | null }): HistoryActor {
  if (article.createdById !== undefined && article.createdById !== null) return { kind: 'agent', agentId: article.createdById };
  return article.sender === 'customer' ? CUSTOMER_ACTOR : SYSTEM_ACTOR;
}

export interface HistoryDraft {
  kind: HistoryKind;
  oldValue?: string | null;
  newValue?: string | null;
  articleId?: number | null;
  detail?: string | null;
}

const text = (value: string | number | boolean | null | undefined): string | null => (value === null || value === undefined ? null : String(value));
const lockText = (locked: boolean) => (locked ? 'lock' : 'unlock');

/** One entry per field a change really changed (`changes` holds only those, see effectiveChanges). */
export function historyOfChanges(before: TicketFacts, changes: TicketChanges): HistoryDraft[] {
  const entries: HistoryDraft[] = [];
  if (changes.queueId !== undefined) entries.push({ kind: 'queue', oldValue: text(before.queueId), newValue: text(changes.queueId) });
  if (changes.state !== undefined) entries.push({ kind: 'state', oldValue: before.state, newValue: changes.state });
  if (changes.pendingUntil !== undefined) entries.push({ kind: 'pending', oldValue: text(before.pendingUntil), newValue: text(changes.pendingUntil) });
  if (changes.ownerId !== undefined) entries.push({ kind: 'owner', oldValue: text(before.ownerId), newValue: text(changes.ownerId) });
  if (changes.locked !== undefined) entries.push({ kind: 'lock', oldValue: lockText(before.locked), newValue: lockText(changes.locked) });
  return entries;
}

export function articleEntry(articleId: number, channel: ArticleChannel): HistoryDraft {
  return { kind: 'article', articleId, newValue: channel };
}

/**
 * The one writer of `ticket_history` (docs/AGENT-WORKSPACE.md, "History"). Callers pass the
 * EntityManager of the transaction that makes the change, so a change and its history commit or
 * roll back together. The time is the app's clock.
 */
@Injectable()
export class TicketHistory {
  constructor(
    @InjectRepository(TicketHistoryEntry) private readonly entries: Repository<TicketHistoryEntry>,
    private readonly clock: Clock,
  ) {}

  async record(m: EntityManager, ticketId: number, actor: HistoryActor, drafts: HistoryDraft[]): Promise<void> {
    await this.recordEach(
      m,
      ticketId,
      drafts.map((draft) => ({ ...draft, actor })),
    );
  }

  /**
   * Entries by different actors in one statement (a customer's follow-up: the system's state change
   * and the customer's article), in the order given. Raw SQL: this runs for every incoming message.
   */
  async recordEach(m: EntityManager, ticketId: number, entries: Array<HistoryDraft & { actor: HistoryActor }>): Promise<void> {
    if (entries.length === 0) return;
    const occurredAt = this.clock.now();
    const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
    await rawQuery(
      m,
      `INSERT INTO ticket_history (ticket_id, kind, actor, agent_id, old_value, new_value, article_id, detail, occurred_at) VALUES ${entries.map(() => row).join(', ')}`,
      entries.flatMap((e) => [
        ticketId,
        e.kind,
        e.actor.kind,
        e.actor.kind === 'agent' ? e.actor.agentId : null,
        e.oldValue ?? null,
        e.newValue ?? null,
        e.articleId ?? null,
        e.detail ?? null,
        occurredAt,
      ]),
    );
  }

  /** A ticket's history, oldest first. */
  forTicket(ticketId: number): Promise<TicketHistoryEntry[]> {
    return this.entries.find({ where: { ticketId }, order: { id: 'ASC' } });
  }
}
