import { quickChoiceOptions, quickChoiceTime, reminderReached, requestedPendingTime } from './pending-time';

const at = (iso: string) => Date.parse(iso);

describe('pending time', () => {
  // 2026-12-02 22:30 in Berlin (21:30 UTC): "tomorrow" in Berlin is the 3rd.
  const now = at('2026-12-02T21:30:17Z');

  it('offers +1 h, tomorrow 09:00 and +1 week in the agent’s zone', () => {
    expect(quickChoiceTime('in-1-hour', now, 'Europe/Berlin')).toBe(at('2026-12-02T22:30:00Z'));
    expect(quickChoiceTime('tomorrow-0900', now, 'Europe/Berlin')).toBe(at('2026-12-03T08:00:00Z'));
    expect(quickChoiceTime('in-1-week', now, 'Europe/Berlin')).toBe(at('2026-12-09T21:30:00Z'));
    expect(quickChoiceOptions(now, 'Europe/Berlin')).toEqual([
      { choice: 'in-1-hour', value: '2026-12-02T23:30' },
      { choice: 'tomorrow-0900', value: '2026-12-03T09:00' },
      { choice: 'in-1-week', value: '2026-12-09T22:30' },
    ]);
  });

  it('finds "tomorrow" on the agent’s calendar, not the server’s', () => {
    // 21:30 UTC on the 2nd is already the 3rd in Tokyo, and still the 2nd in New York.
    expect(quickChoiceTime('tomorrow-0900', now, 'Asia/Tokyo')).toBe(at('2026-12-04T00:00:00Z'));
    expect(quickChoiceTime('tomorrow-0900', now, 'America/New_York')).toBe(at('2026-12-03T14:00:00Z'));
    expect(quickChoiceTime('tomorrow-0900', now, 'UTC')).toBe(at('2026-12-03T09:00:00Z'));
  });

  it('keeps the wall-clock time for +1 week across a clock change', () => {
    const beforeChange = at('2026-10-22T08:00:00Z'); // 10:00 CEST
    expect(quickChoiceTime('in-1-week', beforeChange, 'Europe/Berlin')).toBe(at('2026-10-29T09:00:00Z')); // 10:00 CET
  });

  it('reads a typed time in the agent’s zone; a quick choice wins', () => {
    expect(requestedPendingTime({ at: '2026-12-05T10:00' }, now, 'Europe/Berlin')).toEqual({ time: at('2026-12-05T09:00:00Z') });
    expect(requestedPendingTime({ at: '2026-12-05T10:00', quick: 'in-1-hour' }, now, 'Europe/Berlin')).toEqual({ time: at('2026-12-02T22:30:00Z') });
  });

  it('refuses a missing, malformed or past time with a reason', () => {
    expect(requestedPendingTime({}, now, 'UTC')).toEqual({ problem: 'ticketPending.error.required' });
    expect(requestedPendingTime({ at: '  ' }, now, 'UTC')).toEqual({ problem: 'ticketPending.error.required' });
    expect(requestedPendingTime({ at: '2026-02-30T10:00' }, now, 'UTC')).toEqual({ problem: 'ticketPending.error.invalid' });
    expect(requestedPendingTime({ at: ['2026-12-05T10:00'] }, now, 'UTC')).toEqual({ problem: 'ticketPending.error.invalid' });
    expect(requestedPendingTime({ quick: 'in-1-year', at: 'x' }, now, 'UTC')).toEqual({ problem: 'ticketPending.error.invalid' });
    expect(requestedPendingTime({ at: '2026-12-02T21:30' }, now, 'UTC')).toEqual({ problem: 'ticketPending.error.past' });
    expect(requestedPendingTime({ at: '2026-12-02T22:30' }, now, 'Europe/Berlin')).toEqual({ problem: 'ticketPending.error.past' });
  });

  it('counts a reminder as reached from its minute on, and only for pending reminder', () => {
    const due = at('2026-12-03T08:00:00Z');
    expect(reminderReached({ state: 'pending reminder', pendingUntil: due }, due - 1)).toBe(false);
    expect(reminderReached({ state: 'pending reminder', pendingUntil: due }, due)).toBe(true);
    expect(reminderReached({ state: 'pending auto close+', pendingUntil: due }, due)).toBe(false);
    expect(reminderReached({ state: 'pending reminder', pendingUntil: null }, due)).toBe(false);
  });
});
