import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { CurrentAgent } from '../auth/current-agent';
import { Clock } from '../common/clock';
import { formValues, type FormState } from '../common/form-state';
import { pageWindow, requestedPage } from '../common/pagination';
import { pageIdsOf } from '../database/paged-query';
import type { Queue } from '../queues/queue.entity';
import { QueuesService } from '../queues/queues.service';
import { ProfilesService } from '../social-media-profiles/profiles.service';
import type { SocialMediaProfile } from '../social-media-profiles/social-media-profile.entity';
import { AgentsService } from '../agents/agents.service';
import type { Agent } from '../agents/agent.entity';
import type { Permission } from '../agents/group-membership.entity';
import { Article } from './article.entity';
import { ConversationTickets } from './conversation-tickets.service';
import { decodeReason } from './delivery-outcome';
import { NEW_TICKET_TYPES } from './dto/new-ticket.dto';
import { SendingProfiles } from './sending-profiles';
import type { TicketAclAction } from '../acl/acl-scope';
import { ForbiddenActionException, RecordNotFoundException } from '../common/domain.exception';
import { ACTION_REFUSED, type TicketAccess } from './ticket-access';
import { TicketAclService } from './ticket-acl.service';
import { lockedByOther, mayUnlock } from './ticket-lock-rules';
import { TicketLockedException } from './ticket-locked.exception';
import { reminderReached } from './pending-time';
import { canAct, canRead, groupNamesWith, queuePermission, replyPrefill, STATE_FILTERS, type StateFilter } from './ticket-rules';
import { CLOSED_STATES, TICKET_STATES } from './ticket-states';
import { Ticket } from './ticket.entity';
import { MAX_DM_LENGTH, MAX_TWEET_WEIGHT } from './tweet-length';

export const PAGE_SIZE = 50;

/** The queue view's query string, as it arrives. */
export interface TicketListQuery {
  queueId?: unknown;
  state?: unknown;
  profileId?: unknown;
  page?: unknown;
}

const OPEN_STATES = TICKET_STATES.filter((s) => !CLOSED_STATES.includes(s));

/** A ticket together with what the agent may do with it. */
export interface TicketForAgent {
  ticket: Ticket;
  permission: Permission;
}

/** A ticket loaded for its zoom, with the ACLs' answers for the agent on it. */
export interface ZoomTicket extends TicketForAgent {
  access: TicketAccess;
}

/** Reading tickets: the queue view, the zoom, the dashboard counts. Visibility comes from the queue's group. */
@Injectable()
export class TicketsService {
  constructor(
    @InjectRepository(Ticket) private readonly tickets: Repository<Ticket>,
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    private readonly queues: QueuesService,
    private readonly profiles: ProfilesService,
    private readonly agents: AgentsService,
    private readonly acl: TicketAclService,
    private readonly conversations: ConversationTickets,
    private readonly clock: Clock,
    private readonly sending: SendingProfiles,
  ) {}

  /** Queues the agent may read (`read`) or work in (`act`), by name. */
  queuesFor(agent: CurrentAgent, needed: 'read' | 'act', validOnly = false): Promise<Queue[]> {
    return this.queues.inGroups(groupNamesWith(agent, needed), validOnly);
  }

  /**
   * The ticket if the agent may read it (else 404: its existence is not revealed), and, with
   * `act`, work on it (else 403: without rw in the queue's group, or while another agent holds the
   * lock — docs/AGENT-WORKSPACE.md, "Locks"); with `unlock`, unlock it (rw, and its owner or an admin).
   */
  async findForAgent(agent: CurrentAgent, id: number, needed: 'read' | 'act' | 'unlock'): Promise<TicketForAgent> {
    const ticket = await this.tickets.findOne({ where: { id }, relations: { queue: { group: true }, owner: true, profile: true } });
    const permission = ticket ? queuePermission(agent, ticket.queue.group.name) : undefined;
    if (!ticket || !permission || !canRead(permission)) throw new RecordNotFoundException('error.notFound');
    if (needed === 'read') return { ticket, permission };
    if (!canAct(permission)) throw new ForbiddenActionException('error.forbidden');
    const allowed = needed === 'unlock' ? mayUnlock(ticket, agent) : !lockedByOther(ticket, agent.id);
    if (!allowed) throw new TicketLockedException(ticket, ticket.owner ?? { name: '?', login: '?' });
    return { ticket, permission };
  }

