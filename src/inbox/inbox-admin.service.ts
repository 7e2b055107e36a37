import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainException, RecordNotFoundException } from '../common/domain.exception';
import { InboxEvent, type InboxStatus } from './inbox-event.entity';
import { InboxWorker } from './inbox-worker.service';

export const INBOX_STATUSES: InboxStatus[] = ['received', 'processed', 'rejected', 'ignored', 'failed'];
const PAGE_SIZE = 50;

/** The admins' view of the inbox: what arrived, what became of it, and a second try for what did not work. */
@Injectable()
export class InboxAdminService {
  constructor(
    @InjectRepository(InboxEvent) private readonly events: Repository<InboxEvent>,
    private readonly worker: InboxWorker,
  ) {}

  async counts(): Promise<Record<InboxStatus, number>> {
    const rows: { status: InboxStatus; count: string }[] = await this.events.createQueryBuilder('e').select('e.status', 'status').addSelect('COUNT(*)', 'count').groupBy('e.status').getRawMany();
    const counts = Object.fromEntries(INBOX_STATUSES.map((s) => [s, 0])) as Record<InboxStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.count);
    return counts;
  }

  /** One page of events, newest first; a page beyond the last shows the last one (`page` says which it showed). */
  async list(status: InboxStatus | undefined, requestedPage: number): Promise<{ events: InboxEvent[]; hasMore: boolean; page: number }> {
    const where = status ? { status } : {};
    const lastPage = Math.max(1, Math.ceil((await this.events.count({ where })) / PAGE_SIZE));
    const page = Math.min(Math.max(1, requestedPage), lastPage);
    const events = await this.events.find({ where, order: { id: 'DESC' }, skip: (page - 1) * PAGE_SIZE, take: PAGE_SIZE + 1 });
    return { events: events.slice(0, PAGE_SIZE), hasMore: events.length > PAGE_SIZE, page };
  }

  async get(id: number): Promise<InboxEvent> {
    const event = await this.events.findOneBy({ id });
    if (!event) throw new RecordNotFoundException('inbox.error.notFound');
    return event;
  }

  /**
   * Back to `received`, counted afresh, and a reply's parent looked for afresh (X may answer now);
   * the unique external ids make a second run harmless.
   */
  async retry(id: number): Promise<void> {
    const result = await this.events.update(
      { id, status: In(['failed', 'rejected', 'ignored']) },
      { status: 'received', attempts: 0, nextAttemptAt: '0', error: null, parentLookup: null, holdUntil: null, waitsFor: null },
    );
    if (!result.affected) throw new DomainException('inbox.error.notRetryable');
    this.worker.kick();
  }
}
