import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../migration-types';

/**
 * How each profile receives (webhook, polling or both) as an explicit setting, what X last said
 * about its webhook, the outcome of every poll (for channel health), and an index to find a
 * profile's newest inbox event. Existing profiles keep what they did: webhook when step 2 had an
 * Account Activity environment label, polling otherwise.
 */
export class ReceivingMode1764200000000 implements MigrationInterface {
  name = 'ReceivingMode1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.addColumn('social_media_profiles', new TableColumn(c.varchar('receiving_mode', 10, { default: "'polling'" })));
    await q.query(`UPDATE social_media_profiles SET receiving_mode = 'webhook' WHERE aaa_environment <> ''`);

    await q.createTable(
      new Table({
        name: 'profile_webhooks',
        columns: [
          { name: 'profile_id', type: 'integer', isPrimary: true },
          c.varchar('webhook_id', 30, { isNullable: true }),
          c.varchar('url', 2000, { isNullable: true }),
          { name: 'valid', type: 'boolean', isNullable: true },
          { name: 'subscribed', type: 'boolean', isNullable: true },
          { name: 'checked_at', type: 'bigint', isNullable: true },
          c.varchar('problem_key', 100, { isNullable: true }),
          { name: 'problem_params', type: 'text', isNullable: true },
          c.changedAt(),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_profile_webhooks_profile',
            columnNames: ['profile_id'],
            referencedTableName: 'social_media_profiles',
            referencedColumnNames: ['id'],
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );

    await q.addColumns('poll_cursors', [
      new TableColumn({ name: 'last_polled_at', type: 'bigint', isNullable: true }),
      new TableColumn(c.varchar('last_outcome', 20, { isNullable: true })),
      new TableColumn({ name: 'last_error', type: 'text', isNullable: true }),
      new TableColumn({ name: 'failures', type: 'integer', default: 0 }),
      new TableColumn({ name: 'rate_limited_until', type: 'bigint', isNullable: true }),
    ]);

    await q.createIndex('inbox_events', new TableIndex({ name: 'ix_inbox_events_profile_received', columnNames: ['profile_id', 'received_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('inbox_events', 'ix_inbox_events_profile_received');
    for (const column of ['rate_limited_until', 'failures', 'last_error', 'last_outcome', 'last_polled_at']) await q.dropColumn('poll_cursors', column);
    await q.dropTable('profile_webhooks');
    await q.dropColumn('social_media_profiles', 'receiving_mode');
  }
}
