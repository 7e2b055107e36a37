import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../migration-types';

/**
 * The agent's day (docs/AGENT-WORKSPACE.md): agents' time zones, tickets' pending time, and
 * `ticket_history`, which gets an entry for every existing ticket's creation and every existing
 * article, so no ticket starts with an empty history.
 */
export class AgentDay1764500000000 implements MigrationInterface {
  name = 'AgentDay1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    const isPostgres = q.connection.options.type === 'postgres';
    // Plain ALTER TABLE on both databases: TypeORM would rebuild these SQLite tables, which other tables reference.
    await q.query(`ALTER TABLE users ADD COLUMN time_zone varchar(64) NOT NULL DEFAULT 'UTC'`);
    await q.query('ALTER TABLE tickets ADD COLUMN pending_until bigint NULL');
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_state_pending', columnNames: ['state', 'pending_until'] }));

    await q.createTable(
      new Table({
        name: 'ticket_history',
        columns: [
          c.id(),
          { name: 'ticket_id', type: 'integer' },
          c.varchar('kind', 20),
          c.varchar('actor', 10),
          { name: 'agent_id', type: 'integer', isNullable: true },
          c.varchar('old_value', 60, { isNullable: true }),
          c.varchar('new_value', 60, { isNullable: true }),
          { name: 'article_id', type: 'integer', isNullable: true },
          { name: 'detail', type: 'text', isNullable: true },
          { name: 'occurred_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'ix_ticket_history_ticket', columnNames: ['ticket_id', 'id'] })],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_ticket_history_ticket',
            columnNames: ['ticket_id'],
            referencedTableName: 'tickets',
            referencedColumnNames: ['id'],
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );

    const epochMs = (column: string) => (isPostgres ? `CAST(EXTRACT(EPOCH FROM ${column}) * 1000 AS bigint)` : `CAST(strftime('%s', ${column}) AS INTEGER) * 1000`);
    const actorOf = (a: string) => `CASE WHEN ${a}.created_by_id IS NOT NULL THEN 'agent' WHEN ${a}.sender = 'customer' THEN 'customer' ELSE 'system' END`;
    const firstArticle = (column: string) => `(SELECT ${column} FROM articles f WHERE f.ticket_id = t.id ORDER BY f.id LIMIT 1)`;
    // Created by whoever wrote the first message, as new tickets are (system when there is none).
    await q.query(
      `INSERT INTO ticket_history (ticket_id, kind, actor, agent_id, new_value, occurred_at)
       SELECT t.id, 'created', COALESCE(${firstArticle(actorOf('f'))}, 'system'), ${firstArticle('f.created_by_id')}, CAST(t.queue_id AS varchar(60)), ${epochMs('t.created_at')}
       FROM tickets t ORDER BY t.id`,
    );
    await q.query(
      `INSERT INTO ticket_history (ticket_id, kind, actor, agent_id, new_value, article_id, occurred_at)
       SELECT a.ticket_id, 'article', ${actorOf('a')}, a.created_by_id, a.channel, a.id, ${epochMs('a.created_at')}
       FROM articles a ORDER BY a.id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ticket_history');
    await q.dropIndex('tickets', 'ix_tickets_state_pending');
    await q.query('ALTER TABLE tickets DROP COLUMN pending_until');
    await q.query('ALTER TABLE users DROP COLUMN time_zone');
  }
}
