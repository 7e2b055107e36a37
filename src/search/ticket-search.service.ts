import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { CurrentAgent } from '../auth/current-agent';
import { Article } from '../tickets/article.entity';
import { Ticket } from '../tickets/ticket.entity';
import { TicketsService } from '../tickets/tickets.service';
import { matchCondition, matchExpression, type SearchDatabase } from './search-documents';
import { hasOverlongWord, highlight, searchTerms, snippet, type TextSegment } from './search-words';

export const SEARCH_PAGE_SIZE = 50;

export interface SearchHit {
  id: number;
  number: string;
  title: TextSegment[];
  customerHandle: TextSegment[];
  customerName: TextSegment[];
  queue: string;
  state: string;
  channel: string;
  /** Epoch ms. */
  changedAt: number;
  /** The newest matching article, around its first match. */
  article?: { id: number; channel: string; sender: string; text: TextSegment[] };
}

export interface SearchResults {
  query: string;
  /** Nothing searchable was typed (only punctuation, or nothing). */
  empty: boolean;
  /** Something was typed, but only words too long to be searched: said so, rather than asking for a word. */
  tooLong: boolean;
  hasQueues: boolean;
  total: number;
  hits: SearchHit[];
  pagination: { page: number; pages: number; previous: string | null; next: string | null };
}

/**
 * The top bar's ticket search (docs/SEARCH-AND-MEDIA.md): every word typed must start a word of
 * the ticket's number, title, customer handle or name, or of one of its articles. Only tickets in
 * queues the agent may read are searched (in SQL, so counts and pages never include the others).
 * Newest change first, as the queue view sorts.
 */
@Injectable()
export class TicketSearch {
  private readonly database: SearchDatabase;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
  ) {
    this.database = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  async search(agent: CurrentAgent, rawQuery: unknown, rawPage: unknown): Promise<SearchResults> {
    const query = typeof rawQuery === 'string' ? rawQuery.trim().slice(0, 200) : '';
    const terms = searchTerms(query);
    const queues = await this.tickets.queuesFor(agent, 'read');
    const tooLong = terms.length === 0 && hasOverlongWord(query);
    const result: SearchResults = { query, empty: terms.length === 0, tooLong, hasQueues: queues.length > 0, total: 0, hits: [], pagination: { page: 1, pages: 1, previous: null, next: null } };
    if (terms.length === 0 || queues.length === 0) return result;

    const match = matchExpression(this.database, terms);
    // The matching tickets first (the full-text index), then each one's queue and date by primary
    // key. PostgreSQL guesses a prefix query's hits badly (8,000 for 300) and would otherwise hash
    // every ticket or walk them all by date; the LATERAL subquery with OFFSET 0 keeps it to one
    // lookup per hit. SQLite joins that way by itself (and has no LATERAL).
    const hits = `WITH hits AS MATERIALIZED (SELECT DISTINCT s.ticket_id AS id FROM search_documents s WHERE ${matchCondition(this.database, 's', ':match')})`;
    const from =
      this.database === 'postgres'
        ? `${hits} SELECT %s FROM hits h CROSS JOIN LATERAL (SELECT t.id, t.changed_at FROM tickets t WHERE t.id = h.id AND t.queue_id IN (:...queueIds) OFFSET 0) t`
        : `${hits} SELECT %s FROM hits h JOIN tickets t ON t.id = h.id WHERE t.queue_id IN (:...queueIds)`;
    const params = { queueIds: queues.map((q) => q.id), match };
    const [{ total }] = await this.rows<{ total: number | string }>(from.replace('%s', 'COUNT(*) AS total'), params);
    result.total = Number(total);
    const pages = Math.max(1, Math.ceil(result.total / SEARCH_PAGE_SIZE));
    const page = Math.min(pages, Math.max(1, Math.floor(Number(rawPage)) || 1));
    const pageUrl = (n: number) => `/search?${new URLSearchParams({ q: query, page: String(n) })}`;
    result.pagination = { page, pages, previous: page > 1 ? pageUrl(page - 1) : null, next: page < pages ? pageUrl(page + 1) : null };
    if (result.total === 0) return result;

    const ids = (
      await this.rows<{ id: number | string }>(`${from.replace('%s', 't.id AS id')} ORDER BY t.changed_at DESC, t.id DESC LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${(page - 1) * SEARCH_PAGE_SIZE}`, params)
    ).map((r) => Number(r.id));
    const found = new Map((await this.dataSource.getRepository(Ticket).find({ where: { id: In(ids) }, relations: { queue: true } })).map((t) => [t.id, t]));
    const articles = await this.matchingArticles(ids, match);

    result.hits = ids
      .map((id) => found.get(id))
      .filter((t): t is Ticket => t !== undefined)
      .map((t) => {
        const article = articles.get(t.id);
        return {
          id: t.id,
          number: t.number ?? String(t.id),
          title: highlight(t.title, terms),
          customerHandle: highlight(t.customerHandle, terms),
          customerName: highlight(t.customerName, terms),
          queue: t.queue.name,
          state: t.state,
          channel: t.channel,
          changedAt: t.changedAt,
          ...(article ? { article: { id: article.id, channel: article.channel, sender: article.sender, text: snippet(article.body, terms) } } : {}),
        };
      });
    return result;
  }

  /** Per ticket, its newest article that matches (articles' documents have positive ids). */
  private async matchingArticles(ticketIds: number[], match: string): Promise<Map<number, Article>> {
    const docs = await this.rows<{ id: number | string; ticket_id: number | string }>(
      `SELECT ${this.database === 'sqlite' ? 's.rowid' : 's.id'} AS id, s.ticket_id AS ticket_id FROM search_documents s WHERE ${matchCondition(this.database, 's', ':match')} AND s.ticket_id IN (:...ticketIds)`,
      { match, ticketIds },
    );
    const newest = new Map<number, number>();
    for (const doc of docs) {
      const id = Number(doc.id);
      const ticketId = Number(doc.ticket_id);
      if (id > 0 && id > (newest.get(ticketId) ?? 0)) newest.set(ticketId, id);
    }
    if (newest.size === 0) return new Map();
    const articles = await this.dataSource.getRepository(Article).find({ where: { id: In([...newest.values()]) }, select: { id: true, ticketId: true, channel: true, sender: true, body: true } });
    return new Map(articles.map((a) => [a.ticketId, a]));
  }

  private rows<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    return this.dataSource.query(text, values);
  }
}
