import { Injectable } from '@nestjs/common';
import type { CurrentAgent } from '../auth/current-agent';
import { AclFilterService } from '../acl/acl-filter.service';
import { AGENT_SCREENS } from '../acl/acl-scope';
import type { AclTicketValues } from '../acl/acl-ticket-context';
import type { AclOption } from '../acl/agent-acl-view';
import { NewTicketAccess, TicketAccess } from './ticket-access';
import type { Ticket } from './ticket.entity';

/** A stored ticket as the ACLs see it (Ticket.*, Queue.*, State.*, Owner.*; docs/ACL.md). */
export function aclValuesOf(ticket: Ticket): AclTicketValues {
  return {
    id: ticket.id,
    number: ticket.number,
    title: ticket.title,
    queue: ticket.queue ? { id: ticket.queue.id, name: ticket.queue.name } : { id: ticket.queueId, name: '' },
    state: ticket.state,
    locked: ticket.locked,
    owner: ticket.owner ? { id: ticket.owner.id, login: ticket.owner.login, name: ticket.owner.name } : null,
    profileId: ticket.profileId,
  };
}

/**
 * The one place the ticket screens ask the deployed ACLs (docs/ACL.md, "Screens"): what the queue
 * view, the new-ticket screen and the zoom with its forms offer, and — with the same object, built
 * again for the submitting request — what their POSTs may do. Every answer comes from
 * AclFilterService.forAgent; agent id 1 is never restricted (the path of a decision:
 * docs/ARCHITECTURE.md, "The path of an ACL decision").
 */
@Injectable()
export class TicketAclService {
  constructor(private readonly acl: AclFilterService) {}

  /** The queue view's profile filter (AgentTicketQueue). */
  async queueViewProfiles<T extends AclOption>(agent: CurrentAgent, offered: readonly T[]): Promise<T[]> {
    return (await this.acl.forAgent({ agent, screen: AGENT_SCREENS.queueView })).allowed('profile', offered);
  }

  /** One ticket's zoom and its forms, for rendering and for their submits: build once per request, with the ticket as stored. */
  async forTicket(agent: CurrentAgent, ticket: Ticket): Promise<TicketAccess> {
    const zoom = await this.acl.forAgent({ agent, screen: AGENT_SCREENS.zoom, ticket: aclValuesOf(ticket) });
    return new TicketAccess(zoom, { state: ticket.state, profile: { id: ticket.profileId, name: ticket.profile?.name ?? String(ticket.profileId) } });
  }

  /** The new-ticket screen (AgentTicketEmail) with what its form has chosen so far. */
  async forNewTicket(agent: CurrentAgent, chosen: { queue?: { id: number; name: string }; profileId?: number } = {}): Promise<NewTicketAccess> {
    const page = await this.acl.forAgent({ agent, screen: AGENT_SCREENS.newTicket });
    return new NewTicketAccess(page, page.withSelection({ queue: chosen.queue, profileId: chosen.profileId }));
  }
}
