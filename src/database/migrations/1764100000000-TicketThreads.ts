import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../migration-types';

/**
 * Conversations become a ticket's property in a table of their own (docs/THREADING.md), so one
 * ticket can belong to several: `tickets.thread_key/open_thread_key` move to `ticket_threads`,
 * every existing row copied, and "one open ticket per conversation" moves with its unique index.
 */
export class TicketThreads1764100000000 implements MigrationInterface {
  name = 'TicketThreads1764100000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.createTable(
      new Table({
        name: 'ticket_threads',
        columns: [c.id(), { name: 'ticket_id', type: 'integer' }, { name: 'profile_id', type: 'integer' }, c.varchar('thread_key', 60), c.varchar('open_thread_key', 60, { isNullable: true })],
        indices: [
          new TableIndex({ name: 'uq_ticket_threads_open', columnNames: ['profile_id', 'open_thread_key'], isUnique: true }),
          new TableIndex({ name: 'uq_ticket_threads_ticket_key', columnNames: ['ticket_id', 'thread_key'], isUnique: true }),
          new TableIndex({ name: 'ix_ticket_threads_key', columnNames: ['profile_id', 'thread_key'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_ticket_threads_ticket',
            columnNames: ['ticket_id'],
            referencedTableName: 'tickets',
            referencedColumnNames: ['id'],
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
    await q.query(
      'INSERT INTO ticket_threads (ticket_id, profile_id, thread_key, open_thread_key) SELECT id, profile_id, thread_key, open_thread_key FROM tickets WHERE thread_key IS NOT NULL ORDER BY id',
    );
    await q.dropIndex('tickets', 'uq_tickets_open_thread');
    await q.dropIndex('tickets', 'ix_tickets_thread');
    // Plain ALTER TABLE on both databases: TypeORM would rebuild the SQLite table, which a revert
    // (run inside its transaction, where SQLite cannot switch foreign keys off) could not do.
    for (const column of ['thread_key', 'open_thread_key']) await q.query(`ALTER TABLE tickets DROP COLUMN ${column}`);
  }

  /** Back to one conversation per ticket: each ticket keeps the first it joined. */
  async down(q: QueryRunner): Promise<void> {
    for (const column of ['thread_key', 'open_thread_key']) await q.query(`ALTER TABLE tickets ADD COLUMN ${column} varchar(60) NULL`);
    const first = (column: string) => `(SELECT r.${column} FROM ticket_threads r WHERE r.ticket_id = tickets.id ORDER BY r.id LIMIT 1)`;
    await q.query(`UPDATE tickets SET thread_key = ${first('thread_key')}, open_thread_key = ${first('open_thread_key')}`);
    await q.createIndex('tickets', new TableIndex({ name: 'uq_tickets_open_thread', columnNames: ['profile_id', 'open_thread_key'], isUnique: true }));
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_thread', columnNames: ['profile_id', 'thread_key'] }));
    await q.dropTable('ticket_threads');
  }
}
