import { Module } from '@nestjs/common';
import { SearchIndex } from './search-index.service';

/** The search index writer alone, so TicketsModule can write it without depending on the search screens. */
@Module({ providers: [SearchIndex], exports: [SearchIndex] })
export class SearchIndexModule {}
