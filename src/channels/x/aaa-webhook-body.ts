import { idString, parseJsonExact } from './exact-json';

/** One message item of an Account Activity delivery, ready to be stored in the inbox. */
export interface AaaInboxItem {
  format: 'aaa-tweet' | 'aaa-dm';
  /** `tweet:<id>` or `dm:<event id>`: the same message delivered twice has the same key. */
  dedupeKey: string;
  /** The item with what it needs of the envelope (the users map of a DM). */
  payload: { forUserId: string; item: unknown; users?: Record<string, unknown> };
  /** Tweets that answer nothing start their own conversation (v1.1 items carry no conversation_id). */
  conversationId?: string;
}

export interface AaaDelivery {
  forUserId: string | undefined;
  items: AaaInboxItem[];
}

export class AaaBodyError extends Error {}

/**
 * Splits a webhook body into the items socialdesk keeps: tweets and DM `message_create` events.
 * Favourites, follows, typing and read indicators carry no message and are left out.
 * Parsed without rounding: ids beyond 2^53 stay exact.
 */
export function splitAaaDelivery(rawBody: string): AaaDelivery {
  let body: unknown;
  try {
    body = parseJsonExact(rawBody);
  } catch {
    throw new AaaBodyError('body is not JSON');
  }
  if (!isRecord(body)) throw new AaaBodyError('body is not a JSON object');
  const forUserId = idString(body.for_user_id);
  const items: AaaInboxItem[] = [];
  if (!forUserId) return { forUserId, items };

  for (const tweet of arrayOf(body.tweet_create_events)) {
    const id = isRecord(tweet) ? (idString(tweet.id_str) ?? idString(tweet.id)) : undefined;
    if (!id) continue;
    const isReply = isRecord(tweet) && (idString(tweet.in_reply_to_status_id_str) ?? idString(tweet.in_reply_to_status_id)) !== undefined;
    items.push({ format: 'aaa-tweet', dedupeKey: `tweet:${id}`, payload: { forUserId, item: tweet }, ...(isReply ? {} : { conversationId: id }) });
  }
  const users = isRecord(body.users) ? body.users : undefined;
  for (const event of arrayOf(body.direct_message_events)) {
    if (!isRecord(event) || event.type !== 'message_create') continue;
    const id = idString(event.id);
    if (id) items.push({ format: 'aaa-dm', dedupeKey: `dm:${id}`, payload: { forUserId, item: event, users: participantsOf(event, users) } });
  }
  return { forUserId, items };
}

/** Only the two people of this DM, not every user X listed for the whole delivery. */
function participantsOf(event: Record<string, unknown>, users: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!users) return undefined;
  const create = isRecord(event.message_create) ? event.message_create : {};
  const target = isRecord(create.target) ? create.target : {};
  const ids = [idString(create.sender_id), idString(target.recipient_id)].filter((id): id is string => !!id);
  return Object.fromEntries(ids.filter((id) => id in users).map((id) => [id, users[id]]));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
