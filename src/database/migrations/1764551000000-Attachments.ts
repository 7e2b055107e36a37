import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../migration-types';

/**
 * Media of articles (docs/SEARCH-AND-MEDIA.md): `attachments` describes each photo, GIF or video
 * and its state; `attachment_data` holds the bytes (bytea on PostgreSQL, blob on SQLite) in the
 * database itself, so every app instance serves them.
 */
export class Attachments1764551000000 implements MigrationInterface {
  name = 'Attachments1764551000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    const fk = (name: string, column: string, table: string) =>
      new TableForeignKey({ name, columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' });
    await q.createTable(
      new Table({
        name: 'attachments',
        columns: [
          c.id(),
          { name: 'article_id', type: 'integer' },
          { name: 'ticket_id', type: 'integer' },
          c.varchar('direction', 10),
          c.varchar('media_type', 20),
          c.varchar('status', 10),
          c.varchar('media_key', 60, { isNullable: true }),
          { name: 'source_url', type: 'text', isNullable: true },
          c.boolean('signed_fetch', false),
          { name: 'link_url', type: 'text', isNullable: true },
          c.varchar('file_name', 100, { default: "''" }),
          c.varchar('content_type', 100, { isNullable: true }),
          { name: 'size', type: 'integer', isNullable: true },
          { name: 'alt_text', type: 'text', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at', type: 'bigint', isNullable: true },
          c.varchar('x_media_id', 30, { isNullable: true }),
          { name: 'x_media_expires_at', type: 'bigint', isNullable: true },
          c.createdAt(),
        ],
        indices: [new TableIndex({ name: 'ix_attachments_article', columnNames: ['article_id'] }), new TableIndex({ name: 'ix_attachments_fetch', columnNames: ['status', 'next_attempt_at'] })],
        foreignKeys: [fk('fk_attachments_article', 'article_id', 'articles'), fk('fk_attachments_ticket', 'ticket_id', 'tickets')],
      }),
    );
    const bytes = q.connection.options.type === 'postgres' ? 'bytea' : 'blob';
    await q.query(
      `CREATE TABLE attachment_data (attachment_id integer NOT NULL, bytes ${bytes} NOT NULL, CONSTRAINT pk_attachment_data PRIMARY KEY (attachment_id), CONSTRAINT fk_attachment_data_attachment FOREIGN KEY (attachment_id) REFERENCES attachments (id))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE attachment_data');
    await q.dropTable('attachments');
  }
}
