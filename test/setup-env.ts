import { workerDatabaseUrl } from './support/worker-databases';

// Every test process: test mode, quiet logs, a known admin password.
process.env.NODE_ENV = 'test';
process.env.ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? 'admin-test-password';
process.env.SESSION_SECRET = process.env.SESSION_SECRET ?? 'test-session-secret-test-session-secret';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
// On PostgreSQL each jest worker has a database of its own (created by global-setup.js).
if (process.env.DATABASE_URL) process.env.DATABASE_URL = workerDatabaseUrl(process.env.DATABASE_URL, process.env.JEST_WORKER_ID);
