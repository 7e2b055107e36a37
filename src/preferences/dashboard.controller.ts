import { Controller, Get, Render } from '@nestjs/common';
import { AgentOnly } from '../auth/access.decorators';
import { Agent, type CurrentAgent } from '../auth/current-agent';
import { TicketsService } from '../tickets/tickets.service';

@Controller()
export class DashboardController {
  constructor(private readonly tickets: TicketsService) {}

  @Get()
  @AgentOnly()
  @Render('pages/dashboard')
  async dashboard(@Agent() agent: CurrentAgent) {
    return { title: 'dashboard.title', openTickets: await this.tickets.openCounts(agent) };
  }
}
