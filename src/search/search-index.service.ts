import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { articleDocument, ticketDocument, writeSearchDocuments, type SearchDatabase, type TicketFields } from './search-documents';

/**
 * Keeps the ticket search index in step with tickets and articles. Called by ConversationTickets,
 * the one place tickets and articles are written, inside the caller's transaction: an article and
 * its index document commit or roll back together (docs/SEARCH-AND-MEDIA.md).
 */
@Injectable()
export class SearchIndex {
  readonly database: SearchDatabase;

  constructor(dataSource: DataSource) {
    this.database = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /** A ticket's number, title and customer, written again whenever they change. */
  indexTicket(m: EntityManager, ticket: TicketFields): Promise<void> {
    return writeSearchDocuments(this.runner(m), this.database, [ticketDocument(ticket)]);
  }

  indexArticle(m: EntityManager, article: { id: number; ticketId: number; body: string }): Promise<void> {
    return writeSearchDocuments(this.runner(m), this.database, [articleDocument(article)]);
  }

  private runner(m: EntityManager) {
    return (sql: string, parameters: unknown[]) => m.query(sql, parameters);
  }
}
