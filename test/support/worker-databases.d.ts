/** The database URL jest worker `workerId` uses (worker-databases.js). */
export function workerDatabaseUrl(url: string, workerId: string | number | undefined): string;
/** Creates the databases of workers 2..workers that do not exist yet. */
export function ensureWorkerDatabases(url: string, workers: number): Promise<void>;
