import { resolve } from 'node:path';

export type DatabaseKind = 'sqlite' | 'postgres';

/** Every setting the app reads, validated once at start. Nothing else reads process.env. */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Public base URL of this instance, used in links shown to admins (callback / webhook URLs). */
  baseUrl: string;
  dataDir: string;
  database: {
    kind: DatabaseKind;
    sqlitePath: string;
    url?: string;
    /**
     * SQLite's fsync policy. FULL (default): a stored event survives even a power loss. NORMAL (WAL):
     * survives any crash of the app, may lose the last moments on power loss; much faster commits.
     */
    sqliteSynchronous: 'FULL' | 'NORMAL';
    migrationsRun: boolean;
    dropSchema: boolean;
  };
  /** SESSION_SECRET when set; otherwise the app generates one and keeps it in the database (src/keys/). */
  sessionSecret?: string;
  /** Failed logins counted per typed login and per client address within the window (docs/SECURITY.md). */
  loginThrottle: { maxFailuresPerLogin: number; maxFailuresPerAddress: number; windowMs: number };
  /**
   * How long an idle kept-alive connection stays open. Longer than the proxy's own idle timeout in
   * front of the app (nginx's upstream keepalive_timeout: 60 s), so that the proxy always closes
   * first: closed by the app at the moment the proxy sends on it, the request is lost to a reset
   * (docs/OPERATIONS.md, "Behind a reverse proxy").
   */
  keepAliveTimeoutMs: number;
  /** Set when the app runs behind an https-terminating proxy: cookies become Secure. */
  trustProxy: boolean;
  adminPassword?: string;
  logLevel: string;
  /** `pretty`: one readable line per entry (pino-pretty), for a person at a console; `json`: for log collectors. */
  logFormat: 'pretty' | 'json';
  xApiBaseUrl: string;
  /** Every call to X gives up after this long (tests shorten it). */
  xApiTimeoutMs: number;
  /**
   * Which recurring jobs this instance runs once started (see Scheduler); each has a setting that
   * switches it off, e.g. INBOX_WORKER=off for an instance that only receives webhooks.
   */
  jobs: Record<JobName, boolean>;
  /**
   * SQLite: the inbox worker, once started, works in a worker thread of its own with its own
   * connection, so that webhooks never wait for its batches (docs/THREADING.md, "Speed").
   * INBOX_WORKER_THREAD=off keeps it in the app's thread. PostgreSQL never needs it.
   */
  inboxWorkerThread: boolean;
  /** How often each polled stream (a #hashtag; mentions and DMs without webhook) is asked for news. */
  pollIntervalMs: number;
  /** 32-byte key for secrets at rest (base64 or hex); when unset, one is generated into dataDir. */
  secretsKey?: string;
  /**
   * How long a tweet reply waits for the tweet it answers (still in the inbox, or to be fetched from
   * X) before it is placed without it; X being unreachable never holds a reply longer.
   */
  replyParentWaitMs: number;
  /** The outgoing delivery worker: how often it looks for due articles, and how it retries 5xx/timeouts. */
  delivery: { intervalMs: number; maxAttempts: number; backoffBaseMs: number };
  /** How often the pending check closes pending auto close+/- tickets whose time has come. */
  pendingCheckIntervalMs: number;
}

export class ConfigError extends Error {}

/** The recurring jobs, with the environment variable that switches each off (`…=off`). */
export const JOB_SETTINGS = {
  'inbox-worker': 'INBOX_WORKER',
  poller: 'POLLER',
  delivery: 'DELIVERY_WORKER',
  'session-pruner': 'SESSION_PRUNER',
  'media-fetcher': 'MEDIA_FETCHER',
  'pending-check': 'PENDING_CHECK',
} as const;
export type JobName = keyof typeof JOB_SETTINGS;

