/**
 * X's ids (tweets, users, DM events) are 64-bit snowflakes: digit strings, at most 19 digits, which
 * is X's own check (`^[0-9]{1,19}$` in its 400 answers). Anything else never reaches a column: the
 * id columns are varchar(30), the inbox's dedupe key varchar(60).
 */
const X_ID = /^\d{1,19}$/;

export function isXId(value: unknown): value is string {
  return typeof value === 'string' && X_ID.test(value);
}

/** A short, readable rendering of a value that is not an X id, for an inbox note. */
export function describeBadId(value: string): string {
  return value.length > 24 ? `${value.slice(0, 20)}… (${value.length} characters)` : JSON.stringify(value);
}
