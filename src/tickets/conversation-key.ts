/**
 * What names one conversation with a profile, as tickets hold it (docs/THREADING.md): a string
 * such as `dm:<customer X id>`, unique per profile. Code outside this file treats it as opaque and
 * gets keys only from the functions here, so a new kind of conversation is one new function.
 */
export type ConversationKey = string & { readonly __conversationKey: never };

/** The longest key the table stores (`ticket_threads.thread_key`). */
export const CONVERSATION_KEY_LENGTH = 60;

/** A profile's direct-message conversation with one X user: all DMs between the two. */
export function dmConversation(customerXId: string): ConversationKey {
  return key('dm', customerXId);
}

/** A tweet conversation: every tweet whose X `conversation_id` is `id` (the id of the tweet that started it). */
export function tweetConversation(id: string): ConversationKey {
  return key('tweet', id);
}

function key(kind: string, id: string): ConversationKey {
  const value = `${kind}:${id}`;
  if (!id || value.length > CONVERSATION_KEY_LENGTH) throw new RangeError(`Not a conversation id: ${JSON.stringify(id)}`);
  return value as ConversationKey;
}
