/**
 * Which ticket a conversation's incoming message belongs to (docs/THREADING.md), before the queue's
 * follow-up option (decideFollowUp) says what the message does to it. Pure: the service finds the
 * candidates, this decides among them.
 */

/** The tickets an incoming message could belong to, as found in the database. */
export interface ConversationCandidates<T> {
  /** The open ticket holding the conversation's key. */
  holder?: T;
  /** The newest ticket that ever belonged to the conversation (closed, when nothing holds it). */
  latest?: T;
  /** The ticket of the stored message this one answers (tweet replies). */
  answered?: T;
}

/**
 * The open ticket holding the conversation wins; otherwise the conversation's latest ticket;
 * otherwise the ticket of the message it answers; none: a new conversation.
 */
export function conversationTicket<T>(candidates: ConversationCandidates<T>): T | undefined {
  return candidates.holder ?? candidates.latest ?? candidates.answered;
}

/** Holder and latest ticket among the rows of one conversation key (`ticket_threads`). */
export function holderAndLatest(rows: ReadonlyArray<{ ticketId: number; openThreadKey: string | null }>): Pick<ConversationCandidates<number>, 'holder' | 'latest'> {
  let holder: number | undefined;
  let latest: number | undefined;
  for (const row of rows) {
    if (row.openThreadKey !== null) holder = row.ticketId;
    if (latest === undefined || row.ticketId > latest) latest = row.ticketId;
  }
  return { holder, latest };
}
