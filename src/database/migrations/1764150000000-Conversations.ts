import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** How many reply levels the backfill follows from a thread's first tweet; deeper replies fall back to their parent's ticket. */
const BACKFILL_DEPTH = 10;

/**
 * Tweets thread by X's conversation_id (docs/THREADING.md, "Tweets"): articles and inbox events
 * record it, inbox events remember where a reply's parent lookup stands and which tweet a reply
 * waits for (to be woken when it is done), and one X account is held by at most one valid profile
 * (`held_account_id`, unique).
 *
 * Plain ALTER TABLE on both databases, as in 1764100000000-TicketThreads: TypeORM would rebuild the
 * SQLite tables, which a revert inside its transaction could not do.
 */
export class Conversations1764150000000 implements MigrationInterface {
  name = 'Conversations1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE articles ADD COLUMN conversation_id varchar(30) NULL');
    await q.query('ALTER TABLE inbox_events ADD COLUMN conversation_id varchar(30) NULL');
    await q.query('ALTER TABLE inbox_events ADD COLUMN parent_lookup varchar(10) NULL');
    await q.query('ALTER TABLE inbox_events ADD COLUMN hold_until bigint NULL');
    await q.query('ALTER TABLE inbox_events ADD COLUMN waits_for varchar(30) NULL');
    await reloadTables(q, ['articles', 'inbox_events']);
    await q.createIndex('inbox_events', new TableIndex({ name: 'ix_inbox_events_waits_for', columnNames: ['profile_id', 'waits_for'] }));
    await q.query('ALTER TABLE social_media_profiles ADD COLUMN held_account_id varchar(30) NULL');
    await reloadTables(q, ['social_media_profiles']);

    // A tweet that answers nothing starts its conversation; replies inherit it from the stored parent.
    await q.query(`UPDATE articles SET conversation_id = external_id WHERE channel = 'tweet' AND external_id IS NOT NULL AND in_reply_to_external_id IS NULL`);
    for (let level = 0; level < BACKFILL_DEPTH; level++) {
      await q.query(
        `UPDATE articles SET conversation_id = (SELECT p.conversation_id FROM articles p WHERE p.profile_id = articles.profile_id AND p.external_id = articles.in_reply_to_external_id)
         WHERE channel = 'tweet' AND conversation_id IS NULL AND in_reply_to_external_id IS NOT NULL`,
      );
    }

    // Where two valid profiles share an account today (issue 8, defect 4), the older one keeps it.
    await q.query(
      `UPDATE social_media_profiles SET held_account_id = account_id
       WHERE validity = 'valid' AND account_id IS NOT NULL
         AND id = (SELECT MIN(o.id) FROM social_media_profiles o WHERE o.type = social_media_profiles.type AND o.account_id = social_media_profiles.account_id AND o.validity = 'valid')`,
    );
    await q.createIndex('social_media_profiles', new TableIndex({ name: 'uq_social_media_profiles_held_account', columnNames: ['type', 'held_account_id'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('social_media_profiles', 'uq_social_media_profiles_held_account');
    await q.query('ALTER TABLE social_media_profiles DROP COLUMN held_account_id');
    await q.dropIndex('inbox_events', 'ix_inbox_events_waits_for');
    for (const column of ['waits_for', 'hold_until', 'parent_lookup', 'conversation_id']) await q.query(`ALTER TABLE inbox_events DROP COLUMN ${column}`);
    await q.query('ALTER TABLE articles DROP COLUMN conversation_id');
    await reloadTables(q, ['social_media_profiles', 'inbox_events', 'articles']);
  }
}

/**
 * TypeORM's query runner keeps the shape of each table it has touched for the rest of a migration
 * run, and a plain ALTER TABLE goes around it. A later migration's addColumn/dropColumn rebuilds a
 * SQLite table from that kept shape: without a reload it would copy the table without the columns
 * added here (or fail on the index over held_account_id). getTable reads the table afresh and
 * forgets the other kept shapes, which are then read afresh when next used.
 */
async function reloadTables(q: QueryRunner, tables: string[]): Promise<void> {
  for (const table of tables) await q.getTable(table);
}
