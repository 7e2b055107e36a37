import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Replies and other outgoing articles X did not take, per profile, since a moment. Reads the
 * tickets module's `articles` table directly: that module exposes no such count yet, and this
 * read-only query is the only place outside it that looks there (move it into TicketsService when
 * that module is next changed).
 */
@Injectable()
export class FailedRepliesQuery {
  constructor(private readonly dataSource: DataSource) {}

  async countSince(profileIds: number[], since: Date): Promise<Map<number, number>> {
    if (profileIds.length === 0) return new Map();
    const rows: Array<{ profileId: number | string; failed: number | string }> = await this.dataSource
      .createQueryBuilder()
      .select('a.profile_id', 'profileId')
      .addSelect('COUNT(*)', 'failed')
      .from('articles', 'a')
      .where('a.profile_id IN (:...profileIds)', { profileIds })
      .andWhere("a.delivery_status = 'failed'")
      .andWhere('a.created_at > :since', { since })
      .groupBy('a.profile_id')
      .getRawMany();
    return new Map(rows.map((row) => [Number(row.profileId), Number(row.failed)]));
  }
}
