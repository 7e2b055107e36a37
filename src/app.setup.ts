import type { NestExpressApplication } from '@nestjs/platform-express';
import { raw, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { engine } from 'express-handlebars';
import session from 'express-session';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { csrfSynchronisedProtection } from './common/csrf';
import { HtmlExceptionFilter } from './common/html-exception.filter';
import { NulCharacterPipe } from './common/nul-character.pipe';
import { requestLocals } from './common/request-locals';
import { TypeormSessionStore } from './common/typeorm-session.store';
import { createFormValidationPipe } from './common/validation-pipe';
import { viewHelpers } from './common/view-helpers';
import { WEBHOOK_PATH } from './inbox/webhook.controller';
import { Scheduler } from './scheduling/scheduler';
import { SharedKeysService } from './keys/shared-keys.service';
import { quietStartup } from './common/quiet-startup-logger';

const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;
/** While the server closes, how often connections that became idle are closed. */
const CLOSING_SWEEP_MS = 50;
const PRUNE_EVERY_MS = 15 * 60 * 1000;

/** The whole HTTP pipeline; main.ts and the tests both call it, so tests run what production runs. */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.useLogger(quietStartup(app.get(Logger)));
  if (config.trustProxy) app.set('trust proxy', 1);
  keepConnectionsOpen(app.getHttpServer(), config.keepAliveTimeoutMs);

  // views/ and public/ sit beside src/, whether running from src/ (ts) or dist/src/ (built).
  const root = process.cwd();
  const viewsDir = resolve(root, 'views');
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: join(viewsDir, 'layouts'),
      partialsDir: join(viewsDir, 'partials'),
      helpers: viewHelpers,
      // Handlebars indents every line of a partial called on an indented line, textarea contents
      // included: a saved multi-line text would grow spaces on every round trip.
      compilerOptions: { preventIndent: true },
    }),
  );
  app.setViewEngine('hbs');
  app.setBaseViewsDir(viewsDir);
  // Compiled templates are kept except in development (Express keeps them only in production by
  // default; tests and benchmarks should measure what production does).
  app.set('view cache', config.nodeEnv !== 'development');

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // "Sign in with X" posts here and is redirected on to X's authorize page.
          formAction: ["'self'", new URL(config.xApiBaseUrl).origin],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
          ...(config.trustProxy ? { upgradeInsecureRequests: [] } : {}),
        },
      },
    }),
  );
  app.useStaticAssets(resolve(root, 'public'), { prefix: '/public/', maxAge: config.nodeEnv === 'production' ? '1d' : 0 });
  // Pages link /public/favicon.svg; browsers still ask for /favicon.ico where nothing links an icon
  // (a downloaded YAML file, /healthz), which would otherwise be a 404 in every log.
  const favicon = resolve(root, 'public', 'favicon.ico');
  app.use('/favicon.ico', (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    res.sendFile(favicon, { maxAge: config.nodeEnv === 'production' ? '1d' : 0 });
  });
  // Everything past the static files is a page or an answer about this desk: kept by no browser and
  // no proxy, so Back after logout cannot show a ticket again (docs/SECURITY.md, V8.2.1).
  const noStore: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  app.use(noStore);

  // X's webhook: the signature covers the exact bytes, so that route gets its raw body (up to 1 MiB),
  // and neither a session nor a CSRF token (X signs its requests instead).
  app.use(WEBHOOK_PATH, raw({ type: () => true, limit: '1mb' }));
  const unlessWebhook =
    (middleware: RequestHandler): RequestHandler =>
    (req, res, next) =>
      req.path.startsWith(`${WEBHOOK_PATH}/`) ? next() : middleware(req, res, next);

  // Before session and CSRF: Nest would otherwise add its body parser after them (docs/ARCHITECTURE.md, "One web request").
  app.useBodyParser('urlencoded', { extended: true, limit: '100kb' });
  // Uploads (multipart) are not parsed here: the ACL import and a ticket reply with an image read
  // their bodies only after the CSRF and access checks, in their own handlers (src/acl/acl-upload.ts,
  // src/attachments/reply-upload.ts).

  const store = app.get(TypeormSessionStore);
  app.get(Scheduler).every('session-pruner', PRUNE_EVERY_MS, () => store.prune());
  // The signing secret is settled when the app initialises (SharedKeysService), after this runs:
  // the middleware is made at the first request.
  const keys = app.get(SharedKeysService);
  let sessions: RequestHandler | undefined;
  app.use(
    unlessWebhook((req, res, next) => {
      sessions ??= session({
        name: 'sid',
        secret: keys.sessionSecret(),
        store,
        resave: false,
        saveUninitialized: false,
        rolling: true,
        cookie: { httpOnly: true, sameSite: 'lax', secure: config.trustProxy ? 'auto' : false, maxAge: SESSION_MAX_AGE_MS },
      });
      sessions(req, res, next);
    }),
  );
  app.use(unlessWebhook(csrfSynchronisedProtection));
  app.use(requestLocals);

  // NUL characters first, so no form can carry one into PostgreSQL (src/common/nul-character.pipe.ts).
  app.useGlobalPipes(new NulCharacterPipe(), createFormValidationPipe());
  app.useGlobalFilters(new HtmlExceptionFilter());
}

/**
 * Idle kept-alive connections stay open for `keepAliveTimeoutMs` (Node's default is 5 s), longer
 * than the proxy in front keeps its own: whichever side closes an idle connection may meet a
 * request the other just sent on it, and that request is reset (X, or the agent, sees an error).
 * With the proxy closing first, it never sends on a connection the app is closing.
 */
function keepConnectionsOpen(server: Server, keepAliveTimeoutMs: number): void {
  server.keepAliveTimeout = keepAliveTimeoutMs;
  // Closing (app.close(), a SIGTERM): Node closes the connections idle at that moment, but one
  // whose request is still being answered is kept alive after it and would hold the close for the
  // whole timeout. So while the server closes, each connection is closed as soon as it is idle.
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    if (server.listening) {
      // Unref'd: the connections keep the process alive while there are any, never this timer.
      const sweep = setInterval(() => server.closeIdleConnections(), CLOSING_SWEEP_MS).unref();
      server.once('close', () => clearInterval(sweep));
    }
    return close(callback);
  };
}
