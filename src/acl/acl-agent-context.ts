import type { CurrentAgent } from '../auth/current-agent';
import { matchOnFor } from './acl-scope';
import { SUPERUSER_ID, userAclAttributes, type AclContext, type AclMatchOn } from './engine';

// The one place that turns an agent (and the screen and ticket) into the context an ACL sees,
// so every screen asks the engine with the same, complete data (docs/ACL.md, "For the screens").

export interface AgentAclInput {
  readonly agent: CurrentAgent;
  /** Frontend.Action: the screen asking, e.g. AgentTicketZoom. */
  readonly action?: string;
  /** Further objects of the current view (Ticket, Queue, DynamicField, …): stored data overlaid with the form's choice. */
  readonly current?: AclContext;
  /** The same objects as stored (PropertiesDatabase). Default: no stored ticket data. */
  readonly stored?: AclContext;
}

/** User.* as OTRS builds it: UserID, UserLogin, UserFullname, UserLanguage, Group_<perm>, Role. */
export function agentUserAttributes(agent: CurrentAgent): Record<string, string | string[]> {
  return userAclAttributes({
    attributes: { UserID: String(agent.id), UserLogin: agent.login, UserFullname: agent.name, UserLanguage: agent.language },
    // CurrentAgent holds valid groups only, so invalid groups already grant nothing.
    groups: [],
    validGroupPermissions: agent.groups,
  });
}

/**
 * Both views of the context. User and Frontend go into both, as OTRS does (ENG:1072-1079);
 * ticket objects only where given, so PropertiesDatabase conditions on a ticket do not match
 * on screens without a stored ticket.
 */
export function agentAclContext(input: AgentAclInput): { current: AclContext; stored: AclContext } {
  const common: Record<string, Record<string, string | string[]>> = { User: agentUserAttributes(input.agent) };
  if (input.action) common.Frontend = { Action: input.action };
  return { current: { ...input.current, ...common }, stored: { ...input.stored, ...common } };
}

/** OTRS never restricts user id 1, the first administrator (ENG:176); we keep that rule. */
export function isAclSuperuser(agent: CurrentAgent): boolean {
  return String(agent.id) === SUPERUSER_ID;
}

/** TwitterProfileID and the *ID fields list ids (the example ACL names profile '1'); Queue, State, … list names. */
export function defaultMatchOn(field: string): AclMatchOn {
  return matchOnFor(field);
}
