import type { MessageParams } from '../i18n/translator';

/**
 * What the inbox notes on an event, in English: stored in `inbox_events.error` as it is (logs,
 * support and the benchmark's checks read it), and shown on Admin → Inbox in the reader's language
 * (`inbox.note.<name>` in the catalogs), found again from the stored text by `readInboxNote`. A
 * text no note makes (an error's own message) is shown as it was stored.
 */
export const INBOX_NOTES = {
  fetchingParent: 'Fetching tweet {parent}, which it answers, from X.',
  waitingForParent: 'Waiting for tweet {parent}, which it answers, to be processed first.',
  parentUnreachable: 'X could not be reached for tweet {parent}, which it answers ({reason}): placed without it.',
  busy: 'Conversation {conversation} is being processed by another worker.',
  profileUnusable: 'The profile is not valid, not fully set up, or another profile holds its X account.',
  unreadable: 'Not a message socialdesk can read.',
  notAnXId: 'Not an X id: {id}. Nothing was stored.',
  notAMessageKey: 'Not a message key: {key}. Nothing was stored.',
  idNotAnXId: 'The message id is not an X id: {id}. Nothing was stored.',
  alreadyStored: 'Already stored (a repeated delivery or the echo of our own message).',
  dmBetweenOthers: 'A direct message between other accounts.',
  retweet: 'A retweet.',
  unrouted: 'Neither a mention of the profile nor a tracked hashtag.',
  followUpRejected: 'Follow-up rejected: ticket {number} is closed and queue "{queue}" rejects follow-ups.',
  ownOutsideTickets: 'Our own message, outside any ticket.',
  ownWhileSending: 'Own message while a send on its ticket is under way.',
  sentOutside: 'Sent from outside socialdesk; kept on the ticket.',
} as const;

export type InboxNoteName = keyof typeof INBOX_NOTES;

/** The English note, as stored. */
export function inboxNote(name: InboxNoteName, params: Record<string, string | number> = {}): string {
  return INBOX_NOTES[name].replace(/\{(\w+)\}/g, (_, param: string) => String(params[param]));
}

/** Each note's text as a pattern: its placeholders match any text (greedy from the left, as the English puts them). */
const PATTERNS = (Object.entries(INBOX_NOTES) as [InboxNoteName, string][]).map(([name, template]) => {
  const params: string[] = [];
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param);
      return '([\\s\\S]*)';
    })
    .join('');
  return { name, params, pattern: new RegExp(`^${source}$`) };
});

/** The catalog key and parameters of a stored note, or undefined for a text no note makes. */
export function readInboxNote(text: string | null | undefined): { key: string; params: MessageParams } | undefined {
  if (!text) return undefined;
  for (const { name, params, pattern } of PATTERNS) {
    const match = pattern.exec(text);
    if (match) return { key: `inbox.note.${name}`, params: Object.fromEntries(params.map((param, i) => [param, match[i + 1]])) };
  }
  return undefined;
}
