import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit, sql } from '../migration-types';

/** Users, groups, memberships, queues, sessions, login failures; seeds the OTRS default groups and queues. */
export class Foundation1763700000000 implements MigrationInterface {
  name = 'Foundation1763700000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);

    await q.createTable(
      new Table({
        name: 'groups',
        columns: [c.id(), c.varchar('name', 200), c.varchar('comment', 250, { default: "''" }), c.varchar('validity', 30, { default: "'valid'" }), c.createdAt(), c.changedAt()],
        indices: [new TableIndex({ name: 'uq_groups_name', columnNames: ['name'], isUnique: true })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          c.id(),
          c.varchar('login', 200),
          c.varchar('name', 200),
          c.varchar('email', 250, { default: "''" }),
          c.varchar('language', 10, { default: "'en'" }),
          c.varchar('password_hash', 255),
          c.varchar('validity', 30, { default: "'valid'" }),
          c.createdAt(),
          c.changedAt(),
        ],
        indices: [new TableIndex({ name: 'uq_users_login', columnNames: ['login'], isUnique: true })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'user_groups',
        columns: [c.id(), { name: 'user_id', type: 'integer' }, { name: 'group_id', type: 'integer' }, c.varchar('permission', 2)],
        indices: [new TableIndex({ name: 'uq_user_groups_user_group', columnNames: ['user_id', 'group_id'], isUnique: true })],
        foreignKeys: [
          new TableForeignKey({ name: 'fk_user_groups_user', columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
          new TableForeignKey({ name: 'fk_user_groups_group', columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'queues',
        columns: [
          c.id(),
          c.varchar('name', 200),
          { name: 'group_id', type: 'integer' },
          c.varchar('follow_up', 20, { default: "'possible'" }),
          c.boolean('follow_up_lock', false),
          c.varchar('comment', 250, { default: "''" }),
          c.varchar('validity', 30, { default: "'valid'" }),
          c.createdAt(),
          c.changedAt(),
        ],
        indices: [new TableIndex({ name: 'uq_queues_name', columnNames: ['name'], isUnique: true })],
        foreignKeys: [
          new TableForeignKey({ name: 'fk_queues_group', columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'http_sessions',
        columns: [c.varchar('id', 255, { isPrimary: true }), { name: 'data', type: 'text' }, { name: 'expires_at', type: 'bigint' }],
        indices: [new TableIndex({ name: 'ix_http_sessions_expires_at', columnNames: ['expires_at'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'login_failures',
        columns: [c.id(), c.varchar('login', 200), { name: 'failed_at', type: 'bigint' }],
        indices: [new TableIndex({ name: 'ix_login_failures_login_at', columnNames: ['login', 'failed_at'] })],
      }),
    );

    // The groups and queues every OTRS administrator expects to find on a fresh system.
    for (const [name, comment] of [
      ['admin', 'Group of all administrators.'],
      ['users', 'Group for default access.'],
      ['twitter', 'Agents who work with X (Twitter) profiles.'],
    ]) {
      await q.query(sql(q, 'INSERT INTO groups (name, comment) VALUES (?, ?)'), [name, comment]);
    }
    const [{ id: usersGroupId }] = (await q.query(`SELECT id FROM groups WHERE name = 'users'`)) as { id: number }[];
    for (const [name, comment] of [
      ['Postmaster', 'Default queue for incoming messages.'],
      ['Raw', 'All default incoming tickets.'],
      ['Junk', 'All junk tickets.'],
      ['Misc', 'All misc tickets.'],
    ]) {
      await q.query(sql(q, "INSERT INTO queues (name, group_id, follow_up, comment) VALUES (?, ?, 'possible', ?)"), [name, usersGroupId, comment]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['login_failures', 'http_sessions', 'queues', 'user_groups', 'users', 'groups']) {
      await q.dropTable(table);
    }
  }
}
