import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { InboxEvent, type InboxFormat } from './inbox-event.entity';

export interface NewInboxItem {
  format: InboxFormat;
  dedupeKey: string;
  payload: unknown;
}

/** Writes received messages into the inbox; a second delivery of the same message is a no-op. */
@Injectable()
export class InboxStore {
  constructor(@InjectRepository(InboxEvent) private readonly events: Repository<InboxEvent>) {}

  /** Stores what is new in one statement (the unique key drops what is already there). */
  async store(profileId: number, source: 'webhook' | 'poll', items: NewInboxItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.events
      .createQueryBuilder()
      .insert()
      .into(InboxEvent)
      .values(items.map((item) => ({ profileId, source, format: item.format, dedupeKey: item.dedupeKey, payload: JSON.stringify(item.payload), status: 'received' as const, nextAttemptAt: '0' })))
      .orIgnore()
      .execute();
  }
}
