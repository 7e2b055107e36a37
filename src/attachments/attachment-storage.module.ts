import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { XModule } from '../channels/x/x.module';
import { Clock } from '../common/clock';
import { AttachmentStore } from './attachment-store.service';
import { Attachment } from './attachment.entity';
import { OutgoingMedia } from './outgoing-media.service';

/** Attachment rows and bytes, for the code that writes articles and sends them (TicketsModule). */
@Module({
  imports: [TypeOrmModule.forFeature([Attachment]), XModule],
  providers: [AttachmentStore, OutgoingMedia, Clock],
  exports: [AttachmentStore, OutgoingMedia],
})
export class AttachmentStorageModule {}
