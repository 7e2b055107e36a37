import { Injectable } from '@nestjs/common';
import type { CurrentAgent } from '../auth/current-agent';
import type { FieldError } from '../common/form-state';
import { QueuesService } from '../queues/queues.service';
import { ProfilesService } from '../social-media-profiles/profiles.service';
import { TICKET_STATES } from '../tickets/ticket-states';
import { AgentsService } from '../agents/agents.service';
import { agentAclContext, isAclSuperuser } from './acl-agent-context';
import { AGENT_SCREENS, HONOURED_ACTIONS, HONOURED_TICKET_FIELDS, KNOWN_SCREEN_NAMES, matchOnFor } from './acl-scope';
import { AclStoreService } from './acl-store.service';
import { OTRS_STATE_IDS, ticketAclViews, type AclTicketValues } from './acl-ticket-context';
import { explainPossibleOptions, type CompiledAclSet } from './engine';

/** The simulator form as it arrives in the query string (a GET form: asking changes nothing). */
export interface SimulationQuery {
  field?: unknown;
  screen?: unknown;
  agentId?: unknown;
  queueId?: unknown;
  state?: unknown;
  profileId?: unknown;
  set?: unknown;
}

/** The fields the simulator offers: those socialdesk applies. */
export const SIMULATOR_FIELDS: readonly string[] = [...Object.keys(HONOURED_TICKET_FIELDS).map((field) => `Ticket.${field}`), 'Action'];
/** Every agent and every option is shown up to these numbers; the page says when there are more. */
export const MATRIX_MAX_AGENTS = 100;
export const MATRIX_MAX_OPTIONS = 60;
const ALL_AGENTS = 'all';

interface Option {
  readonly key: string;
  readonly value: string;
}

export interface SimulationCell {
  readonly key: string;
  readonly value: string;
  readonly allowed: boolean;
  /** The ACL whose list decided this option for this agent, or null when none changed it. */
  readonly decidedBy: string | null;
}

export interface SimulationRow {
  readonly agent: { id: number; login: string; name: string };
  readonly superuser: boolean;
  readonly applied: boolean;
  readonly appliedAcls: string;
  readonly remaining: number;
  readonly cells: SimulationCell[];
}

