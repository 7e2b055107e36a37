import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { Repository } from 'typeorm';
import { describeBadId, isXId } from '../channels/x/x-id';
import { Clock } from '../common/clock';
import { InboxEvent, type InboxFormat, type InboxSource } from './inbox-event.entity';

export interface NewInboxItem {
  format: InboxFormat;
  dedupeKey: string;
  payload: unknown;
  /** Tweets: X's conversation_id when the item tells it (v2 items carry it in the payload). */
  conversationId?: string;
}

/** The dedupe_key column's length. */
const DEDUPE_KEY_LENGTH = 60;

/**
 * Writes received messages into the inbox; a second delivery of the same message is a no-op.
 * An item whose id is no X id is kept too, as `rejected` with the reason, under a key that fits
 * the column: one bad item never costs the rest of its delivery (a 500 would make X resend it all).
 */
@Injectable()
export class InboxStore {
  constructor(
    @InjectRepository(InboxEvent) private readonly events: Repository<InboxEvent>,
    private readonly clock: Clock,
  ) {}

  /** Stores what is new in one statement (the unique key drops what is already there). */
  async store(profileId: number, source: InboxSource, items: NewInboxItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.events
      .createQueryBuilder()
      .insert()
      .into(InboxEvent)
      .values(items.map((item) => row(profileId, source, item, this.clock.now())))
      .orIgnore()
      .execute();
  }
}

function row(profileId: number, source: InboxSource, item: NewInboxItem, now: number) {
  // JSON text escapes NUL and lone surrogates, so the payload is kept exactly on both databases.
  const common = { profileId, source, format: item.format, payload: JSON.stringify(item.payload), nextAttemptAt: '0' };
  const id = /^(?:tweet|dm):(.*)$/s.exec(item.dedupeKey)?.[1];
  if (id === undefined || !isXId(id)) {
    const problem = id === undefined ? `Not a message key: ${describeBadId(item.dedupeKey)}` : `The message id is not an X id: ${describeBadId(id)}`;
    return { ...common, dedupeKey: fittingKey(item.dedupeKey), status: 'rejected' as const, error: `${problem}. Nothing was stored.`, processedAt: String(now) };
  }
  const conversationId = item.conversationId ?? payloadConversation(item);
  return { ...common, dedupeKey: item.dedupeKey, status: 'received' as const, conversationId: isXId(conversationId) ? conversationId : null };
}

/** The same over-long key always gives the same short one, so a redelivery is still stored once. */
function fittingKey(dedupeKey: string): string {
  if (dedupeKey.length <= DEDUPE_KEY_LENGTH && !dedupeKey.includes('\u0000')) return dedupeKey;
  return `refused:${createHash('sha256').update(dedupeKey).digest('base64url')}`;
}

function payloadConversation(item: NewInboxItem): string | undefined {
  if (item.format !== 'v2-tweet' || typeof item.payload !== 'object' || item.payload === null) return undefined;
  const { conversationId } = item.payload as { conversationId?: unknown };
  return typeof conversationId === 'string' ? conversationId : undefined;
}
