import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { XModule } from '../channels/x/x.module';
import { Clock } from '../common/clock';
import { SocialMediaProfilesModule } from '../social-media-profiles/social-media-profiles.module';
import { TicketsModule } from '../tickets/tickets.module';
import { AttachmentStorageModule } from './attachment-storage.module';
import { Attachment } from './attachment.entity';
import { AttachmentsController } from './attachments.controller';
import { MediaFetcher } from './media-fetcher.service';

/** Media of articles (docs/SEARCH-AND-MEDIA.md): fetching customers' media from X, serving stored files to agents. */
@Module({
  imports: [TypeOrmModule.forFeature([Attachment]), AttachmentStorageModule, TicketsModule, SocialMediaProfilesModule, XModule],
  controllers: [AttachmentsController],
  providers: [MediaFetcher, Clock],
  exports: [MediaFetcher],
})
export class AttachmentsModule {}
