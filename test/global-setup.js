// Once per test run: the browser bundle of twitter-text the pages load (scripts/bundle-vendor.js),
// and on PostgreSQL a database for each jest worker after the first (test/support/worker-databases.js).
module.exports = async (globalConfig) => {
  await require('../scripts/bundle-vendor.js').ensureVendorBundle();
  const url = process.env.DATABASE_URL;
  if (url && !globalConfig.runInBand && globalConfig.maxWorkers > 1) {
    try {
      await require('./support/worker-databases.js').ensureWorkerDatabases(url, globalConfig.maxWorkers);
    } catch (error) {
      throw new Error(`each jest worker on PostgreSQL needs a database of its own, and creating it failed (${error.message}): grant the role CREATEDB, or run with --runInBand`, { cause: error });
    }
  }
};
