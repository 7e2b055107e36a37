import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from '../common/clock';
import { XModule } from '../channels/x/x.module';
import { SocialMediaProfilesModule } from '../social-media-profiles/social-media-profiles.module';
import { TicketsModule } from '../tickets/tickets.module';
import { InboxAdminController } from './inbox-admin.controller';
import { InboxAdminService } from './inbox-admin.service';
import { InboxEvent } from './inbox-event.entity';
import { InboxHealthService } from './inbox-health.service';
import { InboxProcessor } from './inbox-processor';
import { InboxStore } from './inbox-store.service';
import { InboxWorker } from './inbox-worker.service';
import { PollCursor } from './poll-cursor.entity';
import { Poller } from './poller.service';
import { ProfileDirectory } from './profile-directory.service';
import { TweetParents } from './tweet-parents.service';
import { WebhookController } from './webhook.controller';

@Module({
  imports: [TypeOrmModule.forFeature([InboxEvent, PollCursor]), SocialMediaProfilesModule, TicketsModule, XModule],
  controllers: [WebhookController, InboxAdminController],
  providers: [InboxStore, InboxWorker, InboxProcessor, TweetParents, ProfileDirectory, InboxAdminService, InboxHealthService, Poller, Clock],
  exports: [InboxStore, InboxWorker, ProfileDirectory, Poller, InboxHealthService],
})
export class InboxModule {}
