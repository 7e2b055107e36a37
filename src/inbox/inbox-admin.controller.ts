import { Controller, Get, Param, Post, Query, Render } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import { AdminOnly } from '../auth/access.decorators';
import { listQuery, listView } from '../common/list-query';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { INBOX_STATUSES, InboxAdminService } from './inbox-admin.service';
import { readInboxNote } from './inbox-notes';

@Controller('admin/inbox')
export class InboxAdminController {
  constructor(private readonly inbox: InboxAdminService) {}

  @Get()
  @AdminOnly()
  @Render('pages/admin/inbox/list')
  async list(@Query('status') status?: unknown, @Query('filter') filter?: unknown, @Query('page') page?: unknown) {
    const chosen = INBOX_STATUSES.find((s) => s === status);
    const query = listQuery(filter, page);
    const [found, counts] = await Promise.all([this.inbox.list(chosen, query), this.inbox.counts()]);
    const events = { ...found, rows: found.rows.map((event) => ({ ...event, note: readInboxNote(event.error) })) };
    return {
      title: 'inbox.title',
      nav: 'inbox',
      status: chosen ?? '',
      tabs: INBOX_STATUSES.map((s) => ({
        status: s,
        count: counts[s],
        current: s === chosen,
        url: `/admin/inbox?${new URLSearchParams({ status: s, ...(query.filter ? { filter: query.filter } : {}) })}`,
      })),
      allUrl: query.filter ? `/admin/inbox?${new URLSearchParams({ filter: query.filter })}` : '/admin/inbox',
      ...listView('/admin/inbox', query, events, { status: chosen }),
    };
  }

  @Get(':id')
  @AdminOnly()
  @Render('pages/admin/inbox/detail')
  async detail(@Param('id', RecordIdPipe) id: number) {
    const event = await this.inbox.get(id);
    return { title: 'inbox.detail', event, note: readInboxNote(event.error), payload: prettyJson(event.payload), retryable: ['failed', 'rejected', 'ignored'].includes(event.status) };
  }

  @Post(':id/retry')
  @AdminOnly()
  @RedirectAfterSave()
  async retry(@Param('id', RecordIdPipe) id: number): Promise<AfterSave> {
    await this.inbox.retry(id);
    return { redirect: `/admin/inbox/${id}`, flash: { type: 'success', key: 'inbox.flash.retried', params: { id } } };
  }
}

/** Indented for reading; a payload that is not JSON (the reason it failed, perhaps) is shown as it is. */
function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
