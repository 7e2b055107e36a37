/**
 * OTRS-style ticket numbers: the creation day `YYYYMMDD` (UTC) followed by the ticket id, at least
 * eight digits. Unique because the id is; set right after the insert that gave the id, by the agent
 * screens and the inbox alike.
 */
export function ticketNumber(createdAt: Date, id: number): string {
  const day = createdAt.toISOString().slice(0, 10).replace(/-/g, '');
  return `${day}${String(id).padStart(8, '0')}`;
}
