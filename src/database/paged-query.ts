import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { pageWindow, type PageWindow } from '../common/pagination';

/**
 * One page of a query's entities, with LIMIT and OFFSET bound as parameters. TypeORM writes
 * `.limit()`/`.offset()`/`skip`/`take` into the SQL text, so page numbers from a URL never go there
 * (docs/SECURITY.md, V5.3.4): the ids of the page are read with bound values, then their entities
 * (joins included) in the query's own order.
 */
export async function pageOf<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, requested: number, pageSize: number): Promise<{ rows: T[]; total: number; window: PageWindow }> {
  const total = await query.getCount();
  const window = pageWindow(requested, total, pageSize);
  const ids = await pageIdsOf(query, window);
  if (ids.length === 0) return { rows: [], total, window };
  const rows = await query.clone().andWhere(`${query.alias}.id IN (:...pageIds)`, { pageIds: ids }).getMany();
  return { rows, total, window };
}

/**
 * The ids of one page of a query, in the query's order, LIMIT and OFFSET bound as parameters. For
 * lists that count and load their page their own way (the ticket list, src/tickets/tickets.service.ts).
 */
export async function pageIdsOf<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, window: PageWindow): Promise<number[]> {
  const [sql, parameters]: [string, unknown[]] = query.clone().select(`${query.alias}.id`, 'page_id').getQueryAndParameters();
  const postgres = query.connection.options.type === 'postgres';
  const limitOffset = postgres ? ` LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}` : ' LIMIT ? OFFSET ?';
  const ids: { page_id: number | string }[] = await query.connection.query(sql + limitOffset, [...parameters, window.limit, window.offset]);
  return ids.map((r) => Number(r.page_id));
}
