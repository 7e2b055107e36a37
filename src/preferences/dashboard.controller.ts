import { Controller, Get, Render } from '@nestjs/common';
import { AgentOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { AgentDashboardService } from '../tickets/agent-dashboard.service';
import { TicketsService } from '../tickets/tickets.service';

@Controller()
export class DashboardController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly dashboard: AgentDashboardService,
  ) {}

  @Get()
  @AgentOnly()
  @Render('pages/dashboard')
  async show(@ActingAgent() agent: CurrentAgent) {
    return { title: 'dashboard.title', openTickets: await this.tickets.openCounts(agent), lists: await this.dashboard.dashboard(agent) };
  }
}
