import { NotFoundException, type PipeTransform } from '@nestjs/common';

/** The largest id an `integer` column holds on PostgreSQL (and that we ever hand out). */
export const MAX_RECORD_ID = 2_147_483_647;

/**
 * A record id from the URL. Anything that cannot be one of our ids — not digits, zero, or beyond
 * what an `integer` column holds (PostgreSQL would refuse the query) — names no record: 404, as
 * for an id that does not exist, never a 400 or a database error.
 */
export class RecordIdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    // The global validation pipe may have turned the text into a number already (`id: number`).
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !/^[1-9][0-9]{0,9}$/.test(text)) throw new NotFoundException();
    const id = Number(text);
    if (id > MAX_RECORD_ID) throw new NotFoundException();
    return id;
  }
}
