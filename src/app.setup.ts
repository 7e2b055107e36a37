import type { NestExpressApplication } from '@nestjs/platform-express';
import { raw, type RequestHandler } from 'express';
import { engine } from 'express-handlebars';
import session from 'express-session';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ACL_IMPORT_PATH, aclImportUpload } from './acl/acl-upload';
import { replyUpload } from './attachments/reply-upload';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { csrfSynchronisedProtection } from './common/csrf';
import { HtmlExceptionFilter } from './common/html-exception.filter';
import { HttpSession } from './common/http-session.entity';
import { requestLocals } from './common/request-locals';
import { TypeormSessionStore } from './common/typeorm-session.store';
import { createFormValidationPipe } from './common/validation-pipe';
import { viewHelpers } from './common/view-helpers';
import { WEBHOOK_PATH } from './inbox/webhook.controller';
import { Scheduler } from './scheduling/scheduler';

const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 15 * 60 * 1000;

/** The whole HTTP pipeline; main.ts and the tests both call it, so tests run what production runs. */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.useLogger(app.get(Logger));
  if (config.trustProxy) app.set('trust proxy', 1);

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

  // X's webhook: the signature covers the exact bytes, so that route gets its raw body (up to 1 MiB),
  // and neither a session nor a CSRF token (X signs its requests instead).
  app.use(WEBHOOK_PATH, raw({ type: () => true, limit: '1mb' }));
  const unlessWebhook = (middleware: RequestHandler): RequestHandler => (req, res, next) =>
    req.path.startsWith(`${WEBHOOK_PATH}/`) ? next() : middleware(req, res, next);

  // Before session and CSRF: Nest would otherwise add its body parser after them (STACK.md §3.3).
  app.useBodyParser('urlencoded', { extended: true, limit: '100kb' });
  // The ACL import form may upload a file (multipart, at most 1 MiB): parsed here, before CSRF reads its _csrf field.
  app.use(ACL_IMPORT_PATH, aclImportUpload());
  // A ticket reply may carry one image (multipart), parsed before CSRF the same way.
  app.use(replyUpload());

  const store = new TypeormSessionStore(app.get(DataSource).getRepository(HttpSession));
  app.get(Scheduler).every('session-pruner', PRUNE_EVERY_MS, () => store.prune());
  app.use(
    unlessWebhook(session({
      name: 'sid',
      secret: config.sessionSecret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.trustProxy ? 'auto' : false, maxAge: SESSION_MAX_AGE_MS },
    })),
  );
  app.use(unlessWebhook(csrfSynchronisedProtection));
  app.use(requestLocals);

  app.useGlobalPipes(createFormValidationPipe());
  app.useGlobalFilters(new HtmlExceptionFilter());
}
