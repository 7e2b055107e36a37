import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/domain.exception';
import { AgentsService } from '../users/agents.service';
import type { User } from '../users/user.entity';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordHasher } from './password-hasher';

@Injectable()
export class AuthService {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly agents: AgentsService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleService,
  ) {}

  /**
   * The agent for a login and password. Every refusal reads the same, whether the login exists, is
   * invalid, or the password is wrong; a login with too many recent failures is refused before checking.
   */
  async authenticate(login: string, password: string): Promise<User> {
    const lockedForMs = await this.throttle.lockedForMs(login);
    if (lockedForMs > 0) {
      throw new DomainException('login.error.locked', undefined, { minutes: Math.ceil(lockedForMs / 60_000) });
    }

    const user = await this.agents.findByLogin(login);
    // Hash even for unknown logins, so the answer time does not tell whether a login exists.
    const passwordOk = await this.hasher.verify(user?.passwordHash ?? (await this.hashOfNothing()), password);
    if (!user || !passwordOk || user.validity !== 'valid') {
      await this.throttle.recordFailure(login);
      throw new DomainException('login.error.invalid');
    }

    await this.throttle.clear(login);
    return user;
  }

  private hashOfNothing(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(`no such login ${Math.random()}`);
    return this.dummyHash;
  }
}
