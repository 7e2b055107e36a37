import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * DATA_DIR and what it holds (the SQLite database with live sessions, its WAL and shared-memory
 * files, secrets.key) are for the app's user alone: 0700 and 0600, on a fresh install and tightened
 * on an existing one at every start (docs/SECURITY.md, V8.1 / V14.1).
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the folder 0700; an existing one is tightened only when it is the app's own (`tighten`). */
export function ensurePrivateDir(dir: string, existing: 'tighten' | 'leave'): void {
  const existed = existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!existed || existing === 'tighten') chmodSync(dir, PRIVATE_DIR_MODE);
}

/** 0600 for each file that exists. */
export function makePrivate(...files: string[]): void {
  for (const file of files) {
    try {
      chmodSync(file, PRIVATE_FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/**
 * The SQLite file exists 0600 before SQLite opens it: SQLite gives its -wal, -shm and -journal
 * files the database file's mode, so they are born private too. Leftovers of an older install are tightened.
 */
export function prepareSqliteFiles(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  makePrivate(...sqliteFiles(path));
}

export function sqliteFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];
}
