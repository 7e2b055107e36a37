import type { EntityManager } from 'typeorm';
import type { IncomingTweet } from '../channels/x/incoming-x-message';
import { compareIds } from '../channels/x/x-v2-mapper';
import { rawQuery } from '../database/raw-query';
import type { InboxEvent, InboxStatus } from './inbox-event.entity';

/**
 * Which conversation (X's conversation_id) a tweet belongs to, found inside the worker's
 * transaction without the network (docs/THREADING.md, "Tweets"):
 *
 * - X said so (API v2), or the tweet answers nothing and starts its own;
 * - the event knows it already (from an earlier attempt, or the parent fetched from X);
 * - the tweet it answers is stored as an article: that article's conversation;
 * - the tweet it answers waits in the inbox: that one goes first (`wait`), so a ticket starts with
 *   the thread's first tweet and a reply that routes nowhere still finds its parent's ticket (X's
 *   conversation_id or not);
 * - otherwise the parent must come from X (`fetch`; the worker asks X outside its transaction),
 *   unless that was tried already and X had nothing or could not be reached in time: then the
 *   conversation stays unknown and the tweet is placed by the message it answers alone.
 */
export type TweetConversation =
  /**
   * Known, or known to be unknowable (undefined). `parentUnknown`: the tweet answers one that is
   * neither stored nor in the inbox; should the tweet route nowhere, that parent may (it may be
   * the mention that starts the thread), so it is worth fetching before the tweet is dropped.
   */
  | { kind: 'known'; conversationId: string | undefined; parentUnknown: boolean }
  /** The parent's event is still to be processed; come back when it is due. */
  | { kind: 'wait'; parentId: string; parentDueAt: number }
  /** Ask X for the parent. */
  | { kind: 'fetch'; parentId: string };

export async function tweetConversation(m: EntityManager, event: InboxEvent, tweet: IncomingTweet, profileId: number, now: number): Promise<TweetConversation> {
  const direct = tweet.conversationId ?? event.conversationId ?? undefined;
  const parentId = tweet.inReplyToTweetId;
  if (!parentId) return { kind: 'known', conversationId: direct ?? tweet.id, parentUnknown: false };

  const [parentArticle] = await rawQuery<{ conversation_id: string | null }>(m, 'SELECT conversation_id FROM articles WHERE profile_id = ? AND external_id = ?', [profileId, parentId]);
  // An article stored before conversations were recorded has none: the reply then joins that article's ticket.
  if (parentArticle) return { kind: 'known', conversationId: direct ?? parentArticle.conversation_id ?? undefined, parentUnknown: false };

  const [parentEvent] = await rawQuery<{ status: InboxStatus; conversation_id: string | null; next_attempt_at: string | number }>(
    m,
    'SELECT status, conversation_id, next_attempt_at FROM inbox_events WHERE profile_id = ? AND dedupe_key = ?',
    [profileId, `tweet:${parentId}`],
  );
  // Only an older tweet can be a parent (X's ids grow with time): two events can never wait for each other.
  const mayWait = compareIds(parentId, tweet.id) < 0 && (event.holdUntil === null || now < event.holdUntil);
  if (parentEvent?.status === 'received' && mayWait) return { kind: 'wait', parentId, parentDueAt: Number(parentEvent.next_attempt_at) };

  const known = direct ?? parentEvent?.conversation_id ?? undefined;
  if (known) return { kind: 'known', conversationId: known, parentUnknown: !parentEvent };
  if (event.parentLookup === 'missing' || event.parentLookup === 'gave-up' || event.parentLookup === 'fetched') return { kind: 'known', conversationId: undefined, parentUnknown: false };
  return { kind: 'fetch', parentId };
}
