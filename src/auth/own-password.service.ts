import { Injectable } from '@nestjs/common';
import type { Session, SessionData } from 'express-session';
import { DomainException } from '../common/domain.exception';
import { AgentsService } from '../agents/agents.service';
import type { CurrentAgent } from './current-agent';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordHasher } from '../agents/password-hasher';

export interface OwnPasswordChange {
  currentPassword: string;
  newPassword: string;
  newPasswordRepeat: string;
}

/**
 * An agent changes their own password (Preferences; docs/AGENT-WORKSPACE.md, "Preferences"): the
 * current password is required and checked like a login — a wrong one counts against the login's
 * limit, so a stolen session cannot guess it at leisure —, the new one is typed twice and must
 * differ, and every other session of the agent ends (AgentSessionsService.endSessions, through
 * AgentsService.changeOwnPassword); the session that asked stays logged in.
 */
@Injectable()
export class OwnPasswordService {
  constructor(
    private readonly agents: AgentsService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleService,
  ) {}

  async change(agent: CurrentAgent, change: OwnPasswordChange, session: Session & Partial<SessionData>, clientIp: string | undefined): Promise<void> {
    // Mistakes in the new password are not guesses of the current one: they cost no attempt.
    if (change.newPassword !== change.newPasswordRepeat) throw new DomainException('preferences.error.passwordsDiffer', 'newPasswordRepeat');
    const attempt = await this.throttle.begin(agent.login, clientIp);
    if (!attempt.admitted) {
      throw new DomainException('login.error.locked', 'currentPassword', { minutes: Math.max(1, Math.ceil(attempt.lockedForMs / 60_000)) });
    }
    const user = await this.agents.get(agent.id);
    if (!(await this.hasher.verify(user.passwordHash, change.currentPassword))) {
      await this.throttle.failed();
      throw new DomainException('preferences.error.currentPassword', 'currentPassword');
    }
    await this.throttle.succeeded(attempt);
    if (await this.hasher.verify(user.passwordHash, change.newPassword)) throw new DomainException('preferences.error.passwordUnchanged', 'newPassword');
    await this.agents.changeOwnPassword(agent.id, change.newPassword, session);
  }
}
