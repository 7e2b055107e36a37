import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnKit } from '../migration-types';

/** The cookie-signing secret and the SECRETS_KEY check value, shared by every instance (docs/SECURITY.md). */
export class SharedKeys1764300002000 implements MigrationInterface {
  name = 'SharedKeys1764300002000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.createTable(new Table({ name: 'shared_keys', columns: [c.varchar('name', 100, { isPrimary: true }), { name: 'value', type: 'text' }] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('shared_keys');
  }
}
