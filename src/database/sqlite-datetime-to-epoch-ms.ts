/**
 * SQLite: a datetime as SQLite's `datetime('now')` wrote it ('YYYY-MM-DD HH:MM:SS', UTC) or as
 * TypeORM did (with milliseconds), as epoch ms. The times of rows written before every stored
 * moment became epoch ms from Clock (docs/ARCHITECTURE.md, "Time").
 */
export function sqliteDatetimeToEpochMs(column: string): string {
  return `CAST(ROUND((julianday(${column}) - 2440587.5) * 86400000) AS INTEGER)`;
}
