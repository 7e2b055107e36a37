import { Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config';

const REQUEST_ID = /^[\w-]{1,100}$/;
/** Query parameters whose values never reach a log: OAuth tokens and verifiers, X's CRC token, passwords, CSRF tokens. */
const SENSITIVE_PARAMETER = /password|secret|token|verifier|signature|csrf/i;
export const REDACTED = '[Redacted]';

/**
 * A URL (or path with query) with the values of sensitive parameters replaced, so "Sign in with X"
 * callbacks, the CRC check and the redirect to X's authorize page leave no usable value in the
 * request log (docs/SECURITY.md, V7.1.1).
 */
export function redactUrl(url: unknown): unknown {
  if (typeof url !== 'string' || !url.includes('?')) return url;
  const hashAt = url.indexOf('#');
  const withoutHash = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const at = withoutHash.indexOf('?');
  const query = withoutHash
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq >= 0 ? pair.slice(0, eq) : pair;
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judge the name as it is.
      }
      return eq >= 0 && SENSITIVE_PARAMETER.test(name) ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
  return `${withoutHash.slice(0, at)}?${query}`;
}

function redactParameters(query: unknown): unknown {
  if (!query || typeof query !== 'object') return query;
  return Object.fromEntries(Object.entries(query as Record<string, unknown>).map(([name, value]) => [name, SENSITIVE_PARAMETER.test(name) ? REDACTED : value]));
}

/** pino-http settings of the app: request ids, and no secrets in what is logged. */
export function requestLogOptions(config: Pick<AppConfig, 'logLevel'>): Options {
  return {
    level: config.logLevel,
    // Keep a caller's request id (from a proxy) when it looks like one, else make one.
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
    serializers: {
      req: (req: Record<string, unknown> & { headers?: Record<string, unknown> }) => ({
        ...req,
        url: redactUrl(req.url),
        query: redactParameters(req.query),
        headers: req.headers && { ...req.headers, referer: redactUrl(req.headers.referer) },
      }),
      res: (res: Record<string, unknown> & { headers?: Record<string, unknown> }) => ({
        ...res,
        headers: res.headers && { ...res.headers, location: redactUrl(res.headers.location) },
      }),
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/healthz' },
  };
}

/** Where request logs go: stdout unless a test supplies a stream to read them from. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

@Module({ providers: [{ provide: LOG_DESTINATION, useValue: null }], exports: [LOG_DESTINATION] })
export class RequestLogModule {}

/** One line per entry: a request as `GET /tickets 200 12 ms`, anything else as its message and where it came from. */
const PRETTY = {
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,req,res,responseTime,context',
  messageFormat: '{if req.method}{req.method} {req.url} {res.statusCode} {responseTime} ms — {end}{msg}{if context} [{context}]{end}',
};

export function pinoHttpParams(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, destination: DestinationStream | null): Options | [Options, DestinationStream] {
  const options = requestLogOptions(config);
  if (destination) return [options, destination];
  // A person at a console reads one coloured line per entry; log collectors get JSON.
  if (config.logFormat === 'pretty') options.transport = { target: 'pino-pretty', options: PRETTY };
  return options;
}
