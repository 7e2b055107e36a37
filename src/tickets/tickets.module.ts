import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AclModule } from '../acl/acl.module';
import { XModule } from '../channels/x/x.module';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { QueuesModule } from '../queues/queues.module';
import { AttachmentStorageModule } from '../attachments/attachment-storage.module';
import { SearchIndexModule } from '../search/search-index.module';
import { SocialMediaProfilesModule } from '../social-media-profiles/social-media-profiles.module';
import { AgentsModule } from '../agents/agents.module';
import { ArticleDeliveryService } from './article-delivery.service';
import { Article } from './article.entity';
import { DELIVERY_POLICY, type DeliveryPolicy } from './delivery-outcome';
import { ConversationTickets } from './conversation-tickets.service';
import { RecipientLookup } from './recipient-lookup.service';
import { SendingProfiles } from './sending-profiles';
import { SentOnce } from './sent-once.service';
import { TicketAclService } from './ticket-acl.service';
import { TicketActionsService } from './ticket-actions.service';
import { Ticket } from './ticket.entity';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';
import { AgentDashboardService } from './agent-dashboard.service';
import { PendingCheckService } from './pending-check.service';
import { TicketHistoryEntry } from './ticket-history.entity';
import { TicketHistory } from './ticket-history.service';
import { TicketLockService } from './ticket-lock.service';
import { TicketMoveService } from './ticket-move.service';
import { TicketStateService } from './ticket-state.service';
import { TicketWorkController } from './ticket-work.controller';
import { TicketZoomPage } from './ticket-zoom-page.service';
import { TicketZoomPanelsService } from './ticket-zoom-panels.service';
import { ZoomCompose } from './zoom-compose.service';

/** The doubling of the retry wait stops at an hour. */
const BACKOFF_MAX_MS = 60 * 60 * 1000;

/**
 * Tickets for agents (queue view, zoom, replies, new outgoing tickets) and the delivery worker that
 * sends outgoing articles. Others use ConversationTickets to file incoming messages into tickets
 * (docs/THREADING.md), ArticleDeliveryService.kick() (or OutgoingWorkSignal) to have stored
 * `sending` articles sent now, and TicketsService for counts.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Ticket, Article, TicketHistoryEntry]), AgentsModule, QueuesModule, XModule, SocialMediaProfilesModule, AclModule, SearchIndexModule, AttachmentStorageModule],
  controllers: [TicketsController, TicketWorkController],
  providers: [
    ConversationTickets,
    // The agent's day (docs/AGENT-WORKSPACE.md): history, locks, state and pending time, move, zoom panels, dashboard.
    TicketHistory,
    TicketLockService,
    TicketStateService,
    PendingCheckService,
    TicketMoveService,
    TicketZoomPage,
    TicketZoomPanelsService,
    AgentDashboardService,
    TicketsService,
    TicketActionsService,
    TicketAclService,
    ArticleDeliveryService,
    SentOnce,
    SendingProfiles,
    RecipientLookup,
    ZoomCompose,
    Clock,
    {
      provide: DELIVERY_POLICY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): DeliveryPolicy => ({
        maxAttempts: config.delivery.maxAttempts,
        backoffBaseMs: config.delivery.backoffBaseMs,
        backoffMaxMs: Math.max(BACKOFF_MAX_MS, config.delivery.backoffBaseMs),
      }),
    },
  ],
  exports: [ConversationTickets, ArticleDeliveryService, TicketsService, TicketHistory, AgentDashboardService, PendingCheckService],
})
export class TicketsModule {}
