import { Injectable } from '@nestjs/common';
import { agentTimeZone, type CurrentAgent } from '../auth/current-agent';
import { Clock } from '../common/clock';
import type { FormState } from '../common/form-state';
import { formatInstant, wallClockAt, toDateTimeLocal } from '../common/time-zone';
import { translate, type MessageParams } from '../i18n/translator';
import { QueuesService } from '../queues/queues.service';
import { AgentsService } from '../agents/agents.service';
import { decodeReason } from './delivery-outcome';
import { quickChoiceOptions, reminderReached } from './pending-time';
import type { TicketHistoryEntry } from './ticket-history.entity';
import { TicketHistory } from './ticket-history.service';
import { lockedByOther, mayUnlock } from './ticket-lock-rules';
import { TicketMoveService } from './ticket-move.service';
import { AGENT_STATES, canAct } from './ticket-rules';
import { isPendingState, type TicketState } from './ticket-states';
import type { Ticket } from './ticket.entity';
import type { TicketAclAction } from '../acl/acl-scope';
import type { TicketAccess } from './ticket-access';
import type { ZoomTicket } from './tickets.service';

/** Rejected forms of the zoom's panels, shown again with their messages. */
export interface RejectedPanels {
  state?: FormState;
  move?: FormState;
}

const valueOf = (state: FormState | undefined, name: string): string | undefined => {
  const value = state?.values[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The zoom's panels for the agent's day (docs/AGENT-WORKSPACE.md): the lock notice, the state form
 * with its pending time, the move form, the history. Built apart from the zoom's articles and
 * compose forms (TicketsService.zoom) and rendered by their own partials under `workspace`.
 */
@Injectable()
export class TicketZoomPanelsService {
  constructor(
    private readonly agents: AgentsService,
    private readonly queues: QueuesService,
    private readonly moves: TicketMoveService,
    private readonly history: TicketHistory,
    private readonly clock: Clock,
  ) {}

  async panels(agent: CurrentAgent, loaded: ZoomTicket, rejected: RejectedPanels = {}) {
    const { ticket, permission, access } = loaded;
    const now = this.clock.now();
    const timeZone = agentTimeZone(agent);
    const byOther = lockedByOther(ticket, agent.id);
    const mayAct = canAct(permission) && !byOther;
    const pendingUntil = ticket.pendingUntil;

    const chosenState = valueOf(rejected.state, 'state') ?? ticket.state;
    return {
      timeZone,
      lock: {
        locked: ticket.locked,
        byOther,
        byMe: ticket.locked && ticket.ownerId === agent.id,
        holder: ticket.locked && ticket.owner ? { name: ticket.owner.name, login: ticket.owner.login } : null,
        mayLock: mayAct && !ticket.locked && access.offers('lock'),
        /** The owner's own unlock button. */
        offerUnlock: mayAct && ticket.locked && ticket.ownerId === agent.id && access.offers('unlock'),
        /** An administrator's unlock of another agent's lock (in the lock notice). */
        mayUnlock: canAct(permission) && ticket.locked && mayUnlock(ticket, agent) && access.offers('unlock'),
      },
      pending: {
        isPending: isPendingState(ticket.state),
        until: pendingUntil === null ? null : new Date(pendingUntil),
        reminderReached: reminderReached(ticket, now),
      },
      state: mayAct ? this.statePanel(access, ticket, chosenState, timeZone, now, rejected.state) : null,
      ...(mayAct ? await this.movePanel(agent, ticket, access, rejected.move) : { move: null, aclEmptied: [] }),
      history: await this.historyPanel(agent, ticket, timeZone),
    };
  }

  /** The state form: the states the ACLs leave (each as the screen of its type), with the pending time; none when none is left. */
  private statePanel(access: TicketAccess, ticket: Ticket, chosenState: string, timeZone: string, now: number, rejected?: FormState) {
    const states = access.states(AGENT_STATES);
    if (states.length === 0) return null;
    const pendingUntil = ticket.pendingUntil;
    return {
      options: states.map((value) => ({ value, label: `tickets.state.${value}` })),
      value: chosenState,
      pendingAt: valueOf(rejected, 'pendingUntil') ?? (pendingUntil !== null && isPendingState(ticket.state) ? toDateTimeLocal(wallClockAt(pendingUntil, timeZone)) : ''),
      showPending: isPendingState(chosenState),
      quickChoices: quickChoiceOptions(now, timeZone).map((option) => ({ ...option, label: `ticketPending.quick.${option.choice}` })),
      errors: rejected?.errors ?? {},
    };
  }

  /** The move form, none when no queue is left; `aclEmptied` names moving when the ACLs removed every queue. */
  private async movePanel(agent: CurrentAgent, ticket: Ticket, access: TicketAccess, rejected?: FormState) {
    const { targets, emptiedByAcls } = await this.moves.targets(agent, ticket, access);
    const aclEmptied: TicketAclAction[] = emptiedByAcls ? ['move'] : [];
    if (targets.length === 0) return { move: null, aclEmptied };
    return {
      move: {
        options: targets.map((queue) => ({ value: queue.id, name: queue.name })),
        value: valueOf(rejected, 'queueId') ?? '',
        errors: rejected?.errors ?? {},
      },
      aclEmptied,
    };
  }

  /** Every entry with who, when and what, in the agent's language and zone. */
  private async historyPanel(agent: CurrentAgent, ticket: Ticket, timeZone: string) {
    const entries = await this.history.forTicket(ticket.id);
    const userIds = new Set<number>();
    const queueIds = new Set<number>();
    for (const entry of entries) {
      if (entry.agentId !== null) userIds.add(entry.agentId);
      if (entry.kind === 'owner') for (const value of [entry.oldValue, entry.newValue]) if (value) userIds.add(Number(value));
      if (entry.kind === 'queue' || entry.kind === 'created') for (const value of [entry.oldValue, entry.newValue]) if (value) queueIds.add(Number(value));
    }
    const users = new Map((await this.agents.namesOf([...userIds])).map((u) => [u.id, `${u.name} (${u.login})`]));
    const queues = new Map((await this.queues.namesOf([...queueIds])).map((q) => [q.id, q.name]));
    const t = (key: string, params?: MessageParams) => translate(agent.language, key, params);
    const nobody = t('ticketHistory.nobody');
    const userName = (id: string | null) => (id ? (users.get(Number(id)) ?? `#${id}`) : nobody);
    const queueName = (id: string | null) => (id ? (queues.get(Number(id)) ?? `#${id}`) : '');
    const time = (ms: string | null) => (ms ? formatInstant(Number(ms), timeZone) : '');

    const describe = (entry: TicketHistoryEntry): string => {
      switch (entry.kind) {
        case 'created':
          return t('ticketHistory.created', { queue: queueName(entry.newValue) });
        case 'article':
          return t(`ticketHistory.article.${entry.newValue ?? 'note'}`);
        case 'state':
          return t('ticketHistory.state', { from: t(`tickets.state.${entry.oldValue as TicketState}`), to: t(`tickets.state.${entry.newValue as TicketState}`) });
        case 'queue':
          return t('ticketHistory.queue', { from: queueName(entry.oldValue), to: queueName(entry.newValue) });
        case 'owner':
          return t('ticketHistory.owner', { from: userName(entry.oldValue), to: userName(entry.newValue) });
        case 'lock':
          return t(entry.newValue === 'lock' ? 'ticketHistory.locked' : 'ticketHistory.unlocked');
        case 'pending':
          if (!entry.newValue) return t('ticketHistory.pendingCleared', { from: time(entry.oldValue) });
          return entry.oldValue ? t('ticketHistory.pendingChanged', { from: time(entry.oldValue), to: time(entry.newValue) }) : t('ticketHistory.pendingSet', { to: time(entry.newValue) });
        case 'delivery-sent':
          return entry.newValue ? t('ticketHistory.deliverySent', { id: entry.newValue }) : t('ticketHistory.deliverySentNoId');
        case 'delivery-failed': {
          const reason = decodeReason(entry.detail);
          return t('ticketHistory.deliveryFailed', { reason: reason ? t(reason.key, reason.params) : '' });
        }
        case 'delivery-resent':
          return t('ticketHistory.deliveryResent');
      }
    };
    const who = (entry: TicketHistoryEntry): string => {
      if (entry.actor === 'agent') return userName(entry.agentId === null ? null : String(entry.agentId));
      if (entry.actor === 'customer') return ticket.customerHandle ? t('ticketHistory.actor.customerHandle', { handle: ticket.customerHandle }) : t('ticketHistory.actor.customer');
      return t('ticketHistory.actor.system');
    };

    return entries.map((entry) => ({
      id: entry.id,
      kind: entry.kind,
      when: new Date(entry.occurredAt),
      who: who(entry),
      actor: entry.actor,
      what: describe(entry),
      articleId: entry.articleId,
    }));
  }
}