export interface Simulation {
  readonly values: { field: string; screen: string; agentId: string; queueId: string; state: string; profileId: string; set: string };
  readonly errors: Record<string, FieldError>;
  readonly fieldOptions: { value: string; name: string }[];
  readonly screenOptions: { value: string; name: string }[];
  readonly agentOptions: { value: string; name?: string; label?: string }[];
  readonly queueOptions: { value: string; name: string }[];
  readonly stateOptions: { value: string; name: string }[];
  readonly profileOptions: { value: string; name: string }[];
  readonly setOptions: { value: string; label: string }[];
  readonly result?: {
    readonly field: string;
    readonly matchOn: string;
    readonly options: Option[];
    readonly rows: SimulationRow[];
    /** One agent: the rows' single entry, shown as a list of options. */
    readonly single: boolean;
    readonly moreAgents: number;
    readonly moreOptions: number;
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/**
 * "What would agent X (or every agent) see in field Y, on screen Z, for a ticket in queue Q?" —
 * with the real options of the field (profiles, queues, states, agents, actions), the deployed set
 * or the drafts, and for each option the ACL that decided it.
 */
@Injectable()
export class AclSimulatorService {
  constructor(
    private readonly store: AclStoreService,
    private readonly agents: AgentsService,
    private readonly queues: QueuesService,
    private readonly profiles: ProfilesService,
  ) {}

  async simulate(query: SimulationQuery): Promise<Simulation> {
    const values = {
      field: text(query.field) || 'Ticket.TwitterProfileID',
      screen: text(query.screen) || AGENT_SCREENS.zoom,
      agentId: text(query.agentId) || ALL_AGENTS,
      queueId: text(query.queueId),
      state: text(query.state),
      profileId: text(query.profileId),
      set: text(query.set) || 'deployed',
    };
    const [users, queues, profiles] = await Promise.all([this.agents.list(), this.queues.list(), this.profiles.list()]);
    const validUsers = users.filter((user) => user.validity === 'valid');
    const form = {
      fieldOptions: SIMULATOR_FIELDS.map((field) => ({ value: field, name: field })),
      screenOptions: [...KNOWN_SCREEN_NAMES].sort().map((screen) => ({ value: screen, name: screen })),
      agentOptions: [{ value: ALL_AGENTS, label: 'acl.simulate.allAgents' }, ...validUsers.map((user) => ({ value: String(user.id), name: `${user.login} (${user.name})` }))],
      queueOptions: queues.map((queue) => ({ value: String(queue.id), name: queue.name })),
      stateOptions: TICKET_STATES.map((state) => ({ value: state, name: state })),
      profileOptions: profiles.map((profile) => ({ value: String(profile.id), name: profile.name })),
      setOptions: [
        { value: 'deployed', label: 'acl.simulate.set.deployed' },
        { value: 'drafts', label: 'acl.simulate.set.drafts' },
      ],
    };
    // Nothing asked yet: the empty form.
    if (query.field === undefined) return { values, errors: {}, ...form };

    const errors: Record<string, FieldError> = {};
    const choose = { key: 'validation.choose' };
    if (!SIMULATOR_FIELDS.includes(values.field)) errors.field = choose;
    if (!KNOWN_SCREEN_NAMES.has(values.screen)) errors.screen = choose;
    if (values.set !== 'deployed' && values.set !== 'drafts') errors.set = choose;
    const queue = values.queueId ? queues.find((q) => String(q.id) === values.queueId) : undefined;
    if (values.queueId && !queue) errors.queueId = choose;
    if (values.state && !(TICKET_STATES as readonly string[]).includes(values.state)) errors.state = choose;
    if (values.profileId && !profiles.some((p) => String(p.id) === values.profileId)) errors.profileId = choose;
    const chosen = values.agentId === ALL_AGENTS ? validUsers : validUsers.filter((user) => String(user.id) === values.agentId);
    if (chosen.length === 0 && values.agentId !== ALL_AGENTS) errors.agentId = choose;
    if (Object.keys(errors).length > 0) return { values, errors, ...form };

    const allOptions = this.optionsOf(values.field, { queues, profiles, users: validUsers });
    const options = allOptions.slice(0, MATRIX_MAX_OPTIONS);
    const shownAgents = chosen.slice(0, MATRIX_MAX_AGENTS);
    const ticket: AclTicketValues | undefined =
      queue || values.state || values.profileId
        ? { queue: queue ? { id: queue.id, name: queue.name } : undefined, state: values.state || undefined, profileId: values.profileId ? Number(values.profileId) : undefined }
        : undefined;
    const set = values.set === 'drafts' ? await this.store.draftSet() : await this.store.deployedSet();
    const rows: SimulationRow[] = [];
    for (const user of shownAgents) {
      const agent = await this.agents.findCurrentAgent(user.id);
      if (agent) rows.push(this.row(set, agent, values.field, values.screen, options, ticket));
    }
    return {
      values,
      errors,
      ...form,
      result: {
        field: values.field,
        matchOn: matchOnFor(values.field),
        options,
        rows,
        single: values.agentId !== ALL_AGENTS,
        moreAgents: chosen.length - shownAgents.length,
        moreOptions: allOptions.length - options.length,
      },
    };
  }

  /** The real options of a field: keys are ids (names for states and actions), values names (logins for owners). */
  private optionsOf(field: string, data: { queues: { id: number; name: string }[]; profiles: { id: number; name: string }[]; users: { id: number; login: string }[] }): Option[] {
    switch (field) {
      case 'Ticket.TwitterProfileID':
        return data.profiles.map((p) => ({ key: String(p.id), value: p.name }));
      case 'Ticket.Queue':
      case 'Ticket.QueueID':
        return data.queues.map((q) => ({ key: String(q.id), value: q.name }));
      case 'Ticket.State':
      case 'Ticket.StateID':
        return TICKET_STATES.map((state) => ({ key: OTRS_STATE_IDS[state], value: state }));
      case 'Action':
        return HONOURED_ACTIONS.map((action) => ({ key: action, value: action }));
      default:
        // Owner, OwnerID, NewOwner, NewOwnerID
        return data.users.map((u) => ({ key: String(u.id), value: u.login }));
    }
  }

  private row(set: CompiledAclSet, agent: CurrentAgent, field: string, screen: string, options: Option[], ticket?: AclTicketValues): SimulationRow {
    const views = ticketAclViews(ticket);
    const { current, stored } = agentAclContext({ agent, action: screen, current: views.current, stored: views.stored });
    const superuser = isAclSuperuser(agent);
    const explanation = explainPossibleOptions(set, {
      field,
      options: new Map(options.map((o) => [o.key, o.value])),
      matchOn: matchOnFor(field),
      current,
      stored,
      superuser,
    });
    const allowed = new Set(explanation.allowedKeys);
    return {
      agent: { id: agent.id, login: agent.login, name: agent.name },
      superuser,
      applied: explanation.applied,
      appliedAcls: explanation.appliedAcls.join(', '),
      remaining: allowed.size,
      cells: options.map((option, i) => ({ ...option, allowed: allowed.has(option.key), decidedBy: explanation.decidedBy[i] })),
    };
  }
}
