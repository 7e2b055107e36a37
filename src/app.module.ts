import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { AclModule } from './acl/acl.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { AdminOverviewController } from './admin/admin-overview.controller';
import { AuthModule } from './auth/auth.module';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { buildDataSourceOptions } from './database/data-source-options';
import { WorkSignalModule } from './common/work-signal.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { InboxModule } from './inbox/inbox.module';
import { DashboardController } from './preferences/dashboard.controller';
import { PreferencesController } from './preferences/preferences.controller';
import { QueuesModule } from './queues/queues.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { SearchModule } from './search/search.module';
import { SocialMediaProfilesModule } from './social-media-profiles/social-media-profiles.module';
import { TicketsModule } from './tickets/tickets.module';
import { UsersModule } from './users/users.module';

const REQUEST_ID = /^[\w-]{1,100}$/;

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          // Keep a caller's request id (from a proxy) when it looks like one, else make one.
          genReqId: (req, res) => {
            const given = req.headers['x-request-id'];
            const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
            res.setHeader('x-request-id', id);
            return id;
          },
          redact: ['req.headers.cookie', 'res.headers["set-cookie"]'],
          autoLogging: { ignore: (req) => req.url === '/healthz' },
        },
      }),
    }),
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => buildDataSourceOptions(config),
    }),
    SchedulingModule,
    UsersModule,
    AuthModule,
    QueuesModule,
    AclModule,
    SocialMediaProfilesModule,
    WorkSignalModule,
    DatabaseModule,
    InboxModule,
    TicketsModule,
    SearchModule,
    AttachmentsModule,
  ],
  controllers: [AdminOverviewController, DashboardController, PreferencesController, HealthController],
})
export class AppModule {}
