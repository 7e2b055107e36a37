import type { LoggerService } from '@nestjs/common';

/**
 * Nest announces every module it loads and every route it maps, one `info` line each: over a
 * hundred lines at each start that drown what matters. Those go to `debug`; everything else is
 * passed on as it is.
 */
const STARTUP_CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

export function quietStartup(logger: LoggerService): LoggerService {
  return {
    log: (message: unknown, ...rest: unknown[]) => {
      const context = rest.at(-1);
      if (typeof context === 'string' && STARTUP_CHATTER.has(context)) logger.debug?.(message, ...rest);
      else logger.log(message, ...rest);
    },
    error: (message: unknown, ...rest: unknown[]) => {
      logger.error(message, ...rest);
    },
    warn: (message: unknown, ...rest: unknown[]) => {
      logger.warn(message, ...rest);
    },
    debug: (message: unknown, ...rest: unknown[]) => {
      logger.debug?.(message, ...rest);
    },
    verbose: (message: unknown, ...rest: unknown[]) => {
      logger.verbose?.(message, ...rest);
    },
    fatal: (message: unknown, ...rest: unknown[]) => {
      (logger.fatal ?? logger.error).call(logger, message, ...rest);
    },
  };
}
