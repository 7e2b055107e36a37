import type { ReceivingMode } from '../social-media-profiles/social-media-profile.entity';

/** What a profile is polled for. */
export interface PollStreamsInput {
  /** Chosen in wizard step 6: in 'webhook' mode mentions and DMs arrive by Account Activity webhook only. */
  receivingMode: ReceivingMode;
  hashtags: string[];
}

/**
 * Tracked #hashtags are always polled: the webhook only carries the account's own activity, never a
 * stranger's hashtag tweet. Mentions and DMs are polled unless the profile relies on the webhook
 * alone; in 'both' mode a message may come twice and is stored once (the inbox dedupes).
 */
export function pollStreams(input: PollStreamsInput): string[] {
  const streams = input.hashtags.map((tag) => `hashtag:${tag}`);
  return input.receivingMode === 'webhook' ? streams : ['mentions', 'dms', ...streams];
}
