import type { MigrationInterface, QueryRunner } from 'typeorm';
import { articleDocument, searchTableStatements, ticketDocument, writeSearchDocuments, type SearchDatabase } from '../../search/search-documents';

/** Rows read per round while the index is built for the tickets and articles already stored. */
const BATCH = 2_000;

/**
 * Ticket search (docs/SEARCH-AND-MEDIA.md): the full-text table of each database, filled with every
 * ticket and article stored so far. The words are computed in JavaScript, as the app does when it
 * writes an article, so old and new documents are indexed alike.
 */
export class TicketSearch1764552000000 implements MigrationInterface {
  name = 'TicketSearch1764552000000';

  async up(q: QueryRunner): Promise<void> {
    const database: SearchDatabase = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    for (const statement of searchTableStatements(database)) await q.query(statement);
    const run = (sql: string, parameters: unknown[]) => q.query(sql, parameters);
    const placeholder = database === 'postgres' ? '$1' : '?';

    for (let after = 0; ;) {
      const tickets = (await q.query(`SELECT id, number, title, customer_handle, customer_name FROM tickets WHERE id > ${placeholder} ORDER BY id LIMIT ${BATCH}`, [after])) as {
        id: number;
        number: string | null;
        title: string;
        customer_handle: string;
        customer_name: string;
      }[];
      if (tickets.length === 0) break;
      await writeSearchDocuments(
        run,
        database,
        tickets.map((t) => ticketDocument({ id: Number(t.id), number: t.number, title: t.title, customerHandle: t.customer_handle, customerName: t.customer_name })),
      );
      after = Number(tickets.at(-1)!.id);
    }
    for (let after = 0; ;) {
      const articles = (await q.query(`SELECT id, ticket_id, body FROM articles WHERE id > ${placeholder} ORDER BY id LIMIT ${BATCH}`, [after])) as { id: number; ticket_id: number; body: string }[];
      if (articles.length === 0) break;
      await writeSearchDocuments(
        run,
        database,
        articles.map((a) => articleDocument({ id: Number(a.id), ticketId: Number(a.ticket_id), body: a.body })),
      );
      after = Number(articles.at(-1)!.id);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE search_documents');
  }
}