const NODE_ENVS = ['development', 'production', 'test'] as const;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['nodeEnv'];
  if (!NODE_ENVS.includes(nodeEnv)) problems.push(`NODE_ENV must be one of ${NODE_ENVS.join(', ')}`);

  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('PORT must be a port number');

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const kind: DatabaseKind = databaseUrl ? 'postgres' : 'sqlite';
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite database)');
  }

  const dataDir = resolve(env.DATA_DIR ?? 'data');
  // Unset: every instance uses the one generated into the database, so they share sessions by design.
  const sessionSecret = env.SESSION_SECRET || undefined;
  if (sessionSecret !== undefined && sessionSecret.length < 32) problems.push('SESSION_SECRET must be at least 32 characters (or leave it unset)');
  if (env.SECRETS_KEY && !isSecretsKeyShaped(env.SECRETS_KEY)) problems.push('SECRETS_KEY must be 32 bytes, as 64 hex digits or base64');

  const loginThrottle = {
    maxFailuresPerLogin: Number(env.LOGIN_MAX_FAILURES ?? 5),
    maxFailuresPerAddress: Number(env.LOGIN_MAX_FAILURES_PER_ADDRESS ?? 20),
    windowMs: Number(env.LOGIN_FAILURE_WINDOW_MINUTES ?? 15) * 60_000,
  };
  if (!Number.isInteger(loginThrottle.maxFailuresPerLogin) || loginThrottle.maxFailuresPerLogin < 1) problems.push('LOGIN_MAX_FAILURES must be a whole number of at least 1');
  if (!Number.isInteger(loginThrottle.maxFailuresPerAddress) || loginThrottle.maxFailuresPerAddress < 1) problems.push('LOGIN_MAX_FAILURES_PER_ADDRESS must be a whole number of at least 1');
  if (!Number.isInteger(loginThrottle.windowMs) || loginThrottle.windowMs < 60_000) problems.push('LOGIN_FAILURE_WINDOW_MINUTES must be a whole number of at least 1');

  if (env.INBOX_WORKER_THREAD !== undefined && env.INBOX_WORKER_THREAD !== 'on' && env.INBOX_WORKER_THREAD !== 'off') problems.push('INBOX_WORKER_THREAD must be on or off');
  const pollIntervalMs = Number(env.POLL_INTERVAL_MS ?? 60_000);
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 1_000) problems.push('POLL_INTERVAL_MS must be at least 1000 milliseconds');
  const sqliteSynchronous = (env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (sqliteSynchronous !== 'FULL' && sqliteSynchronous !== 'NORMAL') problems.push('SQLITE_SYNCHRONOUS must be FULL or NORMAL');
  if (env.LOG_FORMAT !== undefined && env.LOG_FORMAT !== 'pretty' && env.LOG_FORMAT !== 'json') problems.push('LOG_FORMAT must be pretty or json');
  const xApiTimeoutMs = Number(env.X_API_TIMEOUT_MS ?? 10_000);
  if (!Number.isInteger(xApiTimeoutMs) || xApiTimeoutMs <= 0) problems.push('X_API_TIMEOUT_MS must be a positive number of milliseconds');

  const replyParentWaitMs = Number(env.REPLY_PARENT_WAIT_MS ?? 5 * 60_000);
  if (!Number.isInteger(replyParentWaitMs) || replyParentWaitMs < 0) problems.push('REPLY_PARENT_WAIT_MS must be a whole number of milliseconds (0 or more)');

  const delivery = {
    intervalMs: Number(env.DELIVERY_INTERVAL_MS ?? 5_000),
    maxAttempts: Number(env.DELIVERY_MAX_ATTEMPTS ?? 5),
    backoffBaseMs: Number(env.DELIVERY_BACKOFF_MS ?? 30_000),
  };
  if (!Number.isInteger(delivery.intervalMs) || delivery.intervalMs <= 0) problems.push('DELIVERY_INTERVAL_MS must be a positive number of milliseconds');
  if (!Number.isInteger(delivery.maxAttempts) || delivery.maxAttempts < 1) problems.push('DELIVERY_MAX_ATTEMPTS must be a whole number of at least 1');
  if (!Number.isInteger(delivery.backoffBaseMs) || delivery.backoffBaseMs <= 0) problems.push('DELIVERY_BACKOFF_MS must be a positive number of milliseconds');

  const pendingCheckIntervalMs = Number(env.PENDING_CHECK_INTERVAL_MS ?? 60_000);
  if (!Number.isInteger(pendingCheckIntervalMs) || pendingCheckIntervalMs < 1_000) problems.push('PENDING_CHECK_INTERVAL_MS must be at least 1000 milliseconds');

  const keepAliveTimeoutSeconds = Number(env.KEEP_ALIVE_TIMEOUT_SECONDS ?? 75);
  if (!Number.isInteger(keepAliveTimeoutSeconds) || keepAliveTimeoutSeconds < 1) problems.push('KEEP_ALIVE_TIMEOUT_SECONDS must be a whole number of at least 1');

  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`);

  const host = env.HOST ?? '0.0.0.0';
  return {
    nodeEnv,
    port,
    host,
    baseUrl: (env.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    dataDir,
    database: {
      kind,
      sqlitePath: env.SQLITE_PATH ?? resolve(dataDir, 'socialdesk.sqlite'),
      url: databaseUrl,
      sqliteSynchronous: sqliteSynchronous as 'FULL' | 'NORMAL',
      // Migrations run at start unless explicitly turned off (e.g. when a deploy step runs them).
      migrationsRun: env.DB_MIGRATIONS_RUN !== 'false',
      dropSchema: env.DB_DROP_SCHEMA === 'true' && nodeEnv === 'test',
    },
    sessionSecret,
    loginThrottle,
    keepAliveTimeoutMs: keepAliveTimeoutSeconds * 1000,
    trustProxy: env.TRUST_PROXY === 'true',
    adminPassword: env.ADMIN_PASSWORD || undefined,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    logFormat: (env.LOG_FORMAT ?? (nodeEnv === 'development' ? 'pretty' : 'json')) as 'pretty' | 'json',
    xApiBaseUrl: (env.X_API_BASE_URL ?? 'https://api.x.com').replace(/\/+$/, ''),
    xApiTimeoutMs,
    pollIntervalMs,
    jobs: Object.fromEntries(Object.entries(JOB_SETTINGS).map(([job, setting]) => [job, env[setting] !== 'off'])) as Record<JobName, boolean>,
    inboxWorkerThread: env.INBOX_WORKER_THREAD !== 'off',
    secretsKey: env.SECRETS_KEY || undefined,
    replyParentWaitMs,
    delivery,
    pendingCheckIntervalMs,
  };
}

/** 32 bytes as 64 hex digits or as base64 (the format SecretsCipher reads). */
export function isSecretsKeyShaped(text: string): boolean {
  const trimmed = text.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return true;
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) && Buffer.from(trimmed, 'base64').length === 32;
}

/** Injection token for the AppConfig object. */
export const APP_CONFIG = Symbol('APP_CONFIG');
