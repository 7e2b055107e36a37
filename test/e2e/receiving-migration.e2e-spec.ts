import { ReceivingMode1764200000000 } from '../../src/database/migrations/1764200000000-ReceivingMode';
import { Transactions } from '../../src/database/transactions';
import { createTestApp, type TestApp } from '../utils/create-test-app';

/** Existing profiles keep receiving the way they did before the receiving mode became explicit. */
describe('migration ReceivingMode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('sets webhook where step 2 had an Account Activity environment label, polling elsewhere, and can be undone', async () => {
    const migration = new ReceivingMode1764200000000();
    // The tables as this migration left them: 1764600000000-EpochMsTimes, which came later, undone
    // first (without a transaction: it rebuilds SQLite tables) and done again at the end.
    const exclusive = <R>(work: () => Promise<R>) => t.app.get(Transactions).exclusive(work);
    await exclusive(() => t.dataSource.undoLastMigration({ transaction: 'none' }));
    const runner = t.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await runner.query(`INSERT INTO social_media_profiles (name, aaa_environment, created_by, changed_by) VALUES ('WithLabel', 'prod', 'test', 'test'), ('WithoutLabel', '', 'test', 'test')`);
      await migration.up(runner);
      const rows = await runner.query(`SELECT name, receiving_mode FROM social_media_profiles ORDER BY name`);
      expect(rows).toEqual([
        { name: 'WithLabel', receiving_mode: 'webhook' },
        { name: 'WithoutLabel', receiving_mode: 'polling' },
      ]);
    } finally {
      await runner.release();
    }
    await exclusive(() => t.dataSource.runMigrations({ transaction: 'all' }));
    // The schema is back where the entities expect it.
    expect((await t.dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });
});
