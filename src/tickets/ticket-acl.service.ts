import { Injectable } from '@nestjs/common';
import type { CurrentAgent } from '../auth/current-agent';
import { AclFilterService } from '../acl/acl-filter.service';
import type { AclContext } from '../acl/engine';
import { stateTypeOf } from './ticket-states';
import type { Ticket } from './ticket.entity';

/** The screens that ask, as Frontend.Action (ACL authors can match on them). */
export type TicketScreen = 'AgentTicketQueue' | 'AgentTicketZoom' | 'AgentTicketNew' | 'AgentTicketMove';

export const PROFILE_FIELD = 'Ticket.TwitterProfileID';

export interface ProfileOption {
  id: number;
  name: string;
}

export type QueueOption = ProfileOption;

/**
 * Ticket actions an ACL can allow or forbid in `Action` lists, by the OTRS screen each is named
 * after (the names the ACL engine branch declares in acl-scope.ts TICKET_ACTIONS).
 */
export const TICKET_ACL_ACTIONS = {
  move: 'AgentTicketMove',
  pending: 'AgentTicketPending',
} as const;
export type TicketAclAction = keyof typeof TICKET_ACL_ACTIONS;

/** Both fields an ACL may name a queue by; an option stays only if every one that applies keeps it. */
const QUEUE_FIELDS = [
  { field: 'Ticket.Queue', matchOn: 'value' },
  { field: 'Ticket.QueueID', matchOn: 'key' },
] as const;

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
 * is not the only guard (docs/ARCHITECTURE.md, "The path of an ACL decision").
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

  /**
   * The queues a ticket may be moved into, of `candidates` (the queues the agent works in), in the
   * order given: Ticket.Queue compared by name and Ticket.QueueID by id, asked as the move screen
   * (Frontend.Action AgentTicketMove) with the ticket as stored in both views. Asked when the form
   * is rendered and again on submit.
   */
  async allowedQueues<T extends QueueOption>(agent: CurrentAgent, ticket: Ticket, candidates: T[]): Promise<T[]> {
    if (candidates.length === 0) return [];
    const context = ticketAclContext(ticket);
    let kept: Set<string> | undefined;
    for (const { field, matchOn } of QUEUE_FIELDS) {
      const options = new Map(candidates.map((q) => [String(q.id), matchOn === 'key' ? String(q.id) : q.name]));
      const { applied, allowedKeys } = await this.acl.allowedOptions({ agent, action: TICKET_ACL_ACTIONS.move, field, options, matchOn, current: context, stored: context });
      if (!applied) continue;
      kept = new Set(kept ? allowedKeys.filter((key) => kept!.has(key)) : allowedKeys);
    }
    return kept ? candidates.filter((q) => kept.has(String(q.id))) : candidates;
  }

  /**
   * Whether the ACLs leave the agent this action on the ticket (field `Action`), asked as the
   * action's own screen, as OTRS's AgentTicketMove asks before it does anything.
   */
  async mayDo(agent: CurrentAgent, action: TicketAclAction, ticket: Ticket): Promise<boolean> {
    const context = ticketAclContext(ticket);
    const name = TICKET_ACL_ACTIONS[action];
    return this.acl.isAllowed({ agent, action: name, field: 'Action', options: new Map([[name, name]]), matchOn: 'value', current: context, stored: context }, name);
  }

  /** Whether the agent may use the ticket's own profile (reply, resend) on the zoom screen. */
  async mayUseTicketProfile(agent: CurrentAgent, ticket: Ticket): Promise<boolean> {
    const context = ticketAclContext(ticket);
    const options = new Map([[String(ticket.profileId), ticket.profile?.name ?? String(ticket.profileId)]]);
    return this.acl.isAllowed({ agent, action: 'AgentTicketZoom', field: PROFILE_FIELD, options, current: context, stored: context }, String(ticket.profileId));
  }
}
