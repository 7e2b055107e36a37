import { ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AgentsService } from '../agents/agents.service';
import { AgentOnly } from './access.decorators';
import { SessionAuthGuard } from './session-auth.guard';

// Handlers are passed around unbound, as Nest's getHandler() does: `this: void` says they may be.
class Handlers {
  undeclared(this: void): void {}
  @AgentOnly()
  forAgents(this: void): void {}
}

function contextFor(handler: keyof Handlers, session: Record<string, unknown>): ExecutionContext {
  const req = { session };
  return {
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({ locals: {} }) }),
  } as unknown as ExecutionContext;
}

describe('SessionAuthGuard', () => {
  const agents = { findCurrentAgent: jest.fn(async () => ({ id: 1, login: 'a', name: 'A', language: 'en', isAdmin: true, groups: {} })) };
  const guard = new SessionAuthGuard(new Reflector(), agents as unknown as AgentsService);

  it('refuses a handler that declares no access, even for a logged-in admin (fails closed)', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(guard.canActivate(contextFor('undeclared', { userId: 1 }))).rejects.toBeInstanceOf(ForbiddenException);
  });

  it('hands the session generation over, so a session from before a password change is refused', async () => {
    await guard.canActivate(contextFor('forAgents', { userId: 1, sessionGeneration: 3 }));
    expect(agents.findCurrentAgent).toHaveBeenCalledWith(1, { generation: 3 });
  });
});
