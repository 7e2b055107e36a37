import fc from 'fast-check';
import { addCalendarDays, epochOfWallClock, formatInstant, isTimeZone, parseDateTimeLocal, timeZones, toDateTimeLocal, wallClockAt } from './time-zone';

const at = (iso: string) => Date.parse(iso);

describe('time zones', () => {
  it('lists UTC first and the IANA zones after it', () => {
    expect(timeZones()[0]).toBe('UTC');
    expect(timeZones()).toEqual(expect.arrayContaining(['Europe/Berlin', 'Europe/Belgrade', 'America/New_York']));
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    // Newer names the runtime accepts but lists under their old name.
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    for (const bad of ['Mars/Olympus', 'europe/berlin', '', 'Europe/Berlin/../x', 'x'.repeat(65), 42, null]) expect(isTimeZone(bad)).toBe(false);
  });

  it('shows an instant in the agent’s zone', () => {
    expect(formatInstant(at('2026-07-01T10:15:00Z'), 'Europe/Berlin')).toBe('2026-07-01 12:15');
    expect(formatInstant(at('2026-01-01T10:15:00Z'), 'Europe/Berlin')).toBe('2026-01-01 11:15');
    expect(formatInstant(at('2026-01-01T10:15:00Z'), 'Asia/Kolkata')).toBe('2026-01-01 15:45');
    expect(formatInstant(at('2026-01-01T02:15:00Z'), 'America/New_York')).toBe('2025-12-31 21:15');
  });

  it('reads a wall-clock time in a zone back as an instant', () => {
    expect(epochOfWallClock({ year: 2026, month: 7, day: 1, hour: 12, minute: 15 }, 'Europe/Berlin')).toBe(at('2026-07-01T10:15:00Z'));
    expect(epochOfWallClock({ year: 2026, month: 1, day: 1, hour: 9, minute: 0 }, 'America/New_York')).toBe(at('2026-01-01T14:00:00Z'));
    expect(epochOfWallClock({ year: 2026, month: 1, day: 1, hour: 9, minute: 0 }, 'UTC')).toBe(at('2026-01-01T09:00:00Z'));
  });

  it('moves a time in the spring-forward gap forward by the gap (02:30 → 03:30 CEST)', () => {
    const epoch = epochOfWallClock({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin');
    expect(epoch).toBe(at('2026-03-29T01:30:00Z'));
    expect(formatInstant(epoch, 'Europe/Berlin')).toBe('2026-03-29 03:30');
  });

  it('takes the earlier of a time that exists twice in autumn (02:30 CEST, not CET)', () => {
    expect(epochOfWallClock({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin')).toBe(at('2026-10-25T00:30:00Z'));
  });

  it('round-trips every minute of a decade in several zones (the earlier instant where a time repeats)', () => {
    const zones = ['Europe/Berlin', 'Europe/Belgrade', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: at('2020-01-01T00:00:00Z') / 60_000, max: at('2030-12-31T00:00:00Z') / 60_000 }), fc.constantFrom(...zones), (minute, zone) => {
        const epoch = minute * 60_000;
        const wall = wallClockAt(epoch, zone);
        const back = epochOfWallClock(wall, zone);
        // Either the same instant, or an earlier one showing the same wall clock (the repeated hour).
        expect(back <= epoch).toBe(true);
        expect(wallClockAt(back, zone)).toEqual(wall);
        expect(epoch - back).toBeLessThanOrEqual(60 * 60_000);
      }),
      { numRuns: 2000 },
    );
  });

  it('steps calendar days keeping the wall-clock time, across month and year ends', () => {
    expect(addCalendarDays({ year: 2026, month: 12, day: 31, hour: 17, minute: 5 }, 1, { hour: 9, minute: 0 })).toEqual({ year: 2027, month: 1, day: 1, hour: 9, minute: 0 });
    expect(addCalendarDays({ year: 2028, month: 2, day: 25, hour: 8, minute: 0 }, 7)).toEqual({ year: 2028, month: 3, day: 3, hour: 8, minute: 0 });
  });

  it('parses datetime-local values and refuses what names no real minute', () => {
    expect(parseDateTimeLocal('2026-12-03T09:00')).toEqual({ year: 2026, month: 12, day: 3, hour: 9, minute: 0 });
    expect(parseDateTimeLocal('2026-12-03 09:00')).toEqual({ year: 2026, month: 12, day: 3, hour: 9, minute: 0 });
    expect(parseDateTimeLocal('2026-12-03T09:00:30')).toEqual({ year: 2026, month: 12, day: 3, hour: 9, minute: 0 });
    for (const bad of ['', '2026-02-30T10:00', '2026-13-01T10:00', '2026-12-03T24:00', '2026-12-03T09:60', 'tomorrow', '0999-01-01T00:00', '2026-12-03', '+2026-12-03T09:00', 42, undefined]) {
      expect(parseDateTimeLocal(bad)).toBeUndefined();
    }
    expect(toDateTimeLocal({ year: 2026, month: 1, day: 2, hour: 3, minute: 4 })).toBe('2026-01-02T03:04');
  });
});
