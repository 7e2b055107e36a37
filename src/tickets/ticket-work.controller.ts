import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { AgentOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { RecordIdPipe } from '../common/record-id.pipe';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
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
  @RedirectAfterSave()
  backToZoom(@Param('id', RecordIdPipe) id: number): AfterSave {
    return { redirect: ticketPath(id) };
  }

  @Post(':id/lock')
  @AgentOnly()
  @RedirectAfterSave()
  async lock(@Param('id', RecordIdPipe) id: number, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    await this.locks.lock(agent, id);
    return { redirect: ticketPath(id), flash: { type: 'success', key: 'tickets.flash.locked' } };
  }

  @Post(':id/unlock')
  @AgentOnly()
  @RedirectAfterSave()
  async unlock(@Param('id', RecordIdPipe) id: number, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    await this.locks.unlock(agent, id);
    return { redirect: ticketPath(id), flash: { type: 'success', key: 'tickets.flash.unlocked' } };
  }

  @Post(':id/state')
  @AgentOnly()
  @RedirectAfterSave()
  async state(@Param('id', RecordIdPipe) id: number, @Body() form: StateChangeDto, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    await this.states.setState(agent, id, form);
    return { redirect: ticketPath(id), flash: { type: 'success', key: 'tickets.flash.stateSet' } };
  }

  @Post(':id/move')
  @AgentOnly()
  @RedirectAfterSave()
  async move(@Param('id', RecordIdPipe) id: number, @Body() form: MoveDto, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    const queue = await this.moves.move(agent, id, form.queueId);
    return { redirect: ticketPath(id), flash: { type: 'success', key: 'ticketMove.flash.moved', params: { queue: queue.name } } };
  }
}
