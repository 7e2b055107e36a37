import { mapAaaItem } from '../channels/x/aaa-message-mapper';
import type { IncomingXMessage } from '../channels/x/incoming-x-message';
import type { InboxEvent } from './inbox-event.entity';

/**
 * The message an inbox event holds, whatever wire shape it was stored in; undefined when it is not
 * a message. Throws when the payload is not JSON at all (a damaged row: the worker counts it as a
 * failed attempt, and the admin sees why).
 */
export function inboxMessage(event: Pick<InboxEvent, 'format' | 'payload'>): IncomingXMessage | undefined {
  const payload: unknown = JSON.parse(event.payload);
  if (event.format === 'aaa-tweet' || event.format === 'aaa-dm') return mapAaaItem(event.format, payload);
  // Polled and fetched items are stored already in the neutral shape.
  return typeof payload === 'object' && payload !== null ? (payload as IncomingXMessage) : undefined;
}