  /** The profile a ticket came in through or goes out through; undefined for an unknown ticket. */
  async profileIdOf(ticketId: number): Promise<number | undefined> {
    return (await this.tickets.findOne({ where: { id: ticketId }, select: { id: true, profileId: true } }))?.profileId;
  }

  async queueView(agent: CurrentAgent, query: TicketListQuery) {
    const queues = await this.queuesFor(agent, 'read');
    const profiles = await this.acl.queueViewProfiles(agent, await this.profiles.names());
    const filter = {
      queueId: pickId(query.queueId, queues),
      state: (STATE_FILTERS as readonly unknown[]).includes(query.state) ? (query.state as StateFilter) : 'open-tickets',
      profileId: pickId(query.profileId, profiles),
      page: requestedPage(query.page),
    };

    let rows: Ticket[] = [];
    let total = 0;
    if (queues.length > 0) {
      const filtered = this.tickets.createQueryBuilder('t').where('t.queueId IN (:...queueIds)', { queueIds: filter.queueId ? [filter.queueId] : queues.map((q) => q.id) });
      if (filter.state === 'open-tickets') filtered.andWhere('t.state IN (:...states)', { states: OPEN_STATES });
      else if (filter.state !== 'all') filtered.andWhere('t.state = :state', { state: filter.state });
      if (filter.profileId) filtered.andWhere('t.profileId = :profileId', { profileId: filter.profileId });
      // Counted on tickets alone, off ix_tickets_queue_state_changed: the joins below never drop a
      // ticket, and counting through them cost 40 ms at 30,000 tickets (npm run bench -- agent).
      total = Number((await filtered.clone().select('COUNT(*)', 'n').getRawOne<{ n: number | string }>())?.n ?? 0);
      // Clamped to the pages there are (docs/SECURITY.md, V5.1.3). The page's ids first, read off the
      // same index in order with LIMIT/OFFSET bound as parameters (V5.3.4; deep pages skip index
      // entries, not joined rows); then those 50 tickets with their queue, profile and owner.
      const window = pageWindow(filter.page, total, PAGE_SIZE);
      filter.page = window.page;
      const ids = await pageIdsOf(filtered.clone().orderBy('t.changedAt', 'DESC').addOrderBy('t.id', 'DESC'), window);
      rows =
        ids.length === 0
          ? []
          : await this.tickets
              .createQueryBuilder('t')
              .innerJoinAndSelect('t.queue', 'q')
              .innerJoinAndSelect('t.profile', 'p')
              .leftJoinAndSelect('t.owner', 'o')
              .where('t.id IN (:...ids)', { ids })
              .orderBy('t.changedAt', 'DESC')
              .addOrderBy('t.id', 'DESC')
              .getMany();
    }
    if (queues.length === 0) filter.page = 1;

    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const now = this.clock.now();
    const pageUrl = (page: number) =>
      `/tickets?${new URLSearchParams({ ...(filter.queueId ? { queueId: String(filter.queueId) } : {}), state: filter.state, ...(filter.profileId ? { profileId: String(filter.profileId) } : {}), page: String(page) })}`;
    return {
      filter,
      total,
      mayCreate: (await this.acl.forNewTicket(agent)).mayCreate,
      hasQueues: queues.length > 0,
      queueOptions: queues.map((q) => ({ value: q.id, name: q.name })),
      stateOptions: STATE_FILTERS.map((value) => ({ value, label: `tickets.stateFilter.${value}` })),
      profileOptions: profiles.map((p) => ({ value: p.id, name: p.name })),
      rows: rows.map((t) => ({
        id: t.id,
        number: t.number,
        title: t.title,
        state: t.state,
        locked: t.locked,
        owner: t.owner?.name ?? '',
        profile: t.profile.name,
        customerHandle: t.customerHandle,
        customerName: t.customerName,
        channel: t.channel,
        queue: t.queue.name,
        changedAt: t.changedAt,
        pendingUntil: t.pendingUntil,
        reminderReached: reminderReached(t, now),
      })),
      pagination: { page: filter.page, pages, previous: filter.page > 1 ? pageUrl(filter.page - 1) : null, next: filter.page < pages ? pageUrl(filter.page + 1) : null },
    };
  }

