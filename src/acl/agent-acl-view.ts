import type { CurrentAgent } from '../auth/current-agent';
import { agentAclContext, isAclSuperuser } from './acl-agent-context';
import { ACL_CHOICES, matchOnFor, TICKET_ACTIONS, type AclChoice, type TicketAclAction } from './acl-scope';
import { OTRS_STATE_IDS, ticketAclViews, type AclTicketValues } from './acl-ticket-context';
import { possibleOptions, type AclContext, type AclEvaluation, type CompiledAclSet } from './engine';
import { stateTypeOf, TICKET_STATES, type TicketState } from '../tickets/ticket-states';

/** One option of a choice: for owners `name` is the login, for states the state name. */
export interface AclOption {
  readonly id: number | string;
  readonly name: string;
}

export interface AgentAclViewInput {
  readonly agent: CurrentAgent;
  /** Frontend.Action of the screen that offers the choices (AGENT_SCREENS), e.g. AgentTicketZoom. */
  readonly screen: string;
  /** The ticket as stored; absent on the new-ticket screen. */
  readonly ticket?: AclTicketValues;
  /** What the agent has chosen in the form so far (overlays the ticket in ConfigMatch.Properties). */
  readonly selection?: AclTicketValues;
}

/** The action a change to this state is named after: AgentTicketClose, AgentTicketPending or AgentTicketFreeText. */
export function stateChangeAction(state: string): TicketAclAction {
  const type = (TICKET_STATES as readonly string[]).includes(state) ? stateTypeOf(state as TicketState) : undefined;
  return type === 'closed' ? 'close' : type === 'pending' ? 'pending' : 'state';
}

/**
 * What one agent may see and do on one screen, under one deployed set: built once per request
 * (the agent's context is assembled once), asked for every choice and action the screen offers,
 * and asked again with the same screen when the form comes back — a forged POST must fail the
 * same check the rendering applied (docs/ACL.md, "For the screens"). Nothing is cached between
 * requests; every question runs the engine.
 */
export class AgentAclView {
  private readonly current: AclContext;
  private readonly stored: AclContext;
  private readonly superuser: boolean;
  /** Views of the same agent and ticket on other screens, built from this one (onScreen). */
  private readonly others = new Map<string, AgentAclView>();
  /** What this view was built for (its screen included). */
  private readonly input: AgentAclViewInput;

  /** `from`: another view of the same agent and ticket (onScreen), whose context is reused. */
  constructor(
    private readonly set: CompiledAclSet,
    input: AgentAclViewInput | { readonly from: AgentAclView; readonly screen: string },
  ) {
    if ('from' in input) {
      // Only Frontend.Action differs: the User object and the ticket's objects are shared.
      const frontend = { Action: input.screen };
      this.current = { ...input.from.current, Frontend: frontend };
      this.stored = { ...input.from.stored, Frontend: frontend };
      this.superuser = input.from.superuser;
      this.input = { ...input.from.input, screen: input.screen };
      return;
    }
    const ticket = ticketAclViews(input.ticket, input.selection);
    const context = agentAclContext({ agent: input.agent, action: input.screen, current: ticket.current, stored: ticket.stored });
    this.current = context.current;
    this.stored = context.stored;
    this.superuser = isAclSuperuser(input.agent);
    this.input = input;
  }

  /** Frontend.Action this view asks as. */
  get screen(): string {
    return this.input.screen;
  }

  /**
   * The same agent, ticket and selection on another screen (Frontend.Action), e.g. a form of the
   * zoom asking as the OTRS screen it stands for. The agent's context is not built again; each
   * screen's view is made once per view it is asked from.
   */
  onScreen(screen: string): AgentAclView {
    if (screen === this.screen) return this;
    let view = this.others.get(screen);
    if (!view) {
      view = new AgentAclView(this.set, { from: this, screen });
      this.others.set(screen, view);
    }
    return view;
  }

  /**
   * The same agent, screen and ticket under the same deployed set, with another form selection
   * (what Properties sees): a form whose choices depend on each other asks with what was chosen.
   */
  withSelection(selection: AclTicketValues | undefined): AgentAclView {
    return new AgentAclView(this.set, { ...this.input, selection });
  }

  /** One field, raw: the keys of `options` (key → value) that remain. */
  evaluate(field: string, options: ReadonlyMap<string, string>, matchOn = matchOnFor(field)): AclEvaluation {
    return possibleOptions(this.set, { field, options, matchOn, current: this.current, stored: this.stored, superuser: this.superuser });
  }

  /** The offered options of a choice that every field of it allows (queue: Queue and QueueID), in order. */
  allowed<T extends AclOption>(choice: AclChoice, options: readonly T[]): T[] {
    if (options.length === 0) return [];
    const byKey = new Map(options.map((option) => [String(option.id), option.name]));
    let keep: ReadonlySet<string> | undefined;
    for (const field of ACL_CHOICES[choice]) {
      const { applied, allowedKeys } = this.evaluate(field, byKey);
      if (!applied) continue;
      keep = new Set(keep ? allowedKeys.filter((key) => keep!.has(key)) : allowedKeys);
    }
    return keep ? options.filter((option) => keep.has(String(option.id))) : [...options];
  }

  /** Whether a submitted choice is one the screen may offer. */
  mayChoose(choice: AclChoice, option: AclOption): boolean {
    return this.allowed(choice, [option]).length === 1;
  }

  /** The ticket states (names) the agent may set here: allowed as states, and the change as an action. */
  allowedStateChanges(states: readonly string[]): string[] {
    const options = states.map((name) => ({ id: OTRS_STATE_IDS[name as TicketState] ?? name, name }));
    const permitted = new Set(this.allowedActions([...new Set(states.map(stateChangeAction))]));
    return this.allowed('state', options)
      .map((option) => option.name)
      .filter((state) => permitted.has(stateChangeAction(state)));
  }

  /** The actions (named after OTRS's, TICKET_ACTIONS) the agent may take here, in the order given. */
  allowedActions(actions: readonly TicketAclAction[]): TicketAclAction[] {
    if (actions.length === 0) return [];
    const { allowedKeys } = this.evaluate('Action', new Map(actions.map((action) => [action, TICKET_ACTIONS[action]])), 'value');
    const allowed = new Set(allowedKeys);
    return actions.filter((action) => allowed.has(action));
  }

  may(action: TicketAclAction): boolean {
    return this.allowedActions([action]).length === 1;
  }
}
