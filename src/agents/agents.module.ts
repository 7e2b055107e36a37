import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordHasher } from './password-hasher';
import { SessionStoreModule } from '../common/session-store.module';
import { AdminSeedService } from './admin-seed.service';
import { AgentSessionsService } from './agent-sessions.service';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { Group } from './group.entity';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';
import { GroupMembership } from './group-membership.entity';
import { Agent } from './agent.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Agent, Group, GroupMembership]), SessionStoreModule],
  controllers: [AgentsController, GroupsController],
  providers: [AgentsService, AgentSessionsService, GroupsService, PasswordHasher, AdminSeedService],
  exports: [AgentsService, AgentSessionsService, GroupsService, PasswordHasher],
})
export class AgentsModule {}
