import { Column, type ValueTransformer } from 'typeorm';

/**
 * Every stored moment is epoch milliseconds from `Clock` in a `bigint` column (docs/ARCHITECTURE.md,
 * "Time"). The drivers give bigint back as text (node-pg) or as a number (SQLite): the entity
 * always sees a number, and null stays null.
 */
export const epochMsTransformer: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};

export interface EpochMsColumnOptions {
  name: string;
  nullable?: boolean;
  default?: number;
}

/** A moment in epoch milliseconds (entity property typed `number`). */
export function EpochMsColumn(options: EpochMsColumnOptions): PropertyDecorator {
  return Column({ type: 'bigint', transformer: epochMsTransformer, ...options });
}

/** A moment read by raw SQL, as the driver gives it (text on PostgreSQL, a number on SQLite), in epoch ms. */
export function epochMsOf(value: string | number): number {
  return Number(value);
}
