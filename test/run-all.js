#!/usr/bin/env node
// `npm test`: typecheck and lint, unit tests, the e2e suite on SQLite and (when DATABASE_URL is set) on
// PostgreSQL, then the browser tests. Every suite runs even when one fails; the exit code says whether all passed.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const jest = join(root, 'node_modules', '.bin', 'jest');
const postgresUrl = process.env.DATABASE_URL;
const onSqlite = { DATABASE_URL: '' };
const onPostgres = { DATABASE_URL: postgresUrl };

const suites = [
  // ts-jest compiles each file alone and does not type-check; this does, for the whole project.
  { name: 'typecheck', command: join(__dirname, '..', 'node_modules', '.bin', 'tsc'), args: ['-p', 'tsconfig.json', '--noEmit'], counts: false },
  { name: 'lint', run: lint },
  { name: 'unit', args: [] },
  { name: 'e2e on SQLite', args: ['--config', 'test/jest-e2e.json'], env: onSqlite },
  // Each worker drops and migrates the schema of a database of its own (test/support/worker-databases.js).
  postgresUrl && { name: 'e2e on PostgreSQL', args: ['--config', 'test/jest-e2e.json', ...postgresWorkers(2)], env: onPostgres },
  { name: 'browser on SQLite', args: ['--config', 'test/jest-browser.json'], env: onSqlite },
  postgresUrl && { name: 'browser on PostgreSQL', args: ['--config', 'test/jest-browser.json', ...postgresWorkers(2)], env: onPostgres },
].filter(Boolean);

/**
 * Jest's worker options for a PostgreSQL suite: `workers` when a database can be made for each
 * worker after the first, else one worker on DATABASE_URL's database, with a note saying why.
 */
function postgresWorkers(workers) {
  const made = spawnSync(process.execPath, [join(__dirname, 'support', 'worker-databases.js'), String(workers)], { env: process.env, encoding: 'utf8' });
  if (made.status === 0) return [`--maxWorkers=${workers}`];
  console.log(`PostgreSQL suites run on one worker: no database for a second one (${made.stderr.trim()}). Grant the role CREATEDB to run them on ${workers}.`);
  return ['--runInBand'];
}

/**
 * ESLint (`npm run lint`'s rules) and Prettier's check, both run so that one line reports both. No
 * --cache: ESLint's cache keys on each file's own text, but type-checked rules also read the files it
 * imports, so a cached "clean" can hide a finding that a change elsewhere caused.
 */
function lint() {
  const eslint = spawnSync(join(root, 'node_modules', '.bin', 'eslint'), ['.'], { cwd: root, stdio: 'inherit' });
  const prettier = spawnSync(join(root, 'node_modules', '.bin', 'prettier'), ['--list-different', '.'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const unformatted = prettier.stdout.split('\n').filter(Boolean);
  for (const file of unformatted) console.log(`not formatted: ${file}`);
  const prettierSays =
    prettier.status !== 0 && unformatted.length > 0
      ? `${unformatted.length} file${unformatted.length === 1 ? '' : 's'} not formatted (npm run format)`
      : prettier.status === 0
        ? 'formatted'
        : 'prettier failed';
  return { ok: eslint.status === 0 && prettier.status === 0, summary: `eslint ${eslint.status === 0 ? 'clean' : 'found problems'}, ${prettierSays}` };
}

if (!postgresUrl) console.log('DATABASE_URL is not set: the PostgreSQL suites are skipped (.ci/run sets it).');

const outDir = mkdtempSync(join(tmpdir(), 'socialdesk-jest-'));
const results = [];
for (const [index, suite] of suites.entries()) {
  console.log(`\n=== ${suite.name} ===`);
  const outputFile = join(outDir, `${index}.json`);
  const started = Date.now();
  if (suite.run) {
    const { ok, summary } = suite.run();
    results.push({ suite: suite.name, counted: false, summary, passed: 0, failed: 0, skipped: 0, ok, seconds: (Date.now() - started) / 1000 });
    continue;
  }
  const args = suite.command ? suite.args : [...suite.args, ...process.argv.slice(2), '--json', `--outputFile=${outputFile}`];
  const run = spawnSync(suite.command ?? jest, args, { stdio: 'inherit', env: { ...process.env, ...suite.env } });
  let counts = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numTotalTests: 0 };
  try {
    counts = JSON.parse(readFileSync(outputFile, 'utf8'));
  } catch {
    // jest died before writing its report; the exit code below still counts.
  }
  results.push({
    suite: suite.name,
    counted: suite.counts !== false,
    passed: counts.numPassedTests,
    failed: counts.numFailedTests,
    skipped: counts.numPendingTests + counts.numTodoTests,
    ok: run.status === 0,
    seconds: (Date.now() - started) / 1000,
  });
}
rmSync(outDir, { recursive: true, force: true });

console.log('\n=== summary ===');
for (const r of results) {
  const counts = r.counted ? `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped` : (r.summary ?? (r.ok ? 'clean' : 'errors'));
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.suite}: ${counts} (${r.seconds.toFixed(1)} s)`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + (r.skipped ?? 0), 0);
const allOk = results.every((r) => r.ok);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(allOk && failed === 0 && passed > 0 ? 0 : 1);
