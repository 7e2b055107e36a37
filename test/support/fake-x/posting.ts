import { isFormContentType } from '../../../src/channels/x/oauth1-signer';
import type { AaaDelivery } from './aaa-delivery';
import { personOf, type FakeXAccounts } from './accounts';
import { invalidRequest, jsonFields, rawJson, v11Error, v11Id, v2Data, type Answer } from './answers';
import { jsonBody, type FakeRequest } from './http';
import type { FakeXMedia, FakeXMediaStore } from './media';
import type { Auth } from './oauth-verification';
import type { FakeXTimeline } from './timeline';
import type { FakeXEchoMode, FakeXSent, FakeXUser } from './types';

/**
 * What the app sends: tweets (v2 POST /2/tweets, v1.1 statuses/update) and DMs (v2
 * dm_conversations/with/:id/messages). Each lands in `sent` and on the timeline, and comes back
 * to the sender's webhook as X's echo, before or after the answer.
 */
export class FakeXPosting {
  readonly sent: FakeXSent[] = [];
  echoMode: FakeXEchoMode = 'after-response';

  constructor(
    private readonly accounts: FakeXAccounts,
    private readonly timeline: FakeXTimeline,
    private readonly aaa: AaaDelivery,
    private readonly idsAsJsonNumbers: boolean,
    private readonly media: FakeXMediaStore,
  ) {}

  /** POST /2/tweets */
  createTweet(request: FakeRequest, auth: Auth): Answer {
    const body = jsonBody(request);
    const text = body?.text;
    const reply = body?.reply as { in_reply_to_tweet_id?: unknown } | undefined;
    const inReplyTo = reply?.in_reply_to_tweet_id;
    const mediaIds = (body?.media as { media_ids?: unknown } | undefined)?.media_ids;
    const attached = this.attachable(mediaIds, auth, 'tweet_image', 4);
    if (typeof attached === 'string') return invalidRequest(`media.media_ids: ${attached}`);
    if ((typeof text !== 'string' || text.length === 0) && attached.length === 0) return invalidRequest('text: a non-empty string is required');
    if (inReplyTo !== undefined && !(typeof inReplyTo === 'string' && /^\d+$/.test(inReplyTo))) {
      return invalidRequest('reply.in_reply_to_tweet_id: must be a numeric id string');
    }
    const { id, echo } = this.recordSentTweet(auth, typeof text === 'string' ? text : '', inReplyTo, attached);
    return this.withEcho(v2Data(201, { id, text, edit_history_tweet_ids: [id] }, this.idsAsJsonNumbers), echo);
  }

  /** POST /2/dm_conversations/with/:participant_id/messages */
  sendDirectMessage(request: FakeRequest, auth: Auth, participantId: string): Answer {
    const body = jsonBody(request);
    const text = body?.text;
    if (!/^\d+$/.test(participantId)) return invalidRequest('participant_id: must be a numeric id');
    const attachments = body?.attachments;
    const mediaIds = Array.isArray(attachments) ? attachments.map((a) => (a as { media_id?: unknown } | null)?.media_id) : attachments;
    const attached = this.attachable(mediaIds, auth, 'dm_image', 1);
    if (typeof attached === 'string') return invalidRequest(`attachments: ${attached}`);
    if ((typeof text !== 'string' || text.length === 0) && attached.length === 0) return invalidRequest('text: a non-empty string is required');
    const sender = this.userOf(auth);
    const message = this.timeline.addDirectMessage({ from: personOf(sender), toUserId: participantId, text: typeof text === 'string' ? text : '' }, this.accounts.appInfo(auth.consumerKey).id);
    if (attached.length) message.media = attached.map((upload) => this.mediaOf(upload, [sender.id, participantId]));
    const dmEventId = message.id;
    const dmConversationId = [sender.id, participantId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).join('-');
    this.sent.push({
      kind: 'dm',
      dmEventId,
      dmConversationId,
      participantId,
      senderId: sender.id,
      text: message.text,
      consumerKey: auth.consumerKey,
      ...(attached.length ? { mediaIds: attached.map((upload) => upload.id) } : {}),
    });
    return this.withEcho(v2Data(201, { dm_conversation_id: dmConversationId, dm_event_id: dmEventId }, this.idsAsJsonNumbers), () => this.aaa.deliverDirectMessageEvents(message, true));
  }

  /** POST /1.1/statuses/update.json */
  updateStatus(request: FakeRequest, auth: Auth): Answer {
    const params = isFormContentType(request.contentType) ? new URLSearchParams(request.body) : request.query;
    const text = params.get('status');
    // X ignores an in_reply_to_status_id it cannot resolve rather than failing the update.
    const inReplyTo = /^\d+$/.test(params.get('in_reply_to_status_id') ?? '') ? (params.get('in_reply_to_status_id') as string) : undefined;
    if (!text) return v11Error(400, 170, 'Missing required parameter: status.');
    const user = this.userOf(auth);
    const { id, echo } = this.recordSentTweet(auth, text, inReplyTo);
    return this.withEcho(rawJson(200, `{${v11Id(id)},${jsonFields({ text })},"user":{${v11Id(user.id)},${jsonFields({ screen_name: user.username })}}}`), echo);
  }

  clear(): void {
    this.sent.length = 0;
    this.echoMode = 'after-response';
  }

  /** A tweet the app sent: in `sent`, on the timeline, and echoed to the author's webhook. */
  private recordSentTweet(auth: Auth, text: string, inReplyTo: string | undefined, attached: { id: string; contentType: string; bytes: Buffer }[] = []): { id: string; echo: () => Promise<unknown> } {
    const user = this.userOf(auth);
    const tweet = this.timeline.addTweet({ author: personOf(user), text, ...(inReplyTo ? { inReplyToTweetId: inReplyTo } : {}) });
    if (attached.length) tweet.media = attached.map((upload) => this.mediaOf(upload));
    this.sent.push({
      kind: 'tweet',
      id: tweet.id,
      text,
      ...(inReplyTo ? { inReplyToTweetId: inReplyTo } : {}),
      authorId: user.id,
      consumerKey: auth.consumerKey,
      ...(attached.length ? { mediaIds: attached.map((upload) => upload.id) } : {}),
    });
    return { id: tweet.id, echo: () => this.aaa.deliverTweetEvents(tweet, this.aaa.accountsConcernedBy(tweet), true) };
  }

  /** The uploads a tweet or DM names, if this account uploaded each for this use; else X's complaint. */
  private attachable(ids: unknown, auth: Auth, category: string, max: number): { id: string; contentType: string; bytes: Buffer }[] | string {
    if (ids === undefined) return [];
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > max) return `must be a list of 1 to ${max} media ids`;
    const userId = this.userOf(auth).id;
    const uploads = ids.map((id) => this.media.uploaded(id, userId, category));
    return uploads.every((upload) => upload !== undefined) ? uploads : 'Your media IDs are invalid.';
  }

  /** What the sent message shows: the uploaded image, as X would serve it. */
  private mediaOf(upload: { contentType: string; bytes: Buffer }, participants?: string[]): FakeXMedia {
    return this.media.create({ type: 'photo', bytes: upload.bytes, contentType: upload.contentType }, participants);
  }

  private withEcho(answer: Answer, echo: () => Promise<unknown>): Answer {
    return this.echoMode === 'off' ? answer : { ...answer, echoes: [echo] };
  }

  private userOf(auth: Auth): FakeXUser {
    return this.accounts.userByToken(auth.token as string) as FakeXUser;
  }
}
