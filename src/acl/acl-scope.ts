import { DEFAULT_PERMISSION_TYPES, type Acl, type AclConditions, type AclMatchOn } from './engine';
import { compileItem, deployedItem } from './engine/acl-value-matcher';

// What socialdesk applies of an OTRS ACL: the fields and actions its screens ask the engine about,
// and the context they supply. An ACL that names anything else is imported with a warning that
// stays visible ("has no effect here: Ticket.Priority"). The tables are the one declaration the
// screens, the simulator, the warnings and docs/ACL.md follow.

/** Ticket fields socialdesk filters, and whether ACL items name option ids (key) or names (value). */
export const HONOURED_TICKET_FIELDS: Readonly<Record<string, AclMatchOn>> = {
  TwitterProfileID: 'key',
  Queue: 'value',
  QueueID: 'key',
  State: 'value',
  StateID: 'key',
  Owner: 'value',
  OwnerID: 'key',
  // OTRS's owner screens ask NewOwner; socialdesk treats it like Owner.
  NewOwner: 'value',
  NewOwnerID: 'key',
};

/** The choices an agent screen offers, and the ACL fields that filter each (all must allow an option). */
export const ACL_CHOICES = {
  profile: ['Ticket.TwitterProfileID'],
  queue: ['Ticket.Queue', 'Ticket.QueueID'],
  state: ['Ticket.State', 'Ticket.StateID'],
  owner: ['Ticket.Owner', 'Ticket.OwnerID', 'Ticket.NewOwner', 'Ticket.NewOwnerID'],
} as const satisfies Record<string, readonly string[]>;
export type AclChoice = keyof typeof ACL_CHOICES;

/**
 * Ticket actions and the OTRS action (frontend module) each is named after in `Action` lists.
 * Changing the state is named by the state's type: closing is AgentTicketClose, setting a pending
 * state AgentTicketPending, any other state change AgentTicketFreeText (the OTRS screen that sets
 * a state without closing or pending).
 */
export const TICKET_ACTIONS = {
  lock: 'AgentTicketLock',
  unlock: 'AgentTicketLock',
  owner: 'AgentTicketOwner',
  state: 'AgentTicketFreeText',
  close: 'AgentTicketClose',
  pending: 'AgentTicketPending',
  move: 'AgentTicketMove',
  note: 'AgentTicketNote',
  reply: 'AgentTicketCompose',
  resend: 'AgentTicketEmailResend',
  newTicket: 'AgentTicketEmail',
} as const;
export type TicketAclAction = keyof typeof TICKET_ACTIONS;

/** The OTRS action names socialdesk honours in `Action` lists, sorted. */
export const HONOURED_ACTIONS: readonly string[] = [...new Set(Object.values(TICKET_ACTIONS))].sort();

/** Frontend.Action of each agent page, as in OTRS. */
export const AGENT_SCREENS = {
  queueView: 'AgentTicketQueue',
  zoom: 'AgentTicketZoom',
  newTicket: 'AgentTicketEmail',
} as const;

/**
 * Where each question is asked (docs/ACL.md, "Screens"): a page, or a form of the zoom. A zoom
 * form stands for the OTRS screen of its action (the move form is AgentTicketMove, the owner form
 * AgentTicketOwner, …) and asks every question twice, as the zoom (the page that shows it, as
 * OTRS's zoom filters its menu) and as that screen (as the OTRS screen checks itself when opened
 * and sent); an option or action is offered, and accepted on submit, only when both allow it. The
 * state form's options ask as the screen of their type: closed states as AgentTicketClose, pending
 * states as AgentTicketPending, any other as AgentTicketFreeText.
 */
export interface AclScreenUse {
  /** Key of the screen's label (acl.help.screen.<key>). */
  readonly key: string;
  /** Frontend.Action values the questions are asked with; every one must allow. */
  readonly frontendActions: readonly string[];
  /** The choices filtered there. */
  readonly choices: readonly AclChoice[];
  /** The actions (TICKET_ACTIONS keys) that show or hide its form, or refuse its submit. */
  readonly actions: readonly TicketAclAction[];
}

const onZoom = (...screens: string[]) => [AGENT_SCREENS.zoom, ...screens];

export const ACL_SCREEN_USES: readonly AclScreenUse[] = [
  { key: 'queueView', frontendActions: [AGENT_SCREENS.queueView], choices: ['profile'], actions: [] },
  { key: 'newTicket', frontendActions: [AGENT_SCREENS.newTicket], choices: ['queue', 'profile'], actions: ['newTicket'] },
  { key: 'lock', frontendActions: onZoom(TICKET_ACTIONS.lock), choices: [], actions: ['lock', 'unlock'] },
  { key: 'owner', frontendActions: onZoom(TICKET_ACTIONS.owner), choices: ['owner'], actions: ['owner'] },
  { key: 'stateClosed', frontendActions: onZoom(TICKET_ACTIONS.close), choices: ['state'], actions: ['close'] },
  { key: 'statePending', frontendActions: onZoom(TICKET_ACTIONS.pending), choices: ['state'], actions: ['pending'] },
  { key: 'stateOther', frontendActions: onZoom(TICKET_ACTIONS.state), choices: ['state'], actions: ['state'] },
  { key: 'move', frontendActions: onZoom(TICKET_ACTIONS.move), choices: ['queue'], actions: ['move'] },
  { key: 'note', frontendActions: onZoom(TICKET_ACTIONS.note), choices: [], actions: ['note'] },
  { key: 'reply', frontendActions: onZoom(TICKET_ACTIONS.reply), choices: ['profile', 'state'], actions: ['reply', 'close', 'pending', 'state'] },
  { key: 'resend', frontendActions: onZoom(TICKET_ACTIONS.resend), choices: ['profile'], actions: ['resend'] },
];

