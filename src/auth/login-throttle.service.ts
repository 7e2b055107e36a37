import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { LoginFailure } from './login-failure.entity';

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;

/**
 * Refuses further tries for a login after MAX_FAILURES failures within FAILURE_WINDOW_MS, until the
 * oldest of them leaves the window. Counted per typed login, existing or not, so the refusal tells
 * nothing about which logins exist.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectRepository(LoginFailure) private readonly failures: Repository<LoginFailure>,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until the login may be tried again, or 0 when it may be tried now. */
  async lockedForMs(login: string): Promise<number> {
    const now = this.clock.now();
    const recent = await this.failures.find({
      where: { login: normalise(login), failedAt: MoreThan(String(now - FAILURE_WINDOW_MS)) },
      order: { failedAt: 'DESC' },
      take: MAX_FAILURES,
    });
    if (recent.length < MAX_FAILURES) return 0;
    const oldestCounted = Number(recent[recent.length - 1].failedAt);
    return Math.max(0, oldestCounted + FAILURE_WINDOW_MS - now);
  }

  async recordFailure(login: string): Promise<void> {
    const now = this.clock.now();
    await this.failures.insert({ login: normalise(login), failedAt: String(now) });
    // Old rows carry no information any more.
    await this.failures.delete({ failedAt: LessThan(String(now - FAILURE_WINDOW_MS)) });
  }

  async clear(login: string): Promise<void> {
    await this.failures.delete({ login: normalise(login) });
  }
}

function normalise(login: string): string {
  return login.trim().toLowerCase().slice(0, 200);
}
