/**
 * JSON with some integers written digit for digit. X's v1.1 objects carry ids > 2^53 as bare
 * numbers (`"id":1207623566339919872`) next to `id_str`; JSON.stringify cannot write those, and
 * a naive JSON.parse of them rounds — which is exactly what the fake must reproduce.
 */

export class BareNumber {
  constructor(readonly digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new TypeError(`not an integer: ${digits}`);
  }
}

export function bareNumber(digits: string): BareNumber {
  return new BareNumber(digits);
}

/** Like JSON.stringify (undefined properties left out), with BareNumber written as is. */
export function stringifyWithBareNumbers(value: unknown): string {
  if (value instanceof BareNumber) return value.digits;
  if (Array.isArray(value)) return `[${value.map((item) => stringifyWithBareNumbers(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .map(([key, field]) => `${JSON.stringify(key)}:${stringifyWithBareNumbers(field)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}
