import { TICKET_ACTIONS, type AclChoice, type TicketAclAction } from '../acl/acl-scope';
import { stateChangeAction, type AclOption, type AgentAclView } from '../acl/agent-acl-view';
import { DomainException, ForbiddenActionException } from '../common/domain.exception';
import { AGENT_STATES } from './ticket-rules';

// What the deployed ACLs leave an agent on the ticket screens, asked once per request and used
// both to render (hide what is not allowed) and on submit (refuse it with 403): the same object
// answers both, so a forged POST fails exactly the check that hid the option. The screen each
// question is asked as is declared in src/acl/acl-scope.ts (ACL_SCREEN_USES, docs/ACL.md "Screens").

/** What a form of the zoom sends: its action, and the choice it makes. */
export type TicketRequest =
  | { readonly action: 'lock' | 'unlock' | 'note' | 'move' | 'owner' }
  /** `owner.name` is the login (what ACLs name); `label` names the agent in the message. */
  | { readonly action: 'owner'; readonly owner: AclOption & { readonly label?: string } }
  | { readonly action: 'move'; readonly queue: AclOption }
  /** The state form: the action is named by the state's type (close, pending, other). */
  | { readonly action: 'state'; readonly state: string }
  /** A reply (either way); `nextState` is the form's "Next state". */
  | { readonly action: 'reply'; readonly nextState: string }
  | { readonly action: 'resend' };

/** The 403 message for an action the ACLs do not leave the agent. */
export const ACTION_REFUSED: Readonly<Record<TicketAclAction, string>> = {
  lock: 'ticketAcl.refused.lock',
  unlock: 'ticketAcl.refused.unlock',
  owner: 'ticketAcl.refused.owner',
  state: 'ticketAcl.refused.state',
  close: 'ticketAcl.refused.close',
  pending: 'ticketPending.error.actionNotAllowed',
  move: 'ticketMove.error.actionNotAllowed',
  note: 'ticketAcl.refused.note',
  reply: 'ticketAcl.refused.reply',
  resend: 'ticketAcl.refused.resend',
  newTicket: 'ticketAcl.refused.newTicket',
};

/** The ticket as the zoom's questions need it beyond what the view already holds. */
export interface TicketAccessFacts {
  readonly state: string;
  /** The ticket's profile: replies and resends go out through it. */
  readonly profile: AclOption;
}

/** The reply's "Next state": what it offers, and what it starts on. */
export interface NextStateChoice {
  readonly options: string[];
  readonly initial: string;
  /** The option that keeps the ticket's state (no state change). */
  readonly unchanged: string;
}

/**
 * One agent on one ticket's zoom and the forms on it. Each form asks as the zoom and as the OTRS
 * screen of its action (`TICKET_ACTIONS`), and must pass both.
 */
export class TicketAccess {
  // The page asks the same questions more than once (a form, then the "hidden" hint; each state
  // for the state form and the reply's next state): the answers are kept for this object's life,
  // one request (TicketAclService builds one per request), never across requests. The views'
  // contexts do not change meanwhile, so a kept answer is the one asking again would give.
  private readonly actionsOnZoom: ReadonlySet<TicketAclAction>;
  private readonly actionOnOwnScreen = new Map<TicketAclAction, boolean>();
  private readonly stateChangesOn = new Map<AgentAclView, ReadonlySet<string>>();

  constructor(
    private readonly zoom: AgentAclView,
    private readonly facts: TicketAccessFacts,
  ) {
    // Every action asked as the zoom in one engine call: each option is decided on its own, so
    // this is what asking for one action at a time answers.
    this.actionsOnZoom = new Set(zoom.allowedActions(Object.keys(TICKET_ACTIONS) as TicketAclAction[]));
  }

  /** The views a form of this action asks: the zoom's, and its own screen's. */
  private viewsFor(action: TicketAclAction): AgentAclView[] {
    return [this.zoom, this.zoom.onScreen(TICKET_ACTIONS[action])];
  }

  /** Whether the zoom offers this action (its form or button), and accepts it when sent. */
  offers(action: TicketAclAction): boolean {
    if (!this.actionsOnZoom.has(action)) return false;
    let own = this.actionOnOwnScreen.get(action);
    if (own === undefined) {
      own = this.zoom.onScreen(TICKET_ACTIONS[action]).may(action);
      this.actionOnOwnScreen.set(action, own);
    }
    return own;
  }

  /**
   * Whether a view allows changing to this state (as a state and by its type's action). The states
   * an agent sets are asked in one go, once per view; the engine decides each option on its own,
   * so the answer is the same as asking for this state alone — which is what any other state gets.
   */
  private allowsStateChange(view: AgentAclView, state: string): boolean {
    if (!(AGENT_STATES as readonly string[]).includes(state)) return view.allowedStateChanges([state]).length === 1;
    let allowed = this.stateChangesOn.get(view);
    if (!allowed) {
      allowed = new Set(view.allowedStateChanges(AGENT_STATES));
      this.stateChangesOn.set(view, allowed);
    }
    return allowed.has(state);
  }

  /** The options of a choice of this action's form that both of its views keep, in order. */
  private choices<T extends AclOption>(action: TicketAclAction, choice: AclChoice, options: readonly T[]): T[] {
    return this.viewsFor(action).reduce<T[]>((left, view) => view.allowed(choice, left), [...options]);
  }

