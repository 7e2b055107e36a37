import { Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request, Response } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { addFlash, redirectAfterSave } from '../common/flash';
import { INBOX_STATUSES, InboxAdminService } from './inbox-admin.service';

@Controller('admin/inbox')
export class InboxAdminController {
  constructor(private readonly inbox: InboxAdminService) {}

  @Get()
  @AdminOnly()
  @Render('pages/admin/inbox/list')
  async list(@Query('status') status?: unknown, @Query('page') page?: unknown) {
    const chosen = INBOX_STATUSES.find((s) => s === status);
    const { events, page: pageNumber, hasMore } = await this.inbox.list(chosen, page);
    const counts = await this.inbox.counts();
    return {
      title: 'inbox.title',
      status: chosen ?? '',
      tabs: INBOX_STATUSES.map((s) => ({ status: s, count: counts[s], current: s === chosen })),
      events,
      page: pageNumber,
      previousPage: pageNumber > 1 ? pageNumber - 1 : undefined,
      nextPage: hasMore ? pageNumber + 1 : undefined,
    };
  }

  @Get(':id')
  @AdminOnly()
  @Render('pages/admin/inbox/detail')
  async detail(@Param('id', RecordIdPipe) id: number) {
    const event = await this.inbox.get(id);
    return { title: 'inbox.detail', event, payload: prettyJson(event.payload), retryable: ['failed', 'rejected', 'ignored'].includes(event.status) };
  }

  @Post(':id/retry')
  @AdminOnly()
  async retry(@Param('id', RecordIdPipe) id: number, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.inbox.retry(id);
    addFlash(req, { type: 'success', key: 'inbox.flash.retried', params: { id } });
    await redirectAfterSave(req, res, `/admin/inbox/${id}`);
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
