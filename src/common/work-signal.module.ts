import { Global, Module } from '@nestjs/common';
import { OutgoingWorkSignal } from './work-signal';

/** One signal for the whole app, so the side that notifies and the side that listens share it. */
@Global()
@Module({ providers: [OutgoingWorkSignal], exports: [OutgoingWorkSignal] })
export class WorkSignalModule {}
