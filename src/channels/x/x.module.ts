import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { XApiClient } from './x-api-client';

/** The one X client of the app, pointed at X_API_BASE_URL (the fake X API in tests). */
@Module({
  providers: [
    {
      provide: XApiClient,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new XApiClient({ baseUrl: config.xApiBaseUrl, timeoutMs: config.xApiTimeoutMs }),
    },
  ],
  exports: [XApiClient],
})
export class XModule {}
