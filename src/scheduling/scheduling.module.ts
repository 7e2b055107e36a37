import { Global, Module } from '@nestjs/common';
import { Scheduler } from './scheduler';

/** The app-wide Scheduler: every feature declares its recurring jobs with it. */
@Global()
@Module({ providers: [Scheduler], exports: [Scheduler] })
export class SchedulingModule {}
