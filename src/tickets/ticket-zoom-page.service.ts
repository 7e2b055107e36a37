import { Injectable } from '@nestjs/common';
import type { CurrentAgent } from '../auth/current-agent';
import type { FormState } from '../common/form-state';
import { nextStateField } from './reply-next-state';
import { TicketZoomPanelsService } from './ticket-zoom-panels.service';
import { hiddenActionKeys, TicketsService } from './tickets.service';
import { ZoomCompose } from './zoom-compose.service';

/** Forms of the zoom that came back rejected, shown again with their messages. */
export interface RejectedZoomForms {
  reply?: FormState;
  note?: FormState;
  state?: FormState;
  move?: FormState;
}

/**
 * The whole ticket zoom for one request: the ticket is read once, and what the ACLs leave the
 * agent on it is asked once (TicketAclService.forTicket) and shared by the articles and compose
 * forms (TicketsService.zoom, ZoomCompose) and the workspace panels (TicketZoomPanelsService).
 */
@Injectable()
export class TicketZoomPage {
  constructor(
    private readonly tickets: TicketsService,
    private readonly compose: ZoomCompose,
    private readonly panels: TicketZoomPanelsService,
  ) {}

  async render(agent: CurrentAgent, id: number, rejected: RejectedZoomForms) {
    const loaded = await this.tickets.loadForZoom(agent, id);
    const view = await this.tickets.zoom(agent, loaded, { reply: rejected.reply, note: rejected.note });
    const workspace = await this.panels.panels(agent, loaded, { state: rejected.state, move: rejected.move });
    return {
      ...view,
      // Hidden actions and those whose form is gone because the ACLs removed every option.
      aclHidden: hiddenActionKeys([...view.aclHidden, ...workspace.aclEmptied]),
      compose: {
        ...(await this.compose.forZoom(view, rejected.reply)),
        nextState: view.reply.show ? nextStateField(agent, loaded.ticket, loaded.access, rejected.reply) : null,
      },
      workspace,
    };
  }
}
