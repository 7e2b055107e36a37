import { Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { InboxModule } from '../inbox/inbox.module';
import { ChannelHealthReader } from '../social-media-profiles/channel-health';
import { SocialMediaProfilesModule } from '../social-media-profiles/social-media-profiles.module';
import { TicketsModule } from '../tickets/tickets.module';
import { ChannelHealthService } from './channel-health.service';

/**
 * Channel health for the profile pages and the admin overview. Global, so the profile pages (a
 * module this one builds on) can ask for ChannelHealthReader without a circular import.
 */
@Global()
@Module({
  imports: [SocialMediaProfilesModule, InboxModule, TicketsModule],
  providers: [ChannelHealthService, Clock, { provide: ChannelHealthReader, useExisting: ChannelHealthService }],
  exports: [ChannelHealthReader],
})
export class ChannelHealthModule {}
