import { inboxThreadConfig } from '../inbox/inbox-thread';
import { ConfigError, loadAppConfig } from './app-config';

describe('inbox worker settings', () => {
  it('works the SQLite inbox in a thread of its own unless INBOX_WORKER_THREAD=off, and refuses anything else', () => {
    expect(loadAppConfig({ NODE_ENV: 'test' }).inboxWorkerThread).toBe(true);
    expect(loadAppConfig({ NODE_ENV: 'test', INBOX_WORKER_THREAD: 'off' }).inboxWorkerThread).toBe(false);
    expect(() => loadAppConfig({ NODE_ENV: 'test', INBOX_WORKER_THREAD: 'no' })).toThrow(ConfigError);
  });

  it('gives the thread the app’s settings, with the inbox worker as its only job, the schema left alone and commits that wait for no disk', () => {
    const app = loadAppConfig({ NODE_ENV: 'test', DATA_DIR: '/srv/socialdesk', SQLITE_SYNCHRONOUS: 'FULL', POLLER: 'off', SECRETS_KEY: 'ab'.repeat(32) });
    const thread = inboxThreadConfig(app);
    expect(thread.jobs).toEqual({ 'inbox-worker': true, poller: false, delivery: false, 'session-pruner': false, 'media-fetcher': false, 'pending-check': false });
    expect(thread.database).toEqual({ ...app.database, migrationsRun: false, dropSchema: false, sqliteSynchronous: 'NORMAL' });
    expect(thread.inboxWorkerThread).toBe(false);
    expect({ ...thread, jobs: app.jobs, database: app.database, inboxWorkerThread: true }).toEqual(app);
  });
});
