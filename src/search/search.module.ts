import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { SearchController } from './search.controller';
import { TicketSearch } from './ticket-search.service';

/** Ticket search for agents (docs/SEARCH-AND-MEDIA.md); the index itself is written by SearchIndexModule. */
@Module({
  imports: [TicketsModule],
  controllers: [SearchController],
  providers: [TicketSearch],
})
export class SearchModule {}
