import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../migration-types';

/** Social media profiles (the wizard's data) and the hashtags each one tracks. */
export class SocialMediaProfiles1763800000000 implements MigrationInterface {
  name = 'SocialMediaProfiles1763800000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.createTable(
      new Table({
        name: 'social_media_profiles',
        columns: [
          c.id(),
          c.varchar('type', 20, { default: "'twitter'" }),
          c.varchar('name', 200),
          { name: 'description', type: 'text', default: "''" },
          c.boolean('instructions_read', false),
          c.varchar('app_name', 200, { default: "''" }),
          c.varchar('aaa_environment', 200, { default: "''" }),
          c.varchar('consumer_key', 200, { default: "''" }),
          { name: 'consumer_secret_encrypted', type: 'text', isNullable: true },
          c.varchar('access_token', 200, { default: "''" }),
          { name: 'access_token_secret_encrypted', type: 'text', isNullable: true },
          c.varchar('account_id', 30, { isNullable: true }),
          c.varchar('account_handle', 100, { isNullable: true }),
          c.varchar('account_name', 200, { isNullable: true }),
          { name: 'verified_at', type: 'bigint', isNullable: true },
          { name: 'target_queue_id', type: 'integer', isNullable: true },
          c.boolean('auto_reply_enabled', false),
          { name: 'auto_reply_text', type: 'text', default: "''" },
          c.boolean('mentions_enabled', true),
          c.varchar('validity', 30, { default: "'valid'" }),
          c.varchar('created_by', 200),
          c.varchar('changed_by', 200),
          c.createdAt(),
          c.changedAt(),
        ],
        indices: [new TableIndex({ name: 'uq_social_media_profiles_name', columnNames: ['name'], isUnique: true })],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_social_media_profiles_target_queue',
            columnNames: ['target_queue_id'],
            referencedTableName: 'queues',
            referencedColumnNames: ['id'],
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'tracked_hashtags',
        columns: [c.id(), { name: 'profile_id', type: 'integer' }, c.varchar('hashtag', 100), { name: 'queue_id', type: 'integer' }],
        indices: [new TableIndex({ name: 'uq_tracked_hashtags_profile_tag', columnNames: ['profile_id', 'hashtag'], isUnique: true })],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_tracked_hashtags_profile',
            columnNames: ['profile_id'],
            referencedTableName: 'social_media_profiles',
            referencedColumnNames: ['id'],
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          }),
          new TableForeignKey({
            name: 'fk_tracked_hashtags_queue',
            columnNames: ['queue_id'],
            referencedTableName: 'queues',
            referencedColumnNames: ['id'],
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('tracked_hashtags');
    await q.dropTable('social_media_profiles');
  }
}
