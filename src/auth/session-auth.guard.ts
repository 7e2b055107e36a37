import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { LoginRequiredException } from '../common/html-exception.filter';
import { AgentsService } from '../agents/agents.service';
import { ACCESS_KEY, type Access } from './access.decorators';

/** Global guard: loads the session's agent and enforces the handler's declared access. */
@Injectable()
export class SessionAuthGuard implements CanActivate {
  private readonly logger = new Logger(SessionAuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly agents: AgentsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (access === 'public') return true;
    if (access === undefined) {
      // Fail closed: a handler without an access decorator is a bug, not an open door.
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no access; refused`);
      throw new ForbiddenException();
    }

    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const agent = req.session?.userId ? await this.agents.findCurrentAgent(req.session.userId, { generation: req.session.sessionGeneration ?? 0 }) : undefined;
    if (!agent) {
      if (req.session?.userId) {
        delete req.session.userId;
        delete req.session.sessionGeneration;
      }
      throw new LoginRequiredException();
    }

    req.agent = agent;
    res.locals.currentAgent = agent;
    res.locals.lang = agent.language;
    if (req.session.language !== agent.language) req.session.language = agent.language;

    if (access === 'admin' && !agent.isAdmin) throw new ForbiddenException();
    return true;
  }
}
