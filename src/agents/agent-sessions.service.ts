import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Session, SessionData } from 'express-session';
import { Repository } from 'typeorm';
import { TypeormSessionStore } from '../common/typeorm-session.store';
import { Agent } from './agent.entity';

/**
 * Ends an agent's sessions on every instance: after a password change or reset (all but the session
 * that made the change), when the agent is set invalid (all). Two locks, because either alone has a
 * gap: the rows are deleted, and the agent's session generation moves on, which the auth guard
 * compares on every request, so a request that was under way and writes its session back afterwards
 * still finds it over (docs/SECURITY.md, V3.3.2–V3.3.3).
 */
@Injectable()
export class AgentSessionsService {
  constructor(
    private readonly sessions: TypeormSessionStore,
    @InjectRepository(Agent) private readonly users: Repository<Agent>,
  ) {}

  /**
   * Ends every session of the agent. `keep`: the session that made the change (`req.session` of the
   * agent changing their own password) stays logged in; it is moved to the new generation here and
   * stored when its response is sent.
   */
  async endSessions(agentId: number, options: { keep?: Session & Partial<SessionData> } = {}): Promise<void> {
    await this.users.increment({ id: agentId }, 'sessionGeneration', 1);
    const { sessionGeneration } = await this.users.findOneOrFail({ where: { id: agentId }, select: { id: true, sessionGeneration: true } });
    const keep = options.keep?.userId === agentId ? options.keep : undefined;
    await this.sessions.destroyAllOf(agentId, keep?.id);
    if (keep) keep.sessionGeneration = sessionGeneration;
  }
}
