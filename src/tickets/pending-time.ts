import { addCalendarDays, epochOfWallClock, parseDateTimeLocal, toDateTimeLocal, wallClockAt } from '../common/time-zone';
import type { TicketState } from './ticket-states';

/**
 * Pending times (docs/AGENT-WORKSPACE.md, "Pending time"): the quick choices, reading the agent's
 * input in their time zone, and when a reminder counts as reached. Pure: `now` and the zone come in.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const PENDING_QUICK_CHOICES = ['in-1-hour', 'tomorrow-0900', 'in-1-week'] as const;
export type PendingQuickChoice = (typeof PENDING_QUICK_CHOICES)[number];

export function isQuickChoice(value: unknown): value is PendingQuickChoice {
  return (PENDING_QUICK_CHOICES as readonly unknown[]).includes(value);
}

/**
 * The instant a quick choice names at `now`, to the minute: in an hour; tomorrow at 09:00 on the
 * agent's calendar; the same wall-clock time a week later (across a clock change too).
 */
export function quickChoiceTime(choice: PendingQuickChoice, now: number, timeZone: string): number {
  const wall = wallClockAt(now, timeZone);
  switch (choice) {
    case 'in-1-hour':
      return Math.floor((now + HOUR_MS) / MINUTE_MS) * MINUTE_MS;
    case 'tomorrow-0900':
      return epochOfWallClock(addCalendarDays(wall, 1, { hour: 9, minute: 0 }), timeZone);
    case 'in-1-week':
      return epochOfWallClock(addCalendarDays(wall, 7), timeZone);
  }
}

/** The quick choices as the form offers them: each with the `datetime-local` value it fills in. */
export function quickChoiceOptions(now: number, timeZone: string): { choice: PendingQuickChoice; value: string }[] {
  return PENDING_QUICK_CHOICES.map((choice) => ({ choice, value: toDateTimeLocal(wallClockAt(quickChoiceTime(choice, now, timeZone), timeZone)) }));
}

/** Why a pending time was refused: a catalog key for the message next to the field. */
export type PendingTimeProblem = 'ticketPending.error.required' | 'ticketPending.error.invalid' | 'ticketPending.error.past';

/**
 * The pending time an agent asked for: a quick choice wins over the typed time (it is the button
 * they pressed); the typed time is read in their zone. Must lie in the future.
 */
export function requestedPendingTime(input: { quick?: unknown; at?: unknown }, now: number, timeZone: string): { time: number } | { problem: PendingTimeProblem } {
  if (isQuickChoice(input.quick)) return { time: quickChoiceTime(input.quick, now, timeZone) };
  if (input.at === undefined || input.at === null || (typeof input.at === 'string' && input.at.trim() === '')) return { problem: 'ticketPending.error.required' };
  const wall = parseDateTimeLocal(input.at);
  if (!wall) return { problem: 'ticketPending.error.invalid' };
  const time = epochOfWallClock(wall, timeZone);
  // A year 9999 time is still a date; anything past it is not one a person means.
  if (!Number.isSafeInteger(time) || time > Date.UTC(9999, 11, 31)) return { problem: 'ticketPending.error.invalid' };
  if (time <= now) return { problem: 'ticketPending.error.past' };
  return { time };
}

/** A pending reminder whose time has come: it stays pending and shows as "reminder reached". */
export function reminderReached(ticket: { state: TicketState; pendingUntil: number | null }, now: number): boolean {
  return ticket.state === 'pending reminder' && ticket.pendingUntil !== null && ticket.pendingUntil <= now;
}
