import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Language } from '../i18n/languages';
import type { Permission } from '../agents/group-membership.entity';

/** The logged-in agent as the request sees it: loaded fresh from the database on every request. */
export interface CurrentAgent {
  id: number;
  login: string;
  name: string;
  language: Language;
  /**
   * IANA time zone for showing and entering times (docs/AGENT-WORKSPACE.md, "Time zones"); always
   * set for a logged-in agent. Optional only so agents built by hand (tests, benchmarks) need not
   * name one: read it with agentTimeZone().
   */
  timeZone?: string;
  isAdmin: boolean;
  /** Valid group name → permission. */
  groups: Record<string, Permission>;
}

declare module 'express' {
  interface Request {
    agent?: CurrentAgent;
  }
}

/** The agent's time zone, UTC when none is set. */
export function agentTimeZone(agent: Pick<CurrentAgent, 'timeZone'>): string {
  return agent.timeZone ?? 'UTC';
}

export const ActingAgent = createParamDecorator((_: unknown, ctx: ExecutionContext): CurrentAgent => {
  const agent = ctx.switchToHttp().getRequest<Request>().agent;
  if (!agent) throw new Error('@ActingAgent() used on a handler that is not behind the auth guard');
  return agent;
});
