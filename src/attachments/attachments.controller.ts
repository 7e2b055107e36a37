import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AgentOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { RecordNotFoundException } from '../common/domain.exception';
import { RecordIdPipe } from '../common/record-id.pipe';
import { TicketsService } from '../tickets/tickets.service';
import { AttachmentStore } from './attachment-store.service';
import { kindOf } from './media-rules';

/**
 * An article's stored file, to agents who may read its ticket (else 404, as for the ticket). Sent
 * with its checked type, `nosniff`, a CSP that forbids everything (a file is never a page), and a
 * Content-Disposition: images inline (the thumbnails), videos as downloads.
 */
@Controller('tickets/:ticketId/attachments')
export class AttachmentsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly store: AttachmentStore,
  ) {}

  @Get([':attachmentId', ':attachmentId/:fileName'])
  @AgentOnly()
  async file(@Param('ticketId', RecordIdPipe) ticketId: number, @Param('attachmentId', RecordIdPipe) id: number, @ActingAgent() agent: CurrentAgent, @Res() res: Response): Promise<void> {
    await this.tickets.findForAgent(agent, ticketId, 'read');
    const found = await this.store.content(ticketId, id);
    if (!found) throw new RecordNotFoundException('error.notFound');
    const { attachment, bytes } = found;
    const type = attachment.contentType ?? 'application/octet-stream';
    const disposition = kindOf(type) === 'image' ? 'inline' : 'attachment';
    res.set({
      'Content-Type': type,
      'Content-Length': String(bytes.length),
      'Content-Disposition': `${disposition}; filename="${attachment.fileName.replace(/[^\w.-]/g, '_')}"`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, max-age=86400',
    });
    res.end(bytes);
  }
}