/** Every Frontend.Action value socialdesk may set: its screens, and the actions (a form may ask as itself). */
export const KNOWN_SCREEN_NAMES: ReadonlySet<string> = new Set([...Object.values(AGENT_SCREENS), ...HONOURED_ACTIONS]);

/** The attributes socialdesk supplies per context object (docs/ACL.md, "What an ACL can look at"). */
export const SUPPLIED_ATTRIBUTES: Readonly<Record<string, ReadonlySet<string>>> = {
  User: new Set(['UserID', 'UserLogin', 'UserFullname', 'UserLanguage', 'Role', ...DEFAULT_PERMISSION_TYPES.map((type) => `Group_${type}`)]),
  Frontend: new Set(['Action']),
  Ticket: new Set(['TicketID', 'TicketNumber', 'Title', 'Queue', 'QueueID', 'State', 'StateID', 'StateType', 'Lock', 'LockID', 'Owner', 'OwnerID', 'TwitterProfileID']),
  Queue: new Set(['Name', 'QueueID']),
  State: new Set(['Name', 'ID', 'TypeName']),
  Owner: new Set(['UserID', 'UserLogin', 'UserFullname']),
};

const describeList = (items: readonly string[]) => items.join(', ');

function conditionWarnings(section: string, conditions: AclConditions | undefined): string[] {
  const warnings: string[] = [];
  for (const [object, attributes] of Object.entries(conditions ?? {})) {
    for (const [attribute, items] of Object.entries(attributes)) {
      const supplied = SUPPLIED_ATTRIBUTES[object];
      if (!supplied || !supplied.has(attribute)) {
        warnings.push(`has no effect here: ${object}.${attribute} (${section}: socialdesk never supplies it, so this ACL never matches)`);
      } else if (object === 'User' && attribute === 'Role') {
        warnings.push(`has no effect here: User.Role (${section}: socialdesk has no roles, the list is always empty)`);
      } else if (object === 'Frontend' && attribute === 'Action') {
        const unknown = items.filter((item) => isPlain(item) && !KNOWN_SCREEN_NAMES.has(deployedItem(item)));
        if (unknown.length > 0) warnings.push(`has no effect here: Frontend.Action ${describeList(unknown)} (${section}: no socialdesk screen has this name)`);
      }
    }
  }
  return warnings;
}

const isPlain = (item: string) => {
  const matcher = compileItem(deployedItem(item));
  return !matcher.negated && matcher.exact !== undefined;
};

/** Action items that cannot touch any action socialdesk has: plain unknown names, patterns that match none. */
function unknownActions(items: readonly string[]): string[] {
  return items.filter((item) => {
    const matcher = compileItem(deployedItem(item));
    if (matcher.negated) return false;
    return !HONOURED_ACTIONS.some((action) => matcher.hits(action));
  });
}

/** Why (parts of) this ACL change nothing in socialdesk, one line each, with the ACL's name. */
export function aclScopeWarnings(acl: Acl): string[] {
  const warnings: string[] = [];
  warnings.push(...conditionWarnings('ConfigMatch.Properties', acl.ConfigMatch?.Properties));
  warnings.push(...conditionWarnings('ConfigMatch.PropertiesDatabase', acl.ConfigMatch?.PropertiesDatabase));
  for (const kind of ['Possible', 'PossibleAdd', 'PossibleNot'] as const) {
    const lists = acl.ConfigChange?.[kind];
    if (!lists) continue;
    for (const field of Object.keys(lists.Ticket ?? {})) {
      if (!Object.hasOwn(HONOURED_TICKET_FIELDS, field)) warnings.push(`has no effect here: Ticket.${field} (ConfigChange.${kind}: socialdesk offers no such field)`);
    }
    const unknown = unknownActions(lists.Action ?? []);
    if (unknown.length > 0) warnings.push(`has no effect here: Action ${describeList(unknown)} (ConfigChange.${kind}: socialdesk has no such action)`);
    for (const other of ['Process', 'ActivityDialog'] as const) {
      if (lists[other]) warnings.push(`has no effect here: ${other} (ConfigChange.${kind}: socialdesk has no processes)`);
    }
  }
  return warnings.map((warning) => `ACL ${JSON.stringify(acl.Name)}: ${warning}`);
}

/** Default comparison for a field: ids for the *ID fields and profiles, names otherwise. */
export function matchOnFor(field: string): AclMatchOn {
  const ticketField = field.startsWith('Ticket.') ? field.slice('Ticket.'.length) : undefined;
  return ticketField !== undefined && Object.hasOwn(HONOURED_TICKET_FIELDS, ticketField) ? HONOURED_TICKET_FIELDS[ticketField] : 'value';
}
