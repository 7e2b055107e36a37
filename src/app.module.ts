import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AclModule } from './acl/acl.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { AdminOverviewController } from './admin/admin-overview.controller';
import { AuthModule } from './auth/auth.module';
import { ChannelHealthModule } from './channel-health/channel-health.module';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { buildDataSourceOptions } from './database/data-source-options';
import { LOG_DESTINATION, pinoHttpParams, RequestLogModule } from './common/request-log';
import { WorkSignalModule } from './common/work-signal.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { InboxModule } from './inbox/inbox.module';
import { KeysModule } from './keys/keys.module';
import { DashboardController } from './preferences/dashboard.controller';
import { PreferencesController } from './preferences/preferences.controller';
import { QueuesModule } from './queues/queues.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { SearchModule } from './search/search.module';
import { SocialMediaProfilesModule } from './social-media-profiles/social-media-profiles.module';
import { TicketsModule } from './tickets/tickets.module';
import { AgentsModule } from './agents/agents.module';

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      imports: [RequestLogModule],
      inject: [APP_CONFIG, LOG_DESTINATION],
      useFactory: (config: AppConfig, destination: DestinationStream | null) => ({ pinoHttp: pinoHttpParams(config, destination) }),
    }),
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => buildDataSourceOptions(config),
    }),
    SchedulingModule,
    KeysModule,
    AgentsModule,
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
    ChannelHealthModule,
  ],
  controllers: [AdminOverviewController, DashboardController, PreferencesController, HealthController],
})
export class AppModule {}
