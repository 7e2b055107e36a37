import { stateTypeOf, type TicketState } from './ticket-states';

/** What a ticket is before a change: the fields a change can touch. */
export interface TicketFacts {
  state: TicketState;
  locked: boolean;
  ownerId: number | null;
  queueId: number;
  /** Epoch ms, or null when no pending time is set. */
  pendingUntil: number | null;
}

export interface TicketChanges {
  state?: TicketState;
  locked?: boolean;
  ownerId?: number | null;
  queueId?: number;
  pendingUntil?: number | null;
}

/**
 * A change together with what it implies in OTRS (docs/AGENT-WORKSPACE.md): a state that is not
 * pending clears the pending time (TicketPendingTimeReset); closing unlocks (the close screens and
 * PendingCheck do); a move to another queue unlocks (ForceUnlockOnMove). Whatever the caller sets
 * explicitly wins. Returns only fields whose value differs from `before`.
 */
export function effectiveChanges(before: TicketFacts, changes: TicketChanges): TicketChanges {
  const wanted: TicketChanges = { ...changes };
  if (wanted.state !== undefined && wanted.state !== before.state && stateTypeOf(wanted.state) !== 'pending' && wanted.pendingUntil === undefined) wanted.pendingUntil = null;
  // Closing unlocks also a ticket that is closed already but was locked since (an agent's reply to it): OTRS's close screens always unlock.
  if (wanted.state !== undefined && stateTypeOf(wanted.state) === 'closed' && wanted.locked === undefined) wanted.locked = false;
  if (wanted.queueId !== undefined && wanted.queueId !== before.queueId && wanted.locked === undefined) wanted.locked = false;

  const result: TicketChanges = {};
  for (const key of Object.keys(wanted) as (keyof TicketChanges)[]) {
    if (wanted[key] !== undefined && wanted[key] !== before[key]) (result as Record<string, unknown>)[key] = wanted[key];
  }
  return result;
}
