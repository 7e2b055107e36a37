import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, Not, Repository } from 'typeorm';
import { InboxEvent } from './inbox-event.entity';
import { PollCursor } from './poll-cursor.entity';

export interface LastInboxEvent {
  at: Date;
  source: 'webhook' | 'poll';
}

const RECEIVED_BY: LastInboxEvent['source'][] = ['webhook', 'poll'];

/** What the inbox knows about each profile's receiving, for the channel health screens. */
@Injectable()
export class InboxHealthService {
  constructor(
    @InjectRepository(InboxEvent) private readonly events: Repository<InboxEvent>,
    @InjectRepository(PollCursor) private readonly cursors: Repository<PollCursor>,
  ) {}

  /**
   * The newest message X brought each profile ("Last message received"), and whether a webhook or
   * a poll brought it. Tweets the inbox fetched itself (a reply's parent, source `fetch`) say
   * nothing about receiving, and ignored events are no message to the desk: the echoes of our own
   * sends, retweets, tweets that route nowhere.
   */
  async lastEvents(profileIds: number[]): Promise<Map<number, LastInboxEvent>> {
    const found = await Promise.all(
      profileIds.map((profileId) =>
        this.events.findOne({ where: { profileId, source: In(RECEIVED_BY), status: Not('ignored') }, order: { receivedAt: 'DESC', id: 'DESC' }, select: { id: true, source: true, receivedAt: true } }),
      ),
    );
    return new Map(found.flatMap((event, index) => (event ? [[profileIds[index], { at: new Date(event.receivedAt), source: event.source as LastInboxEvent['source'] }]] : [])));
  }

  /** Events that could not be processed, received after `since` (epoch ms), per profile. */
  async failedSince(profileIds: number[], since: number): Promise<Map<number, number>> {
    if (profileIds.length === 0) return new Map();
    const rows: Array<{ profileId: number; failed: string | number }> = await this.events
      .createQueryBuilder('e')
      .select('e.profile_id', 'profileId')
      .addSelect('COUNT(*)', 'failed')
      .where({ profileId: In(profileIds), status: 'failed', receivedAt: MoreThan(since) })
      .groupBy('e.profile_id')
      .getRawMany();
    return new Map(rows.map((row) => [Number(row.profileId), Number(row.failed)]));
  }

  /** Every polled stream of these profiles with the outcome of its last poll. */
  pollStates(profileIds: number[]): Promise<PollCursor[]> {
    return profileIds.length === 0 ? Promise.resolve([]) : this.cursors.find({ where: { profileId: In(profileIds) }, order: { stream: 'ASC' } });
  }
}
