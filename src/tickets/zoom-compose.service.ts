import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AttachmentStore, type AttachmentView } from '../attachments/attachment-store.service';
import type { FormState } from '../common/form-state';
import { dmConversation } from './conversation-key';
import { ConversationTickets, type TicketRef } from './conversation-tickets.service';
import { channelPrefill, replyChannels, type ReplyChannel } from './reply-channels';
import type { TicketsService } from './tickets.service';
import { MAX_DM_LENGTH, MAX_TWEET_WEIGHT } from './tweet-length';

type ZoomView = Awaited<ReturnType<TicketsService['zoom']>>;

/** What the zoom's reply form offers beyond the text (views/partials/ticket-reply-form.hbs). */
export interface ComposeView {
  channels: { value: ReplyChannel; label: string; checked: boolean }[];
  chosen: ReplyChannel;
  prefill: Record<ReplyChannel, string>;
  body: string;
  limit: number;
  tweetLimit: number;
  dmLimit: number;
  /** A tweet from a DM ticket is public and answers nothing. */
  publicTweet: boolean;
  /** A DM on a mention ticket brings the customer's DM conversation into this ticket. */
  dmJoins: boolean;
  /** …unless another open ticket holds it: the customer's answers will land there. */
  dmLandsIn?: TicketRef;
  /** Photos, GIFs and videos per article id. */
  media: Record<number, AttachmentView[]>;
}

/**
 * The zoom's additions for answering the way the customer wrote or the other way
 * (docs/SEARCH-AND-MEDIA.md), kept apart from TicketsService.zoom: the channels offered, the text
 * each starts with, and where a customer's DM answers will land.
 */
@Injectable()
export class ZoomCompose {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationTickets,
    private readonly attachments: AttachmentStore,
  ) {}

  async forZoom(view: ZoomView, rejected?: FormState): Promise<ComposeView> {
    const { ticket } = view;
    const channels = replyChannels(ticket.channel).filter((c) => c === 'tweet' || /^\d+$/.test(ticket.customerXId));
    const typed = rejected?.values.channel;
    const chosen = channels.find((c) => c === typed) ?? channels[0];
    const wasRejected = typeof rejected?.values.body === 'string';
    // On a tweet ticket the tweet prefill names the author of the tweet answered (TicketsService.zoom).
    const prefill: Record<ReplyChannel, string> = {
      tweet: ticket.channel === 'tweet' && !wasRejected ? view.reply.body : channelPrefill('tweet', ticket.customerHandle),
      dm: channelPrefill('dm', ticket.customerHandle),
    };
    const dmJoins = ticket.channel === 'tweet' && channels.includes('dm');
    const holder = dmJoins ? await this.conversations.holderOf(this.dataSource.manager, ticket.profile.id, dmConversation(ticket.customerXId)) : undefined;
    return {
      channels: channels.map((value) => ({ value, label: `compose.channel.${value}`, checked: value === chosen })),
      chosen,
      prefill,
      body: wasRejected ? String(rejected.values.body) : prefill[chosen],
      limit: chosen === 'tweet' ? MAX_TWEET_WEIGHT : MAX_DM_LENGTH,
      tweetLimit: MAX_TWEET_WEIGHT,
      dmLimit: MAX_DM_LENGTH,
      publicTweet: ticket.channel === 'dm',
      dmJoins,
      ...(holder && holder.id !== ticket.id ? { dmLandsIn: holder } : {}),
      media: await this.attachments.viewsFor(
        ticket.id,
        view.articles.map((a) => a.id),
      ),
    };
  }
}
