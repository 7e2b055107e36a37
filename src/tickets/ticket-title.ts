/** Longest title taken from a message, in characters (code points: an emoji is one). */
const TITLE_LENGTH = 80;

/**
 * The one title rule for tickets opened from a message, incoming or outgoing: the text on one line,
 * cut after 80 characters with "…". An agent may type a title instead on the new-ticket screen.
 */
export function ticketTitle(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(oneLine);
  return chars.length > TITLE_LENGTH ? `${chars.slice(0, TITLE_LENGTH).join('')}…` : oneLine || '(empty message)';
}
