import type { CurrentAgent } from '../auth/current-agent';

/**
 * OTRS's lock rules (docs/AGENT-WORKSPACE.md, "Locks"): a locked ticket belongs to its owner while
 * locked. Other agents may read it but change nothing; only the owner or an administrator unlocks
 * it. Pure, so the rules read apart from the database.
 */
export interface LockFacts {
  locked: boolean;
  ownerId: number | null;
}

/** The agent holding the lock, if any. */
export function lockHolder(ticket: LockFacts): number | null {
  return ticket.locked ? ticket.ownerId : null;
}

/** Locked by an agent other than this one: read-only for this one. */
export function lockedByOther(ticket: LockFacts, agentId: number): boolean {
  const holder = lockHolder(ticket);
  return holder !== null && holder !== agentId;
}

/** The owner unlocks their own ticket; an administrator unlocks anyone's. */
export function mayUnlock(ticket: LockFacts, agent: Pick<CurrentAgent, 'id' | 'isAdmin'>): boolean {
  return !lockedByOther(ticket, agent.id) || agent.isAdmin;
}
