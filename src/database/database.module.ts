import { Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { RowTimesSubscriber } from './row-times.subscriber';
import { Transactions } from './transactions';

@Global()
@Module({ providers: [Transactions, Clock, RowTimesSubscriber], exports: [Transactions] })
export class DatabaseModule {}
