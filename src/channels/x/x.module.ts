import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { XAccountActivityClient } from './x-account-activity-client';
import { XApiClient } from './x-api-client';

/** The X clients of the app, pointed at X_API_BASE_URL (the fake X API in tests). */
@Module({
  providers: [
    {
      provide: XApiClient,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new XApiClient({ baseUrl: config.xApiBaseUrl, timeoutMs: config.xApiTimeoutMs }),
    },
    {
      provide: XAccountActivityClient,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new XAccountActivityClient({ baseUrl: config.xApiBaseUrl, timeoutMs: config.xApiTimeoutMs }),
    },
  ],
  exports: [XApiClient, XAccountActivityClient],
})
export class XModule {}
