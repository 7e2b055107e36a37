import { Body, Controller, Get, Param, Post, Query, Render, Req, UseInterceptors } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request } from 'express';
import { AgentOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { ReplyUploadInterceptor, replyImageOf } from '../attachments/reply-upload';
import type { FlashMessage } from '../common/flash';
import { RejectedForm, type FormState } from '../common/form-state';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { NewTicketDto } from './dto/new-ticket.dto';
import { ArticleTextDto, OwnerDto } from './dto/ticket-action.dto';
import { TicketActionsService } from './ticket-actions.service';
import { TicketZoomPage } from './ticket-zoom-page.service';
import { TicketsService, type TicketListQuery } from './tickets.service';

const ticketPath = (id: number) => `/tickets/${id}`;

/**
 * A rejected reply or note is remembered under the path it was posted to; the zoom shows it again.
 * (RejectedForm reads only the current path; the zoom has two forms of its own.)
 */
function takeRejected(req: Request, path: string): FormState | undefined {
  const state = req.session?.forms?.[path];
  if (state) delete req.session.forms![path];
  return state;
}

/** The agent's ticket screens: queue view, zoom with its actions, new outgoing ticket. */
@Controller('tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly actions: TicketActionsService,
    private readonly zoomPage: TicketZoomPage,
  ) {}

  @Get()
  @AgentOnly()
  @Render('pages/tickets/list')
  async list(@ActingAgent() agent: CurrentAgent, @Query() query: TicketListQuery) {
    return { title: 'tickets.title', nav: 'tickets', ...(await this.tickets.queueView(agent, query)) };
  }

  @Get('new')
  @AgentOnly()
  @Render('pages/tickets/new')
  async newForm(@ActingAgent() agent: CurrentAgent, @RejectedForm() rejected?: FormState) {
    return { title: 'tickets.new.title', nav: 'tickets', ...(await this.tickets.newTicketForm(agent, rejected)) };
  }

  @Post('new')
  @AgentOnly()
  @RedirectAfterSave()
  async create(@Body() form: NewTicketDto, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    const ticket = await this.actions.createOutgoing(agent, form);
    return { redirect: ticketPath(ticket.id), flash: { type: 'success', key: 'tickets.flash.created', params: { number: ticket.number ?? String(ticket.id) } } };
  }

  @Get(':id')
  @AgentOnly()
  @Render('pages/tickets/zoom')
  async zoom(@Param('id', RecordIdPipe) id: number, @ActingAgent() agent: CurrentAgent, @Req() req: Request) {
    const rejected = Object.fromEntries((['reply', 'note', 'state', 'move'] as const).map((form) => [form, takeRejected(req, `${ticketPath(id)}/${form}`)]));
    return { title: 'tickets.zoom.title', nav: 'tickets', ...(await this.zoomPage.render(agent, id, rejected)) };
  }

  /** Where a rejected form of the zoom lands (post-redirect-get): back to the zoom, which shows it. */
  @Get([':id/reply', ':id/note', ':id/lock', ':id/unlock', ':id/owner', ':id/state'])
  @AgentOnly()
  @RedirectAfterSave()
  backToZoom(@Param('id', RecordIdPipe) id: number): AfterSave {
    return { redirect: ticketPath(id) };
  }

  /** The same for a refused resend, back at its article; an article id no article can have is a 404 here too. */
  @Get(':id/articles/:articleId/resend')
  @AgentOnly()
  @RedirectAfterSave()
  backToZoomFromResend(@Param('id', RecordIdPipe) id: number, @Param('articleId', RecordIdPipe) articleId: number): AfterSave {
    return { redirect: `${ticketPath(id)}#article-${articleId}` };
  }

  /** Guarded first (agent, CSRF from the URL), then the multipart body is read (ReplyUploadInterceptor). */
  @Post(':id/reply')
  @AgentOnly()
  @UseInterceptors(ReplyUploadInterceptor)
  @RedirectAfterSave()
  async reply(@Param('id', RecordIdPipe) id: number, @Body() form: ArticleTextDto, @ActingAgent() agent: CurrentAgent, @Req() req: Request): Promise<AfterSave> {
    const { article, answersLandIn } = await this.actions.reply(agent, id, { ...form, image: () => replyImageOf(req) });
    const key = article.deliveryStatus === 'sent' ? 'tickets.flash.replySent' : article.deliveryStatus === 'failed' ? 'tickets.flash.replyFailed' : 'tickets.flash.replyQueued';
    const flash: FlashMessage[] = [{ type: article.deliveryStatus === 'failed' ? 'error' : 'success', key }];
    if (answersLandIn) flash.push({ type: 'info', key: 'compose.flash.answersLandIn', params: { number: answersLandIn.number } });
    return { redirect: `${ticketPath(id)}#article-${article.id}`, flash };
  }

  @Post(':id/note')
  @AgentOnly()
  @RedirectAfterSave()
  async note(@Param('id', RecordIdPipe) id: number, @Body() form: ArticleTextDto, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    const article = await this.actions.note(agent, id, form);
    return { redirect: `${ticketPath(id)}#article-${article.id}`, flash: { type: 'success', key: 'tickets.flash.noteAdded' } };
  }

  @Post(':id/owner')
  @AgentOnly()
  @RedirectAfterSave()
  async owner(@Param('id', RecordIdPipe) id: number, @Body() form: OwnerDto, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    await this.actions.setOwner(agent, id, form.ownerId);
    return { redirect: ticketPath(id), flash: { type: 'success', key: 'tickets.flash.ownerSet' } };
  }

  @Post(':id/articles/:articleId/resend')
  @AgentOnly()
  @RedirectAfterSave()
  async resend(@Param('id', RecordIdPipe) id: number, @Param('articleId', RecordIdPipe) articleId: number, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    await this.actions.resend(agent, id, articleId);
    return { redirect: `${ticketPath(id)}#article-${articleId}`, flash: { type: 'success', key: 'tickets.flash.resent' } };
  }
}
