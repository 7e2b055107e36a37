import { Controller, Get, Query, Render } from '@nestjs/common';
import { AgentOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { TicketSearch } from './ticket-search.service';

/** The results of the top bar's search box. */
@Controller('search')
export class SearchController {
  constructor(private readonly search: TicketSearch) {}

  @Get()
  @AgentOnly()
  @Render('pages/search/results')
  async results(@ActingAgent() agent: CurrentAgent, @Query('q') q: unknown, @Query('page') page: unknown) {
    const results = await this.search.search(agent, q, page);
    return { title: 'search.title', nav: 'tickets', searchQuery: results.query, results };
  }
}
