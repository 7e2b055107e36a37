import type { LoggerService } from '@nestjs/common';
import { quietStartup } from './quiet-startup-logger';

function recording() {
  const lines: string[] = [];
  const logger: LoggerService = {
    log: (m: unknown, c?: unknown) => lines.push(`info ${String(c)}: ${String(m)}`),
    debug: (m: unknown, c?: unknown) => lines.push(`debug ${String(c)}: ${String(m)}`),
    error: (m: unknown, c?: unknown) => lines.push(`error ${String(c)}: ${String(m)}`),
    warn: (m: unknown, c?: unknown) => lines.push(`warn ${String(c)}: ${String(m)}`),
  };
  return { lines, logger: quietStartup(logger) };
}

describe('quietStartup', () => {
  it('moves module and route announcements to debug and keeps every other line as it was', () => {
    const { lines, logger } = recording();
    logger.log('Mapped {/tickets, GET} route', 'RouterExplorer');
    logger.log('TicketsController {/tickets}:', 'RoutesResolver');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.warn('polling failed', 'Poller');
    logger.error('boom', 'InboxWorker');
    expect(lines).toEqual([
      'debug RouterExplorer: Mapped {/tickets, GET} route',
      'debug RoutesResolver: TicketsController {/tickets}:',
      'debug InstanceLoader: AppModule dependencies initialized',
      'info NestApplication: Nest application successfully started',
      'warn Poller: polling failed',
      'error InboxWorker: boom',
    ]);
  });
});
