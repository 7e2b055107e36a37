import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../migration-types';

/**
 * Login failures become atomic counters per login and per client address (docs/SECURITY.md, V2.2.1).
 * The old rows only ever held the last 15 minutes of failures; they are not carried over.
 */
export class LoginThrottle1764300000000 implements MigrationInterface {
  name = 'LoginThrottle1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.dropTable('login_failures');
    await q.createTable(
      new Table({
        name: 'login_throttle',
        columns: [c.varchar('bucket', 300, { isPrimary: true }), { name: 'failures', type: 'integer' }, { name: 'window_started_at', type: 'bigint' }],
        indices: [new TableIndex({ name: 'ix_login_throttle_window', columnNames: ['window_started_at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.dropTable('login_throttle');
    await q.createTable(
      new Table({
        name: 'login_failures',
        columns: [c.id(), c.varchar('login', 200), { name: 'failed_at', type: 'bigint' }],
        indices: [new TableIndex({ name: 'ix_login_failures_login_at', columnNames: ['login', 'failed_at'] })],
      }),
    );
  }
}
