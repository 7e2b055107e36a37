import { DomainException } from '../common/domain.exception';
import { replyPrefill } from './ticket-rules';
import type { TicketChannel } from './ticket.entity';

/**
 * How an agent may answer (docs/SEARCH-AND-MEDIA.md): the way the customer wrote, or the other way.
 * A mention can be answered publicly (a reply tweet) or privately (a DM to its author); a DM ticket
 * can get a public tweet that mentions the customer. The ticket's own channel comes first.
 */
export const REPLY_CHANNELS = ['tweet', 'dm'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];

export function replyChannels(ticketChannel: TicketChannel): ReplyChannel[] {
  return ticketChannel === 'dm' ? ['dm', 'tweet'] : ['tweet', 'dm'];
}

/** The channel chosen in the reply form; the ticket's own when none was sent (older pages, scripts). */
export function chosenReplyChannel(ticketChannel: TicketChannel, raw: unknown): ReplyChannel {
  if (raw === undefined || raw === null || raw === '') return ticketChannel;
  if (!(REPLY_CHANNELS as readonly unknown[]).includes(raw)) throw new DomainException('validation.choose', 'channel');
  return raw as ReplyChannel;
}

/** What the text starts with on each channel: a tweet names the customer (X threads and notifies by it), a DM does not. */
export function channelPrefill(channel: ReplyChannel, customerHandle: string): string {
  return replyPrefill(channel, customerHandle);
}
