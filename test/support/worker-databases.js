// PostgreSQL suites with several jest workers: each worker drops and migrates the schema of a
// database of its own, so the workers never see each other's tables. Worker 1 uses DATABASE_URL's
// database itself; worker N uses `<name>_wN` in the same cluster, created here when missing (the
// role needs CREATEDB; .ci/run grants it). Plain JavaScript: run-all.js and global-setup.js load it.
const { Client } = require('pg');

/** The database URL jest worker `workerId` uses: DATABASE_URL for worker 1 (and --runInBand). */
function workerDatabaseUrl(url, workerId) {
  const n = Number(workerId);
  if (!Number.isInteger(n) || n <= 1) return url;
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname}_w${n}`;
  return parsed.href;
}

function databaseName(url) {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Creates the databases of workers 2..workers that do not exist yet; throws what PostgreSQL said when it may not. */
async function ensureWorkerDatabases(url, workers) {
  if (workers <= 1) return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (let n = 2; n <= workers; n++) {
      const name = databaseName(workerDatabaseUrl(url, n));
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}

module.exports = { workerDatabaseUrl, ensureWorkerDatabases };

// `node test/support/worker-databases.js <workers>`: what run-all.js asks before it starts a PostgreSQL suite with several workers.
if (require.main === module) {
  ensureWorkerDatabases(process.env.DATABASE_URL, Number(process.argv[2])).then(
    () => process.exit(0),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
