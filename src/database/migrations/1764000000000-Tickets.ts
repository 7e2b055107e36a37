import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../migration-types';

/** Tickets and articles, the durable inbox of received X events, polling cursors. */
export class Tickets1764000000000 implements MigrationInterface {
  name = 'Tickets1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    const fk = (name: string, column: string, table: string) =>
      new TableForeignKey({ name, columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' });

    await q.addColumn('social_media_profiles', new TableColumn(c.boolean('needs_reauthorisation', false)));

    await q.createTable(
      new Table({
        name: 'tickets',
        columns: [
          c.id(),
          c.varchar('number', 30, { isNullable: true }),
          c.varchar('title', 255),
          { name: 'queue_id', type: 'integer' },
          c.varchar('state', 40, { default: "'new'" }),
          c.boolean('locked', false),
          { name: 'owner_id', type: 'integer', isNullable: true },
          { name: 'profile_id', type: 'integer' },
          c.varchar('channel', 10),
          c.varchar('thread_key', 60, { isNullable: true }),
          c.varchar('open_thread_key', 60, { isNullable: true }),
          c.varchar('customer_x_id', 30),
          c.varchar('customer_handle', 100, { default: "''" }),
          c.varchar('customer_name', 200, { default: "''" }),
          c.createdAt(),
          c.changedAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_tickets_number', columnNames: ['number'], isUnique: true }),
          new TableIndex({ name: 'uq_tickets_open_thread', columnNames: ['profile_id', 'open_thread_key'], isUnique: true }),
          new TableIndex({ name: 'ix_tickets_thread', columnNames: ['profile_id', 'thread_key'] }),
          new TableIndex({ name: 'ix_tickets_queue_state', columnNames: ['queue_id', 'state'] }),
        ],
        foreignKeys: [fk('fk_tickets_queue', 'queue_id', 'queues'), fk('fk_tickets_owner', 'owner_id', 'users'), fk('fk_tickets_profile', 'profile_id', 'social_media_profiles')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'articles',
        columns: [
          c.id(),
          { name: 'ticket_id', type: 'integer' },
          { name: 'profile_id', type: 'integer' },
          c.varchar('sender', 10),
          c.varchar('channel', 10),
          c.varchar('external_id', 30, { isNullable: true }),
          c.varchar('in_reply_to_external_id', 30, { isNullable: true }),
          c.varchar('author_x_id', 30, { isNullable: true }),
          c.varchar('author_handle', 100, { default: "''" }),
          { name: 'created_by_id', type: 'integer', isNullable: true },
          { name: 'body', type: 'text' },
          c.varchar('delivery_status', 10, { isNullable: true }),
          { name: 'delivery_error', type: 'text', isNullable: true },
          { name: 'delivery_attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at', type: 'bigint', isNullable: true },
          c.createdAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_articles_profile_external', columnNames: ['profile_id', 'external_id'], isUnique: true }),
          new TableIndex({ name: 'ix_articles_ticket', columnNames: ['ticket_id'] }),
          new TableIndex({ name: 'ix_articles_delivery', columnNames: ['delivery_status', 'next_attempt_at'] }),
        ],
        foreignKeys: [fk('fk_articles_ticket', 'ticket_id', 'tickets')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'inbox_events',
        columns: [
          c.id(),
          { name: 'profile_id', type: 'integer' },
          c.varchar('source', 10),
          c.varchar('format', 10),
          c.varchar('dedupe_key', 60),
          { name: 'payload', type: 'text' },
          c.varchar('status', 10, { default: "'received'" }),
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'next_attempt_at', type: 'bigint', default: 0 },
          { name: 'ticket_id', type: 'integer', isNullable: true },
          { ...c.createdAt(), name: 'received_at' },
          { name: 'processed_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_inbox_events_profile_dedupe', columnNames: ['profile_id', 'dedupe_key'], isUnique: true }),
          new TableIndex({ name: 'ix_inbox_events_status_next', columnNames: ['status', 'next_attempt_at'] }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'poll_cursors',
        columns: [c.id(), { name: 'profile_id', type: 'integer' }, c.varchar('stream', 120), c.varchar('since_id', 30, { isNullable: true }), { name: 'next_poll_at', type: 'bigint', default: 0 }],
        indices: [new TableIndex({ name: 'uq_poll_cursors_profile_stream', columnNames: ['profile_id', 'stream'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['poll_cursors', 'inbox_events', 'articles', 'tickets']) await q.dropTable(table);
    await q.dropColumn('social_media_profiles', 'needs_reauthorisation');
  }
}