  /**
   * The ticket for its zoom: readable by the agent (else 404), with what the ACLs leave the agent
   * on it, asked once for the whole page (docs/ACL.md, "Screens").
   */
  async loadForZoom(agent: CurrentAgent, id: number): Promise<ZoomTicket> {
    const { ticket, permission } = await this.findForAgent(agent, id, 'read');
    return { ticket, permission, access: await this.acl.forTicket(agent, ticket) };
  }

  /** Everything the zoom shows; forms only where the agent may act and the ACLs offer them. */
  async zoom(agent: CurrentAgent, loaded: ZoomTicket, rejected: { reply?: FormState; note?: FormState }) {
    const { ticket, permission, access } = loaded;
    const id = ticket.id;
    const articles = await this.articles.find({ where: { ticketId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const authorIds = [...new Set(articles.map((a) => a.createdById).filter((v): v is number => v !== null))];
    const authors = new Map((await this.agents.namesOf(authorIds)).map((u) => [u.id, u.name]));

    // A ticket another agent has locked is read-only here (docs/AGENT-WORKSPACE.md, "Locks").
    const mayAct = canAct(permission) && !lockedByOther(ticket, agent.id);
    const replyOffered = mayAct && access.offers('reply');
    const profileAllowed = replyOffered && access.mayUseProfile('reply');
    const mayResend = mayAct && access.offers('resend') && access.mayUseProfile('resend');
    const blocker = this.sending.refusal(ticket.profile);
    const target = ticket.channel === 'tweet' ? replyTarget(articles) : undefined;
    // An open ticket that another one keeps out of its conversation says where new messages go.
    const threadHolders = CLOSED_STATES.includes(ticket.state) ? [] : await this.conversations.heldElsewhere(ticket.id);
    const ownerCandidates = mayAct ? (await this.ownerCandidates(ticket.queue.groupId)).map((u) => ({ id: u.id, name: u.login, label: `${u.name} (${u.login})` })) : [];
    const owners = access.owners(ownerCandidates);
    // The owner form is gone too when the ACLs leave none of the agents it would offer.
    const ownersEmptied = ownerCandidates.length > 0 && owners.length === 0 && access.offers('owner');

    return {
      ticket: {
        id: ticket.id,
        number: ticket.number,
        title: ticket.title,
        state: ticket.state,
        locked: ticket.locked,
        owner: ticket.owner?.name ?? '',
        ownerId: ticket.ownerId,
        queue: ticket.queue.name,
        channel: ticket.channel,
        profile: { id: ticket.profile.id, name: ticket.profile.name, handle: ticket.profile.accountHandle, needsReauthorisation: ticket.profile.needsReauthorisation },
        customerXId: ticket.customerXId,
        customerHandle: ticket.customerHandle,
        customerName: ticket.customerName,
        createdAt: ticket.createdAt,
        changedAt: ticket.changedAt,
      },
      threadHolders,
      permission,
      mayAct,
      profileBlocker: blocker ?? null,
      /** Actions the agent could take here but the ACLs hide (TicketZoomPage adds those whose every option they removed). */
      aclHidden: mayAct ? [...hiddenActions(access, ticket, agent.id, articles.some(isResendable)), ...(ownersEmptied ? (['owner'] as const) : [])] : [],
      reply: {
        /** Why there is no reply form, when there is none. */
        refusal: !mayAct
          ? null
          : !replyOffered
            ? { key: 'ticketAcl.replyHidden', params: {} }
            : !profileAllowed
              ? { key: 'tickets.error.profileNotAllowed', params: { name: ticket.profile.name } }
              : (blocker ?? null),
        show: profileAllowed && !blocker,
        isTweet: ticket.channel === 'tweet',
        limit: ticket.channel === 'tweet' ? MAX_TWEET_WEIGHT : MAX_DM_LENGTH,
        inReplyTo: target ? { externalId: target.externalId, handle: target.authorHandle } : null,
        body: typeof rejected.reply?.values.body === 'string' ? rejected.reply.values.body : replyPrefill(ticket.channel, target?.sender === 'customer' ? target.authorHandle : ticket.customerHandle),
        errors: rejected.reply?.errors ?? {},
      },
      note: {
        show: mayAct && access.offers('note'),
        body: typeof rejected.note?.values.body === 'string' ? rejected.note.values.body : '',
        errors: rejected.note?.errors ?? {},
      },
      ownerOptions: owners.map((u) => ({ value: u.id, name: u.label })),
      articles: articles.map((a) => {
        const outgoing = a.sender !== 'customer' && a.channel !== 'note';
        const reason = decodeReason(a.deliveryError);
        return {
          id: a.id,
          channel: a.channel,
          sender: a.sender,
          authorHandle: a.authorHandle,
          agentName: a.createdById !== null ? (authors.get(a.createdById) ?? '') : '',
          body: a.body,
          createdAt: a.createdAt,
          externalId: a.externalId,
          inReplyToExternalId: a.inReplyToExternalId,
          deliveryStatus: outgoing ? a.deliveryStatus : null,
          deliveryReason: outgoing ? reason : undefined,
          deliveryAttempts: a.deliveryAttempts,
          nextAttemptAt: a.deliveryStatus === 'sending' && a.nextAttemptAt ? new Date(a.nextAttemptAt) : null,
          canResend: isResendable(a) && mayResend && !blocker,
        };
      }),
    };
  }

  /** Valid profiles that are set up and can send: what a new ticket may go out through, before the ACLs. */
  async sendingProfiles(): Promise<SocialMediaProfile[]> {
    return (await this.profiles.all()).filter((p) => !this.sending.refusal(p));
  }

  /**
   * The new-ticket form: queues the agent works in, profiles that can send, both as the ACLs leave
   * them with what the form has chosen (AgentTicketEmail); what was typed before. Refused with 403
   * when the ACLs do not allow new tickets at all.
   */
  async newTicketForm(agent: CurrentAgent, rejected?: FormState) {
    const values = formValues({ profileId: '', queueId: '', type: 'tweet', recipient: '', title: '', body: '' }, rejected);
    const workQueues = await this.queuesFor(agent, 'act', true);
    const sending = await this.sendingProfiles();
    const chosenQueue = workQueues.find((q) => String(q.id) === String(values.queueId));
    const chosenProfile = sending.find((p) => String(p.id) === String(values.profileId));
    const access = await this.acl.forNewTicket(agent, { queue: chosenQueue, profileId: chosenProfile?.id });
    if (!access.mayCreate) throw new ForbiddenActionException(ACTION_REFUSED.newTicket);
    const queues = access.queues(workQueues);
    const profiles = access.profiles(sending);
    return {
      values,
      errors: rejected?.errors ?? {},
      queueOptions: queues.map((q) => ({ value: q.id, name: q.name })),
      profileOptions: profiles.map((p) => ({ value: p.id, name: p.accountHandle ? `${p.name} (@${p.accountHandle})` : p.name })),
      typeOptions: NEW_TICKET_TYPES.map((value) => ({ value, label: `tickets.channel.${value}` })),
      tweetLimit: MAX_TWEET_WEIGHT,
      dmLimit: MAX_DM_LENGTH,
      limit: values.type === 'dm' ? MAX_DM_LENGTH : MAX_TWEET_WEIGHT,
      isDm: values.type === 'dm',
    };
  }

  /** Valid agents with rw in the queue's group: who may own a ticket there. */
  ownerCandidates(groupId: number): Promise<Agent[]> {
    return this.agents.rwMembersOf(groupId);
  }

  /** Outgoing articles X did not take (delivery `failed`) per profile, created after `since` (epoch ms), in one query (channel health). */
  async failedDeliveriesSince(profileIds: number[], since: number): Promise<Map<number, number>> {
    if (profileIds.length === 0) return new Map();
    const rows = await this.articles
      .createQueryBuilder('a')
      .select('a.profileId', 'profileId')
      .addSelect('COUNT(*)', 'failed')
      .where('a.profileId IN (:...profileIds)', { profileIds })
      .andWhere("a.deliveryStatus = 'failed'")
      .andWhere('a.createdAt > :since', { since })
      .groupBy('a.profileId')
      .getRawMany<{ profileId: number | string; failed: number | string }>();
    return new Map(rows.map((row) => [Number(row.profileId), Number(row.failed)]));
  }

  /** Open tickets (new, open, pending) per queue the agent may read, for the dashboard. */
  async openCounts(agent: CurrentAgent): Promise<{ queueId: number; queue: string; count: number }[]> {
    const queues = await this.queuesFor(agent, 'read');
    if (queues.length === 0) return [];
    const counts = await this.tickets
      .createQueryBuilder('t')
      .select('t.queueId', 'queueId')
      .addSelect('COUNT(*)', 'count')
      .where('t.queueId IN (:...ids)', { ids: queues.map((q) => q.id) })
      .andWhere('t.state IN (:...states)', { states: OPEN_STATES })
      .groupBy('t.queueId')
      .getRawMany<{ queueId: number | string; count: number | string }>();
    const byQueue = new Map(counts.map((c) => [Number(c.queueId), Number(c.count)]));
    return queues.map((q) => ({ queueId: q.id, queue: q.name, count: byQueue.get(q.id) ?? 0 }));
  }
}

/** The tweet a reply answers: the customer's latest tweet, else the latest tweet of the ticket with an id. */
export function replyTarget(articles: Article[]): Article | undefined {
  const tweets = articles.filter((a) => a.channel === 'tweet' && a.externalId);
  return tweets.filter((a) => a.sender === 'customer').at(-1) ?? tweets.at(-1);
}

/** The order the zoom names hidden actions in: as its sidebar and forms come. */
const HIDDEN_ACTION_ORDER: readonly TicketAclAction[] = ['lock', 'unlock', 'owner', 'reply', 'note', 'move', 'close', 'pending', 'state', 'resend'];

/** Hidden actions as the zoom names them (catalog keys), each once, in the page's order. */
export function hiddenActionKeys(actions: Iterable<TicketAclAction>): string[] {
  const hidden = new Set(actions);
  return HIDDEN_ACTION_ORDER.filter((action) => hidden.has(action)).map((action) => `ticketAcl.action.${action}`);
}

/**
 * The actions the agent could take on the ticket as it stands but the ACLs hide: the zoom names
 * them, so a missing button has a reason.
 */
function hiddenActions(access: TicketAccess, ticket: Ticket, agentId: number, hasFailedReplies: boolean): TicketAclAction[] {
  const candidates: TicketAclAction[] = [ticket.locked ? 'unlock' : 'lock', 'owner', 'reply', 'note', 'move', 'close', 'pending'];
  if (ticket.state !== 'open') candidates.push('state');
  if (hasFailedReplies) candidates.push('resend');
  return candidates.filter((action) => !(action === 'unlock' && ticket.ownerId !== agentId) && !access.offers(action));
}

/** An outgoing message whose delivery failed: the resend action's object. */
function isResendable(article: Article): boolean {
  return article.sender !== 'customer' && article.channel !== 'note' && article.deliveryStatus === 'failed';
}

function pickId(value: unknown, allowed: { id: number }[]): number | undefined {
  const id = Number(value);
  return Number.isInteger(id) && allowed.some((a) => a.id === id) ? id : undefined;
}
