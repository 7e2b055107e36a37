import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AgentOnly } from '../auth/access.decorators';
import { Agent, type CurrentAgent } from '../auth/current-agent';
import { addFlash, redirectAfterSave } from '../common/flash';
import { RecordIdPipe } from '../common/record-id.pipe';
import { MoveDto, StateChangeDto } from './dto/ticket-work.dto';
import { TicketLockService } from './ticket-lock.service';
import { TicketMoveService } from './ticket-move.service';
import { TicketStateService } from './ticket-state.service';

const ticketPath = (id: number) => `/tickets/${id}`;

/** The zoom's work on a ticket besides writing: lock, unlock, state with pending time, move (docs/AGENT-WORKSPACE.md). */
@Controller('tickets')
export class TicketWorkController {
  constructor(
    private readonly locks: TicketLockService,
    private readonly states: TicketStateService,
    private readonly moves: TicketMoveService,
  ) {}

  /** Where a rejected move form lands (post-redirect-get): back to the zoom, which shows it. */
  @Get(':id/move')
  @AgentOnly()
  backToZoom(@Param('id', RecordIdPipe) id: number, @Res() res: Response): void {
    res.redirect(303, ticketPath(id));
  }

  @Post(':id/lock')
  @AgentOnly()
  async lock(@Param('id', RecordIdPipe) id: number, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.locks.lock(agent, id);
    addFlash(req, { type: 'success', key: 'tickets.flash.locked' });
    await redirectAfterSave(req, res, ticketPath(id));
  }

  @Post(':id/unlock')
  @AgentOnly()
  async unlock(@Param('id', RecordIdPipe) id: number, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.locks.unlock(agent, id);
    addFlash(req, { type: 'success', key: 'tickets.flash.unlocked' });
    await redirectAfterSave(req, res, ticketPath(id));
  }

  @Post(':id/state')
  @AgentOnly()
  async state(@Param('id', RecordIdPipe) id: number, @Body() form: StateChangeDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.states.setState(agent, id, form);
    addFlash(req, { type: 'success', key: 'tickets.flash.stateSet' });
    await redirectAfterSave(req, res, ticketPath(id));
  }

  @Post(':id/move')
  @AgentOnly()
  async move(@Param('id', RecordIdPipe) id: number, @Body() form: MoveDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    const queue = await this.moves.move(agent, id, form.queueId);
    addFlash(req, { type: 'success', key: 'ticketMove.flash.moved', params: { queue: queue.name } });
    await redirectAfterSave(req, res, ticketPath(id));
  }
}
