import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/domain.exception';
import { AgentsService } from '../agents/agents.service';
import type { Agent } from '../agents/agent.entity';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordHasher } from '../agents/password-hasher';

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
   * invalid, or the password is wrong; a login or an address with too many recent failures is
   * refused before the password is checked (the same answer for either limit).
   */
  async authenticate(login: string, password: string, clientIp: string | undefined): Promise<Agent> {
    const attempt = await this.throttle.begin(login, clientIp);
    if (!attempt.admitted) {
      throw new DomainException('login.error.locked', undefined, { minutes: Math.max(1, Math.ceil(attempt.lockedForMs / 60_000)) });
    }

    const user = await this.agents.findByLogin(login);
    // Hash even for unknown logins, so the answer time does not tell whether a login exists.
    const passwordOk = await this.hasher.verify(user?.passwordHash ?? (await this.hashOfNothing()), password);
    if (!user || !passwordOk || user.validity !== 'valid') {
      await this.throttle.failed();
      throw new DomainException('login.error.invalid');
    }

    await this.throttle.succeeded(attempt);
    return user;
  }

  private hashOfNothing(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(`no such login ${Math.random()}`);
    return this.dummyHash;
  }
}
