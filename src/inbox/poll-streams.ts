/** What a profile is polled for. */
export interface PollStreamsInput {
  /** Set when the admin connected the Account Activity API (wizard step 2): mentions and DMs arrive by webhook. */
  hasWebhook: boolean;
  hashtags: string[];
}

/**
 * Tracked #hashtags are always polled: the webhook only carries the account's own activity, never a
 * stranger's hashtag tweet. Mentions and DMs are polled only where no webhook brings them.
 */
export function pollStreams(input: PollStreamsInput): string[] {
  const streams = input.hashtags.map((tag) => `hashtag:${tag}`);
  return input.hasWebhook ? streams : ['mentions', 'dms', ...streams];
}
