import fc from 'fast-check';
import { InboxModelHarness, modelScenarios } from '../support/inbox-model';

/**
 * `npm run bench -- model [--runs N] [--seed S]`: the inbox's model-based test
 * (test/support/inbox-model.ts) longer than `npm test` runs it — more runs, longer sequences — on
 * SQLite and, with DATABASE_URL set, on PostgreSQL. Prints runs per second next to the verdict; a
 * failure prints its shrunk scenario.
 */
export async function modelBenchmark(options: { runs: number; seed: number }): Promise<void> {
  console.log(`inbox model: ${options.runs} runs per database, up to 6 conversations and 12 operations each, seed ${options.seed}\n`);
  const databases: Array<[string, string | undefined]> = [['SQLite', undefined]];
  if (process.env.DATABASE_URL) databases.push(['PostgreSQL', process.env.DATABASE_URL]);
  else console.log('PostgreSQL: skipped (set DATABASE_URL to a database the benchmark may drop and migrate)');
  const postgresUrl = process.env.DATABASE_URL;
  let failed = false;
  for (const [name, url] of databases) {
    if (url) process.env.DATABASE_URL = url;
    else delete process.env.DATABASE_URL;
    const harness = new InboxModelHarness();
    await harness.start();
    const started = performance.now();
    const result = await fc.check(
      fc.asyncProperty(modelScenarios({ threads: 6, ops: 12 }), (scenario) => harness.run(scenario)),
      { numRuns: options.runs, seed: options.seed },
    );
    const seconds = (performance.now() - started) / 1000;
    await harness.stop();
    const verdict = result.failed ? `FAILED after ${result.numRuns} runs` : `OK: ${result.numRuns} runs, every invariant held`;
    console.log(`${name.padEnd(11)} ${(result.numRuns / seconds).toFixed(1).padStart(7)} runs/s   ${verdict}`);
    if (result.failed) {
      failed = true;
      console.log(fc.defaultReportMessage(result));
    }
  }
  if (postgresUrl) process.env.DATABASE_URL = postgresUrl;
  if (failed) process.exitCode = 1;
}
