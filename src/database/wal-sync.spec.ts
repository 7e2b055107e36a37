import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalSync } from './wal-sync';

jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  return { ...actual, open: jest.fn(actual.open) };
});

describe('WalSync', () => {
  let dir: string;
  const opened = fs.open as jest.MockedFunction<typeof fs.open>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-sync-'));
    opened.mockClear();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fsyncs once for the calls that arrive while one runs, and again for a call after it began', async () => {
    const wal = join(dir, 'db.sqlite-wal');
    writeFileSync(wal, 'frames');
    const walSync = new WalSync(wal);
    const first = walSync.sync();
    // These began after the first fsync started: they need one of their own, and share it.
    const second = walSync.sync();
    const third = walSync.sync();
    await Promise.all([first, second, third]);
    expect(opened).toHaveBeenCalledTimes(2);
    await walSync.sync();
    expect(opened).toHaveBeenCalledTimes(3);
  });

  it('resolves when there is no WAL (everything is in the database file)', async () => {
    await expect(new WalSync(join(dir, 'missing-wal')).sync()).resolves.toBeUndefined();
  });

  it('rejects when the WAL cannot be synced', async () => {
    // Any other failure to reach the WAL reaches the caller: its commit is not known to be on disk.
    opened.mockRejectedValueOnce(Object.assign(new Error('EACCES'), { code: 'EACCES' }));
    await expect(new WalSync(join(dir, 'x')).sync()).rejects.toThrow('EACCES');
  });
});
