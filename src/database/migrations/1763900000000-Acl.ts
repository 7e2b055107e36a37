import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../migration-types';

/** ACL drafts (`acls`) and the deployed snapshots the engine runs on (`acl_deployments`). */
export class Acl1763900000000 implements MigrationInterface {
  name = 'Acl1763900000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);

    await q.createTable(
      new Table({
        name: 'acls',
        columns: [
          c.id(),
          c.varchar('name', 200),
          c.varchar('comment', 250, { isNullable: true }),
          c.varchar('description', 250, { default: "''" }),
          c.boolean('stop_after_match', false),
          { name: 'valid_id', type: 'integer', default: 1 },
          { name: 'config_match', type: 'text', isNullable: true },
          { name: 'config_change', type: 'text', isNullable: true },
          c.varchar('created_by', 200),
          c.varchar('changed_by', 200),
          c.createdAt(),
          c.changedAt(),
        ],
        indices: [new TableIndex({ name: 'uq_acls_name', columnNames: ['name'], isUnique: true })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'acl_deployments',
        columns: [c.id(), { name: 'acls', type: 'text' }, c.varchar('deployed_by', 200), { ...c.createdAt(), name: 'deployed_at' }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('acl_deployments');
    await q.dropTable('acls');
  }
}
