import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import { ENTITIES } from '../database/entities';
import { MIGRATIONS } from '../database/migrations';
import { LoginThrottleService } from './login-throttle.service';

const LIMITS = { maxFailuresPerLogin: 3, maxFailuresPerAddress: 5, windowMs: 60_000 };

class TestClock extends Clock {
  current = 1_000_000;
  override now(): number {
    return this.current;
  }
}

/** The rule as the README states it, counter by counter, for one attempt after another. */
class Model {
  private readonly counters = new Map<string, { failures: number; start: number }>();

  attempt(login: string, address: string, correct: boolean, now: number): boolean {
    const keys = [`login:${login}`, `address:${address}`];
    const counted = keys.map((key) => {
      const c = this.counters.get(key);
      const next = !c || c.start <= now - LIMITS.windowMs ? { failures: 1, start: now } : { failures: c.failures + 1, start: c.start };
      this.counters.set(key, next);
      return next;
    });
    if (counted[0].failures > LIMITS.maxFailuresPerLogin || counted[1].failures > LIMITS.maxFailuresPerAddress) {
      for (const c of counted) c.failures -= 1;
      return false;
    }
    if (correct) {
      this.counters.delete(keys[0]);
      counted[1].failures -= 1;
    }
    return true;
  }
}

describe('LoginThrottleService against the rule, on a real SQLite database', () => {
  let dataSource: DataSource;
  const clock = new TestClock();
  let throttle: LoginThrottleService;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true });
    await dataSource.initialize();
    throttle = new LoginThrottleService(dataSource, clock, { loginThrottle: LIMITS } as AppConfig);
  });
  afterAll(() => dataSource.destroy());

  // Mostly wrong passwords close together, so limits are reached, with now and then a window's end.
  const step = fc.record({
    login: fc.constantFrom('anna', 'ANNA ', 'bob', 'carl'),
    address: fc.constantFrom('192.0.2.1', '::ffff:192.0.2.1', '2001:db8::1', '2001:db8::2', '198.51.100.7'),
    correct: fc.constantFrom(false, false, false, true),
    waitMs: fc.constantFrom(0, 0, 0, 1_000, 1_000, 5_000, 20_000, 59_999, 60_000, 200_000),
  });

  it('admits and refuses exactly as the rule says, for any sequence of attempts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 20, maxLength: 60, size: 'max' }), async (steps) => {
        await dataSource.query('DELETE FROM login_throttle');
        const model = new Model();
        for (const s of steps) {
          clock.current += s.waitMs;
          const expected = model.attempt(s.login.trim().toLowerCase(), s.address.replace('::ffff:', '').replace(/::[12]$/, ''), s.correct, clock.current);
          const attempt = await throttle.begin(s.login, s.address);
          expect(attempt.admitted).toBe(expected);
          if (!attempt.admitted) {
            expect(attempt.lockedForMs).toBeGreaterThan(0);
            expect(attempt.lockedForMs).toBeLessThanOrEqual(LIMITS.windowMs);
          } else if (s.correct) await throttle.succeeded(attempt);
          else await throttle.failed();
        }
      }),
      { numRuns: 200 },
    );
  });
});
