/**
 * Wall-clock times in an agent's IANA time zone (docs/AGENT-WORKSPACE.md, "Time zones"), on the
 * runtime's own Intl data. Node 20 has no Temporal; converting a wall-clock time back to an instant
 * is the one missing piece, done here by trying the zone's offsets around that time.
 */

export const DEFAULT_TIME_ZONE = 'UTC';

/** A minute on a calendar: month 1–12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

let zoneList: string[] | undefined;

/** Every zone the runtime lists, UTC first, then by name (ICU's names: Asia/Calcutta, Europe/Kiev). */
export function timeZones(): string[] {
  zoneList ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
  return zoneList;
}

/**
 * The zone as the runtime names it, for any name it accepts exactly (also newer ones it does not
 * list, such as Asia/Kolkata); undefined for anything else.
 */
export function knownTimeZone(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  if (formatters.has(value)) return value;
  // Intl accepts any letter case; a stored name is kept as written in the zone database.
  if (!timeZones().includes(value) && !/^[A-Z][A-Za-z_+-]*(?:\/[A-Za-z0-9_+-]+){1,2}$/.test(value)) return undefined;
  try {
    formatterFor(value);
  } catch {
    return undefined;
  }
  return value;
}

export function isTimeZone(value: unknown): value is string {
  return knownTimeZone(value) !== undefined;
}

/** The wall clock in `timeZone` at an instant (seconds dropped). */
export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

/** The wall clock read as if it were UTC, in ms: the arithmetic base for calendar steps. */
function asUtc(wall: WallClock): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, 0, 0);
  return date.getTime();
}

function fromUtc(ms: number): WallClock {
  const date = new Date(ms);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: date.getUTCHours(), minute: date.getUTCMinutes() };
}

/** The zone's offset from UTC at an instant, in ms, to the minute. */
function offsetAt(epochMs: number, timeZone: string): number {
  const floored = Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
  return asUtc(wallClockAt(floored, timeZone)) - floored;
}

const sameMinute = (a: WallClock, b: WallClock) => a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;

/**
 * The instant a wall-clock time in `timeZone` names. A time that exists twice (clocks turned back)
 * is the earlier one; a time that does not exist (clocks turned forward) is read with the offset
 * before the change, i.e. moved forward by the gap — Temporal's "compatible" choice.
 */
export function epochOfWallClock(wall: WallClock, timeZone: string): number {
  const local = asUtc(wall);
  // Offsets a day before and after: zones do not change twice within two days.
  const before = offsetAt(local - DAY_MS, timeZone);
  const after = offsetAt(local + DAY_MS, timeZone);
  const candidates = [...new Set([local - before, local - after])].filter((epoch) => sameMinute(wallClockAt(epoch, timeZone), wall));
  if (candidates.length > 0) return Math.min(...candidates);
  return local - before;
}

/** The same wall-clock time `days` calendar days later (`hour`/`minute` replaced when given). */
export function addCalendarDays(wall: WallClock, days: number, time?: { hour: number; minute: number }): WallClock {
  const moved = fromUtc(asUtc(wall) + days * DAY_MS);
  return time ? { ...moved, ...time } : moved;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM`, as the tables show times. */
export function formatWallClock(wall: WallClock): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** `YYYY-MM-DDTHH:MM`: the value of an `<input type="datetime-local">`. */
export function toDateTimeLocal(wall: WallClock): string {
  return formatWallClock(wall).replace(' ', 'T');
}

/** An instant as `YYYY-MM-DD HH:MM` in the zone. */
export function formatInstant(epochMs: number, timeZone: string): string {
  return formatWallClock(wallClockAt(epochMs, timeZone));
}

const DATE_TIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d{1,3})?)?$/;

/** A `datetime-local` value (or `YYYY-MM-DD HH:MM`) as a wall clock; undefined when it names no real minute. */
export function parseDateTimeLocal(text: unknown): WallClock | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DATE_TIME_LOCAL.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const wall = { year, month, day, hour, minute };
  if (year < 1970 || hour > 23 || minute > 59) return undefined;
  // 2026-02-30 rolls over to March: not a real date.
  return sameMinute(fromUtc(asUtc(wall)), wall) ? wall : undefined;
}
