import { Agent } from '../../src/agents/agent.entity';
import { Group } from '../../src/agents/group.entity';
import { Transactions } from '../../src/database/transactions';
import { ADMIN, createTestApp } from '../utils/create-test-app';

describe('migration 1764600000000-EpochMsTimes', () => {
  it('turns the times rows were stored with into the same moments in epoch ms, keeps them through an undo, and leaves the schema as the entities expect', async () => {
    const t = await createTestApp({ env: { INBOX_WORKER: 'off', DELIVERY_INTERVAL_MS: '3600000' } });
    // Migrations run on the app's connection; on SQLite they must take their turn like any transaction.
    const exclusive = <R>(work: () => Promise<R>) => t.app.get(Transactions).exclusive(work);
    const postgres = t.dataSource.options.type === 'postgres';
    // A moment as the database stored it before: PostgreSQL's timestamp (in the session's time zone), SQLite's UTC text.
    const stored = (iso: string) => (postgres ? `CAST(TIMESTAMPTZ '${iso}+00' AS timestamp)` : `'${iso}'`);
    const timesOf = async () => {
      const root = await t.dataSource.getRepository(Agent).findOneByOrFail({ login: ADMIN.login });
      return [root.createdAt, root.changedAt];
    };
    try {
      const rootTimes = await timesOf();
      // Undone without a transaction: it rebuilds SQLite tables, which needs foreign keys off.
      await exclusive(() => t.dataSource.undoLastMigration({ transaction: 'none' }));
      // With milliseconds, as TypeORM wrote them; without, as datetime('now') and now() in SQL did.
      await t.dataSource.query(`INSERT INTO groups (name, created_at, changed_at) VALUES ('stored before', ${stored('2024-02-03 04:05:06.789')}, ${stored('2024-02-03 04:05:06')})`);
      await exclusive(() => t.dataSource.runMigrations({ transaction: 'all' }));

      const group = await t.dataSource.getRepository(Group).findOneByOrFail({ name: 'stored before' });
      expect([group.createdAt, group.changedAt]).toEqual([Date.UTC(2024, 1, 3, 4, 5, 6, 789), Date.UTC(2024, 1, 3, 4, 5, 6)]);
      expect(await timesOf()).toEqual(rootTimes);
      expect((await t.dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
