import { indexedText } from './search-words';

/**
 * The ticket search index (docs/SEARCH-AND-MEDIA.md): one document per ticket (its number, title,
 * customer handle and name) and one per article (its text), in the database's own full-text index.
 * A document's id is the article's id, or minus the ticket's id for the ticket's own fields, so
 * each document has exactly one row and is found by primary key.
 *
 * - SQLite: an FTS5 table (`unicode61`, diacritics kept), words matched as prefixes (`"word"*`).
 * - PostgreSQL: a `tsvector` column (`simple` configuration: no stemming, no stop words, so German
 *   and Serbian words are found as written) with a GIN index, matched with `word:*`.
 *
 * This file has no Nest or TypeORM in it: the migration that builds the index for existing data,
 * the app and the demo data generator all write documents with `writeSearchDocuments`.
 */

export type SearchDatabase = 'sqlite' | 'postgres';

/** Runs one statement with positional parameters; TypeORM's `query` fits. */
export type RunQuery = (sql: string, parameters: unknown[]) => Promise<unknown>;

export interface SearchDocument {
  id: number;
  ticketId: number;
  /** The document's words (searchWords), space-separated. */
  words: string;
}

export interface TicketFields {
  id: number;
  number: string | null;
  title: string;
  customerHandle: string;
  customerName: string;
}

export function ticketDocument(ticket: TicketFields): SearchDocument {
  return { id: -ticket.id, ticketId: ticket.id, words: indexedText(ticket.number ?? '', ticket.title, ticket.customerHandle, ticket.customerName) };
}

export function articleDocument(article: { id: number; ticketId: number; body: string }): SearchDocument {
  return { id: article.id, ticketId: article.ticketId, words: indexedText(article.body) };
}

/** The table, as the migration creates it. */
export function searchTableStatements(database: SearchDatabase): string[] {
  if (database === 'sqlite') {
    return ["CREATE VIRTUAL TABLE search_documents USING fts5(words, ticket_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"];
  }
  return [
    'CREATE TABLE search_documents (id bigint NOT NULL, ticket_id integer NOT NULL, words tsvector NOT NULL, CONSTRAINT pk_search_documents PRIMARY KEY (id))',
    'CREATE INDEX ix_search_documents_words ON search_documents USING GIN (words)',
    'CREATE INDEX ix_search_documents_ticket ON search_documents (ticket_id)',
  ];
}

/** Rows per INSERT: well below both databases' limits on parameters. */
const BATCH = 300;

/** Adds the documents, replacing any with the same id (a ticket's fields written again). */
export async function writeSearchDocuments(run: RunQuery, database: SearchDatabase, documents: SearchDocument[]): Promise<void> {
  for (let from = 0; from < documents.length; from += BATCH) {
    const batch = documents.slice(from, from + BATCH);
    const parameters = batch.flatMap((d) => [d.id, d.ticketId, d.words]);
    if (database === 'sqlite') {
      // FTS5 has no upsert: the old row of a re-written document goes first.
      await run(
        `DELETE FROM search_documents WHERE rowid IN (${batch.map(() => '?').join(',')})`,
        batch.map((d) => d.id),
      );
      await run(`INSERT INTO search_documents (rowid, ticket_id, words) VALUES ${batch.map(() => '(?, ?, ?)').join(',')}`, parameters);
    } else {
      const values = batch.map((_, i) => `($${3 * i + 1}::bigint, $${3 * i + 2}::integer, to_tsvector('simple', $${3 * i + 3}::text))`).join(',');
      await run(`INSERT INTO search_documents (id, ticket_id, words) VALUES ${values} ON CONFLICT (id) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, words = EXCLUDED.words`, parameters);
    }
  }
}

/** `"word"*` for FTS5 and `word:*` for a tsquery, all terms required. Terms are words (letters, digits, marks) only. */
export function matchExpression(database: SearchDatabase, terms: string[]): string {
  return database === 'sqlite' ? terms.map((term) => `"${term}"*`).join(' ') : terms.map((term) => `${term}:*`).join(' & ');
}

/** The condition "document matches", with its one parameter, for a `search_documents` alias. */
export function matchCondition(database: SearchDatabase, alias: string, placeholder: string): string {
  return database === 'sqlite' ? `${alias}.words MATCH ${placeholder}` : `${alias}.words @@ to_tsquery('simple', ${placeholder})`;
}
