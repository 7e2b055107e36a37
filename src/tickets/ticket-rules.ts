import type { CurrentAgent } from '../auth/current-agent';
import type { Permission } from '../agents/group-membership.entity';
import type { TicketState } from './ticket-states';

/**
 * Who may do what with a ticket. Pure, so the rules read (and are tested) apart from the database.
 */

/** The agent's permission on a queue: that of the queue's group. ro reads, rw also acts. Admins get nothing extra. */
export function queuePermission(agent: Pick<CurrentAgent, 'groups'>, queueGroupName: string): Permission | undefined {
  return agent.groups[queueGroupName];
}

export function canRead(permission: Permission | undefined): boolean {
  return permission === 'ro' || permission === 'rw';
}

export function canAct(permission: Permission | undefined): boolean {
  return permission === 'rw';
}

/** Names of the groups whose queues the agent may read (ro or rw) or work in (rw). */
export function groupNamesWith(agent: Pick<CurrentAgent, 'groups'>, needed: 'read' | 'act'): string[] {
  return Object.entries(agent.groups)
    .filter(([, permission]) => (needed === 'act' ? canAct(permission) : canRead(permission)))
    .map(([name]) => name);
}

/** The states an agent may set (the others are set by the system: `new` by an incoming message). */
export const AGENT_STATES = ['open', 'pending reminder', 'pending auto close+', 'pending auto close-', 'closed successful', 'closed unsuccessful'] as const satisfies readonly TicketState[];
export type AgentState = (typeof AGENT_STATES)[number];

/** The states the queue view filters by: "open tickets" means every state type but closed. */
export const STATE_FILTERS = ['open-tickets', 'all', 'new', 'open', 'pending reminder', 'pending auto close+', 'pending auto close-', 'closed successful', 'closed unsuccessful'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

/** The text a reply tweet starts with: the customer's @handle (X threads a reply only when it is mentioned). */
export function replyPrefill(channel: 'dm' | 'tweet', customerHandle: string): string {
  return channel === 'tweet' && customerHandle ? `@${customerHandle.replace(/^@/, '')} ` : '';
}
