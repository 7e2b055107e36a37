import { webhookSignature } from '../support/fake-x/webhook-signature';

/**
 * Account Activity webhook bodies as X sends them (docs/X.md, "What a delivery looks like"), written as raw JSON text so
 * that tweet ids can be bare numbers beyond 2^53 next to their `id_str`, as on the wire.
 */
let nextId = 1_800_000_000_000_000_000n;
export const newXId = () => String(nextId++);

export interface XPerson {
  id: string;
  handle: string;
  name: string;
}

export function dmBody(o: { forUserId: string; from: XPerson; to: XPerson; text: string; id?: string }): { body: string; id: string } {
  const id = o.id ?? newXId();
  const user = (p: XPerson) => `"${p.id}":{"id":"${p.id}","id_str":"${p.id}","name":${JSON.stringify(p.name)},"screen_name":${JSON.stringify(p.handle)}}`;
  const body =
    `{"for_user_id":"${o.forUserId}","direct_message_events":[{"type":"message_create","id":"${id}","created_timestamp":"${Date.now()}",` +
    `"message_create":{"target":{"recipient_id":"${o.to.id}"},"sender_id":"${o.from.id}","message_data":{"text":${JSON.stringify(o.text)},"entities":{"hashtags":[],"urls":[],"user_mentions":[]}}}}],` +
    `"users":{${user(o.from)},${user(o.to)}}}`;
  return { body, id };
}

export function tweetBody(o: {
  forUserId: string;
  author: XPerson;
  text: string;
  id?: string;
  inReplyTo?: { tweetId: string; userId: string };
  mentions?: XPerson[];
  hashtags?: string[];
  retweet?: boolean;
}): { body: string; id: string } {
  const id = o.id ?? newXId();
  const mentions = (o.mentions ?? []).map((p) => `{"screen_name":${JSON.stringify(p.handle)},"id":${p.id},"id_str":"${p.id}"}`).join(',');
  const hashtags = (o.hashtags ?? []).map((h) => `{"text":${JSON.stringify(h)}}`).join(',');
  const reply = o.inReplyTo
    ? `"in_reply_to_status_id":${o.inReplyTo.tweetId},"in_reply_to_status_id_str":"${o.inReplyTo.tweetId}","in_reply_to_user_id":${o.inReplyTo.userId},"in_reply_to_user_id_str":"${o.inReplyTo.userId}",`
    : '"in_reply_to_status_id":null,"in_reply_to_status_id_str":null,';
  const body =
    `{"for_user_id":"${o.forUserId}","user_has_blocked":false,"tweet_create_events":[{"id":${id},"id_str":"${id}","text":${JSON.stringify(o.text)},${reply}` +
    `"user":{"id":${o.author.id},"id_str":"${o.author.id}","name":${JSON.stringify(o.author.name)},"screen_name":${JSON.stringify(o.author.handle)}},` +
    `"entities":{"hashtags":[${hashtags}],"urls":[],"user_mentions":[${mentions}]}${o.retweet ? ',"retweeted_status":{"id_str":"1"}' : ''}}]}`;
  return { body, id };
}

export function signed(body: string, consumerSecret: string): { body: string; signature: string } {
  return { body, signature: webhookSignature(body, consumerSecret) };
}
