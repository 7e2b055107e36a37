import { Injectable } from '@nestjs/common';
import type { CurrentAgent } from '../auth/current-agent';
import { AclFilterService } from '../acl/acl-filter.service';
import type { AclContext } from '../acl/engine';
import { stateTypeOf } from './ticket-states';
import type { Ticket } from './ticket.entity';

/** The screens that ask, as Frontend.Action (ACL authors can match on them). */
export type TicketScreen = 'AgentTicketQueue' | 'AgentTicketZoom' | 'AgentTicketNew';

export const PROFILE_FIELD = 'Ticket.TwitterProfileID';

export interface ProfileOption {
  id: number;
  name: string;
}

/** A stored ticket as the ACLs see it (Ticket.* in both the current and the stored view). */
export function ticketAclContext(ticket: Ticket): AclContext {
  return {
    Ticket: {
      TicketID: String(ticket.id),
      TicketNumber: ticket.number,
      Title: ticket.title,
      Queue: ticket.queue?.name ?? null,
      QueueID: String(ticket.queueId),
      State: ticket.state,
      StateType: stateTypeOf(ticket.state),
      Lock: ticket.locked ? 'lock' : 'unlock',
      Owner: ticket.owner?.login ?? null,
      OwnerID: ticket.ownerId === null ? null : String(ticket.ownerId),
      TwitterProfileID: String(ticket.profileId),
    },
  };
}

/**
 * Which profiles an agent may see and use, under the deployed ACLs (field Ticket.TwitterProfileID,
 * compared by id). Asked when a choice is rendered and again when it comes back: hiding an option
 * is not the only guard (DESIGN.md flow 4).
 */
@Injectable()
export class TicketAclService {
  constructor(private readonly acl: AclFilterService) {}

  /** The offered profiles that remain, in the order offered. */
  async allowedProfiles<T extends ProfileOption>(agent: CurrentAgent, screen: TicketScreen, offered: T[], context?: { current?: AclContext; stored?: AclContext }): Promise<T[]> {
    if (offered.length === 0) return [];
    const options = new Map(offered.map((p) => [String(p.id), p.name]));
    const { allowedKeys } = await this.acl.allowedOptions({ agent, action: screen, field: PROFILE_FIELD, options, current: context?.current, stored: context?.stored });
    const allowed = new Set(allowedKeys);
    return offered.filter((p) => allowed.has(String(p.id)));
  }

  /** Whether the agent may use the ticket's own profile (reply, resend) on the zoom screen. */
  async mayUseTicketProfile(agent: CurrentAgent, ticket: Ticket): Promise<boolean> {
    const context = ticketAclContext(ticket);
    const options = new Map([[String(ticket.profileId), ticket.profile?.name ?? String(ticket.profileId)]]);
    return this.acl.isAllowed({ agent, action: 'AgentTicketZoom', field: PROFILE_FIELD, options, current: context, stored: context }, String(ticket.profileId));
  }
}
