import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { epochMsOf } from '../database/epoch-ms-column';
import { clientAddressKey } from './client-address';

/** An attempt that was counted as a failure before its password is checked. */
export interface LoginAttempt {
  /** False: over a limit; the password must not be checked. */
  admitted: boolean;
  /** When refused: how long until the window that holds the lock ends. */
  lockedForMs: number;
  /** The counters this attempt incremented, with the window it was counted in. */
  counted: { bucket: string; windowStartedAt: number }[];
}

interface Counter {
  failures: number;
  windowStartedAt: number;
}

/**
 * Counts failed logins per typed login (existing or not, so a lock tells nothing about which logins
 * exist) and per client address. The first failure opens a window (15 minutes by default); more than
 * the limit within it lock the login, or the address, for the rest of the window.
 *
 * Every attempt increments its counters with one atomic UPDATE … RETURNING *before* the password is
 * checked: the n-th increment sees n, whichever instance made it, so of any number of parallel
 * attempts at most the limit get their password checked (docs/SECURITY.md, V2.2.1). A refused
 * attempt and a successful one take their count back; a success also forgives the login's failures.
 */
@Injectable()
export class LoginThrottleService {
  private readonly limits: AppConfig['loginThrottle'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limits = config.loginThrottle;
  }

  async begin(login: string, ip: string | undefined): Promise<LoginAttempt> {
    const now = this.clock.now();
    const loginBucket = `login:${login.trim().toLowerCase().slice(0, 200)}`;
    const addressBucket = `address:${clientAddressKey(ip)}`;
    const perLogin = await this.increment(loginBucket, now);
    const perAddress = await this.increment(addressBucket, now);
    const counted = [
      { bucket: loginBucket, windowStartedAt: perLogin.windowStartedAt },
      { bucket: addressBucket, windowStartedAt: perAddress.windowStartedAt },
    ];
    const overLogin = perLogin.failures > this.limits.maxFailuresPerLogin;
    const overAddress = perAddress.failures > this.limits.maxFailuresPerAddress;
    if (!overLogin && !overAddress) return { admitted: true, lockedForMs: 0, counted };

    await this.takeBack(counted);
    const lockEnd = Math.max(...[overLogin && perLogin, overAddress && perAddress].map((c) => (c ? c.windowStartedAt + this.limits.windowMs : 0)));
    return { admitted: false, lockedForMs: Math.max(0, lockEnd - now), counted };
  }

  /** The password was right: the attempt was no failure, and the login's earlier failures are forgiven. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    const [loginCounter, ...others] = attempt.counted;
    await this.dataSource.query(this.sql('DELETE FROM login_throttle WHERE bucket = ?'), [loginCounter.bucket]);
    await this.takeBack(others);
    await this.prune();
  }

  /** The password was wrong: the failure stays counted. */
  async failed(): Promise<void> {
    await this.prune();
  }

  /** Adds one failure, opening a new window when the last one has ended; the counter as it is now. */
  private async increment(bucket: string, now: number): Promise<Counter> {
    const windowEnded = now - this.limits.windowMs;
    // Twice is enough unless the row vanishes again and again between the two statements.
    for (let tries = 0; tries < 5; tries++) {
      // Both CASEs read the row as it was before this UPDATE (SQLite and PostgreSQL alike).
      const updated = await this.records(
        `UPDATE login_throttle
            SET failures = CASE WHEN window_started_at <= ? THEN 1 ELSE failures + 1 END,
                window_started_at = CASE WHEN window_started_at <= ? THEN ? ELSE window_started_at END
          WHERE bucket = ?
          RETURNING failures, window_started_at`,
        [windowEnded, windowEnded, now, bucket],
      );
      if (updated.length > 0) return updated[0];
      const inserted = await this.records('INSERT INTO login_throttle (bucket, failures, window_started_at) VALUES (?, 1, ?) ON CONFLICT (bucket) DO NOTHING RETURNING failures, window_started_at', [
        bucket,
        now,
      ]);
      if (inserted.length > 0) return inserted[0];
      // Another attempt created the row in between: count on it.
    }
    throw new Error(`login throttle counter ${bucket} could not be counted`);
  }

  /** Takes one failure back from each counter, unless its window has been replaced meanwhile. */
  private async takeBack(counted: LoginAttempt['counted']): Promise<void> {
    for (const { bucket, windowStartedAt } of counted) {
      await this.dataSource.query(this.sql('UPDATE login_throttle SET failures = failures - 1 WHERE bucket = ? AND window_started_at = ? AND failures > 0'), [bucket, windowStartedAt]);
    }
  }

  /** Counters of ended windows carry no information any more. */
  private async prune(): Promise<void> {
    await this.dataSource.query(this.sql('DELETE FROM login_throttle WHERE window_started_at <= ?'), [this.clock.now() - this.limits.windowMs]);
  }

  private async records(text: string, parameters: unknown[]): Promise<Counter[]> {
    const runner = this.dataSource.createQueryRunner();
    let result;
    try {
      result = await runner.query(this.sql(text), parameters, true);
    } finally {
      await runner.release();
    }
    return (result.records as { failures: number | string; window_started_at: number | string }[]).map((r) => ({ failures: Number(r.failures), windowStartedAt: epochMsOf(r.window_started_at) }));
  }

  /** `?` placeholders as the connected driver wants them ($1, $2 … on PostgreSQL). */
  private sql(text: string): string {
    if (this.dataSource.options.type !== 'postgres') return text;
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  }
}