  /** Queues the move form offers, of the candidates (rw, valid, not the ticket's own); none when moving is not allowed. */
  moveTargets<T extends AclOption>(candidates: readonly T[]): T[] {
    return this.offers('move') ? this.choices('move', 'queue', candidates) : [];
  }

  /** Owners the owner form offers (options named by login); none when changing the owner is not allowed. */
  owners<T extends AclOption>(candidates: readonly T[]): T[] {
    return this.offers('owner') ? this.choices('owner', 'owner', candidates) : [];
  }

  /**
   * States the state form offers: each asked as the zoom and as the screen of its type (closed →
   * AgentTicketClose, pending → AgentTicketPending, other → AgentTicketFreeText), by the state
   * fields and by that action.
   */
  states(candidates: readonly string[]): string[] {
    return candidates.filter((state) => this.viewsFor(stateChangeAction(state)).every((view) => this.allowsStateChange(view, state)));
  }

  /**
   * The reply's "Next state" (OTRS's compose screen): keeping the state is always offered, as it
   * changes nothing; a new ticket starts on open (answering opens it) where the ACLs allow it. Any
   * other state is offered when the reply's views allow it as a state and its type's action.
   */
  nextStates(): NextStateChoice {
    const candidates: readonly string[] = AGENT_STATES;
    const current = this.facts.state;
    const changes = candidates.filter((state) => state !== current && this.viewsFor('reply').every((view) => this.allowsStateChange(view, state)));
    const opens = current === 'new' && changes.includes('open');
    const options = opens ? changes : candidates.includes(current) ? candidates.filter((state) => state === current || changes.includes(state)) : [current, ...changes];
    return { options, initial: opens ? 'open' : current, unchanged: current };
  }

  /** Whether the reply or resend may go out through the ticket's profile (Ticket.TwitterProfileID). */
  mayUseProfile(action: 'reply' | 'resend'): boolean {
    return this.choices(action, 'profile', [this.facts.profile]).length === 1;
  }

  /** Refuses (403, nothing changed) what the zoom would not have offered. */
  require(request: TicketRequest): void {
    const action = request.action === 'state' ? stateChangeAction(request.state) : request.action;
    if (!this.offers(action)) throw new ForbiddenActionException(ACTION_REFUSED[action]);
    if ('owner' in request && this.owners([request.owner]).length === 0)
      throw new ForbiddenActionException('ticketAcl.refused.ownerOption', undefined, { name: request.owner.label ?? request.owner.name });
    if ('queue' in request && this.moveTargets([request.queue]).length === 0) throw new ForbiddenActionException('ticketMove.error.queueNotAllowed');
    if ('state' in request && this.states([request.state]).length === 0) throw new ForbiddenActionException('ticketAcl.refused.stateOption');
    if (request.action === 'reply' || request.action === 'resend') {
      if (!this.mayUseProfile(request.action)) throw new ForbiddenActionException('tickets.error.profileNotAllowed', undefined, { name: this.facts.profile.name });
    }
    if ('nextState' in request && !this.nextStates().options.includes(request.nextState)) {
      throw new ForbiddenActionException('ticketAcl.refused.nextState');
    }
  }
}

/**
 * The new-ticket screen (AgentTicketEmail). Its queue and profile may depend on each other (an
 * ACL on Ticket.Queue in Properties restricting profiles, or the other way), so the form's options
 * are asked with what it has chosen so far. On submit, a choice the page could never have offered
 * (not even before anything was chosen) is refused with 403; one that only clashes with the other
 * choice goes back to the form with a message next to the field, losing nothing.
 */
export class NewTicketAccess {
  constructor(
    /** The page before anything is chosen. */
    private readonly page: AgentAclView,
    /** The page with the form's choices so far. */
    private readonly chosen: AgentAclView,
  ) {}

  get mayCreate(): boolean {
    return this.page.may('newTicket');
  }

  queues<T extends AclOption>(candidates: readonly T[]): T[] {
    return this.mayCreate ? this.chosen.allowed('queue', candidates) : [];
  }

  profiles<T extends AclOption>(candidates: readonly T[]): T[] {
    return this.mayCreate ? this.chosen.allowed('profile', candidates) : [];
  }

  /**
   * New tickets at all, then the submitted queue and profile (each one the agent may otherwise use;
   * one that is missing is left to the form's own checks).
   */
  require(choice: { readonly queue?: AclOption; readonly profile?: AclOption }): void {
    if (!this.mayCreate) throw new ForbiddenActionException(ACTION_REFUSED.newTicket);
    const checks = [
      { choice: 'queue', option: choice.queue, refused: 'ticketAcl.refused.queue', field: 'queueId', clash: 'tickets.error.queueNotWithProfile' },
      { choice: 'profile', option: choice.profile, refused: 'ticketAcl.refused.profile', field: 'profileId', clash: 'tickets.error.profileNotAllowedHere' },
    ] as const;
    for (const check of checks) {
      if (!check.option || this.chosen.mayChoose(check.choice, check.option)) continue;
      if (!this.page.mayChoose(check.choice, check.option)) throw new ForbiddenActionException(check.refused);
      throw new DomainException(check.clash, check.field);
    }
    if (choice.queue && choice.profile && !this.chosen.may('newTicket')) throw new DomainException('tickets.error.newTicketNotWithChoice', 'queueId');
  }
}
