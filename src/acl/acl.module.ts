import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from '../common/clock';
import { QueuesModule } from '../queues/queues.module';
import { SocialMediaProfilesModule } from '../social-media-profiles/social-media-profiles.module';
import { AgentsModule } from '../agents/agents.module';
import { AclDeployment } from './acl-deployment.entity';
import { AclFilterService } from './acl-filter.service';
import { AclSimulatorService } from './acl-simulator.service';
import { AclStoreService } from './acl-store.service';
import { AclController } from './acl.controller';
import { StoredAcl } from './acl.entity';
import { WorkPacer } from './work-pacer';

/** OTRS/Znuny ticket ACLs: drafts, import/export, deploy, and the filter other features call. */
@Module({
  imports: [TypeOrmModule.forFeature([StoredAcl, AclDeployment]), AgentsModule, QueuesModule, SocialMediaProfilesModule],
  controllers: [AclController],
  providers: [AclStoreService, AclFilterService, AclSimulatorService, Clock, WorkPacer],
  exports: [AclFilterService, AclStoreService],
})
export class AclModule {}
