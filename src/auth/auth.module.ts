import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from '../common/clock';
import { AgentsModule } from '../agents/agents.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginThrottleCounter } from './login-throttle.entity';
import { LoginThrottleService } from './login-throttle.service';
import { OwnPasswordService } from './own-password.service';
import { SessionAuthGuard } from './session-auth.guard';

@Module({
  imports: [TypeOrmModule.forFeature([LoginThrottleCounter]), AgentsModule],
  controllers: [AuthController],
  providers: [AuthService, LoginThrottleService, OwnPasswordService, Clock, { provide: APP_GUARD, useClass: SessionAuthGuard }],
  exports: [OwnPasswordService],
})
export class AuthModule {}
