import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Idempotent sends (docs/SEARCH-AND-MEDIA.md): every compose form carries a one-time key, stored on
 * the article it created. The unique index makes a second POST with the same key fail in the
 * database, whatever order two requests or two instances commit in; the app then shows the first.
 */
export class ArticleFormKeys1764550000000 implements MigrationInterface {
  name = 'ArticleFormKeys1764550000000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER TABLE: TypeORM's addColumn would rebuild the SQLite table.
    await q.query('ALTER TABLE articles ADD COLUMN form_key varchar(64) NULL');
    await q.createIndex('articles', new TableIndex({ name: 'uq_articles_form_key', columnNames: ['form_key'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('articles', 'uq_articles_form_key');
    await q.query('ALTER TABLE articles DROP COLUMN form_key');
  }
}
