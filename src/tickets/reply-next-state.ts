import { agentTimeZone, type CurrentAgent } from '../auth/current-agent';
import { DomainException } from '../common/domain.exception';
import type { FormState } from '../common/form-state';
import { toDateTimeLocal, wallClockAt } from '../common/time-zone';
import { translate } from '../i18n/translator';
import { requestedPendingTime } from './pending-time';
import type { TicketAccess } from './ticket-access';
import { isPendingState, type TicketState } from './ticket-states';

// The reply's "Next state", as OTRS's compose screen has it (docs/ACL.md, "Screens";
// docs/SEARCH-AND-MEDIA.md): a reply to a new ticket opens it, any other keeps its state unless the
// agent picks another one the ACLs allow; a pending state needs a time, in the agent's zone.

/** The ticket's facts the next state depends on. */
export interface NextStateTicket {
  readonly state: TicketState;
  /** Epoch ms, or null. */
  readonly pendingUntil: number | null;
}

const pendingAsTyped = (ticket: NextStateTicket, timeZone: string): string =>
  ticket.pendingUntil !== null && isPendingState(ticket.state) ? toDateTimeLocal(wallClockAt(ticket.pendingUntil, timeZone)) : '';

/** The field as the reply form shows it: the options the ACLs leave, labelled in the agent's language. */
export function nextStateField(agent: CurrentAgent, ticket: NextStateTicket, access: TicketAccess, rejected?: FormState) {
  const { options, initial, unchanged } = access.nextStates();
  const typed = rejected?.values.state;
  const value = typeof typed === 'string' && options.includes(typed) ? typed : initial;
  const stateName = (state: string) => translate(agent.language, `tickets.state.${state}`);
  const typedTime = rejected?.values.pendingUntil;
  return {
    options: options.map((state) => ({ value: state, name: state === unchanged ? translate(agent.language, 'compose.nextState.unchanged', { state: stateName(state) }) : stateName(state) })),
    value,
    pendingAt: typeof typedTime === 'string' ? typedTime : pendingAsTyped(ticket, agentTimeZone(agent)),
    showPending: isPendingState(value),
    timeZone: agentTimeZone(agent),
    errors: { state: rejected?.errors.state, pendingUntil: rejected?.errors.pendingUntil },
  };
}

export interface NextStateChange {
  readonly state: TicketState;
  /** A new pending time; absent when the time stays (or the state is not pending). */
  readonly pendingUntil?: number;
}

/** The next state the reply form sent; its initial choice when none was sent. Check it with `access.require`. */
export function chosenNextState(access: TicketAccess, sent: unknown): string {
  return typeof sent === 'string' && sent !== '' ? sent : access.nextStates().initial;
}

/**
 * The change a reply's (allowed) next state makes: for a pending state a time in the future —
 * unless the ticket keeps its pending state and the time the form showed (a reached reminder may be
 * answered without a new time). A missing or past time goes back to the form, next to the field.
 */
export function nextStateChange(agent: CurrentAgent, ticket: NextStateTicket, state: TicketState, sentTime: unknown, now: number): NextStateChange {
  if (!isPendingState(state)) return { state };
  const timeZone = agentTimeZone(agent);
  const typed = typeof sentTime === 'string' ? sentTime.trim() : '';
  if (state === ticket.state && ticket.pendingUntil !== null && (typed === '' || typed === pendingAsTyped(ticket, timeZone))) return { state };
  const requested = requestedPendingTime({ at: sentTime }, now, timeZone);
  if ('problem' in requested) throw new DomainException(requested.problem, 'pendingUntil');
  return { state, pendingUntil: requested.time };
}
