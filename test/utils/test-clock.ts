import { Clock } from '../../src/common/clock';

/**
 * Real time moved by `offset`: the app sees time pass as usual, and a test moves it on in one step
 * instead of sleeping. Moving it on never waits, so a test that depends on "later" cannot race.
 * Use with `createTestApp({ override: (b) => b.overrideProvider(Clock).useValue(clock) })`.
 */
export class TestClock extends Clock {
  offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  /** From now on, about `iso` (time keeps running from there). */
  setTo(iso: string): void {
    this.offset = Date.parse(iso) - Date.now();
  }
}

/**
 * How long the inbox's ProfileDirectory keeps an active profile (its TTL_MS in
 * src/inbox/profile-directory.service.ts), plus a millisecond: advancing the clock by this makes the
 * next webhook or poll read a changed profile from the database.
 */
export const PROFILE_DIRECTORY_TTL_PASSED_MS = 2_001;
