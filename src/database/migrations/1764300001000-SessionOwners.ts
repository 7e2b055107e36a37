import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Sessions know their agent, so a password change or reset can end them; agents get a session
 * generation for requests under way while that happens (docs/SECURITY.md, V3.3). Session rows are
 * keyed by a hash of the id from now on: the existing rows could no longer be found and are removed,
 * so everyone logs in once more after this upgrade.
 */
export class SessionOwners1764300001000 implements MigrationInterface {
  name = 'SessionOwners1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM http_sessions');
    await q.addColumn('http_sessions', new TableColumn({ name: 'user_id', type: 'integer', isNullable: true }));
    await q.createIndex('http_sessions', new TableIndex({ name: 'ix_http_sessions_user_id', columnNames: ['user_id'] }));
    await q.addColumn('users', new TableColumn({ name: 'session_generation', type: 'integer', default: 0 }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('users', 'session_generation');
    await q.dropIndex('http_sessions', 'ix_http_sessions_user_id');
    await q.dropColumn('http_sessions', 'user_id');
    await q.query('DELETE FROM http_sessions');
  }
}
