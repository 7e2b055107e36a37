import type { FollowUpOption } from '../queues/queue.entity';
import { conversationTicket, holderAndLatest, type ConversationCandidates } from './conversation-rule';
import { decideFollowUp } from './follow-up-decision';
import type { TicketState } from './ticket-states';

interface T {
  name: string;
  state: TicketState;
  ownerId: number | null;
  locked: boolean;
}
const ticket = (name: string, state: TicketState): T => ({ name, state, ownerId: 7, locked: false });

/** The whole rule of docs/THREADING.md: pick the ticket, then let its queue's follow-up option decide. */
function place(candidates: ConversationCandidates<T>, option: FollowUpOption) {
  const chosen = conversationTicket(candidates);
  const decision = decideFollowUp(chosen, { followUp: option, followUpLock: false });
  return decision.action === 'append' ? `append to ${chosen!.name} (${decision.newState})` : decision.action === 'reject' ? `reject (${chosen!.name})` : 'new ticket';
}

describe('where an incoming message of a conversation goes', () => {
  const A_closed = ticket('A', 'closed successful');
  const B_closed = ticket('B', 'closed successful');
  const B_open = ticket('B', 'open');
  const B_new = ticket('B', 'new');
  const P_pending = ticket('P', 'pending reminder');
  const P_closed = ticket('P', 'closed unsuccessful');

  it.each<[string, ConversationCandidates<T>, FollowUpOption, string]>([
    ['nothing known', {}, 'possible', 'new ticket'],
    ['nothing known, queue rejects', {}, 'reject', 'new ticket'],
    ['a holder that is new', { holder: B_new, latest: B_new }, 'new-ticket', 'append to B (new)'],
    ['a holder that is open', { holder: B_open, latest: B_open }, 'reject', 'append to B (open)'],
    // Defect 1 of issue 8: A was reopened and holds; B is newer but closed.
    ['a reopened older holder beats a newer closed ticket', { holder: ticket('A', 'open'), latest: B_closed }, 'new-ticket', 'append to A (open)'],
    ['no holder, latest closed, possible', { latest: B_closed }, 'possible', 'append to B (open)'],
    ['no holder, latest closed, reject', { latest: B_closed }, 'reject', 'reject (B)'],
    ['no holder, latest closed, new ticket', { latest: B_closed }, 'new-ticket', 'new ticket'],
    ['the conversation’s latest ticket beats the answered message’s', { latest: B_closed, answered: A_closed }, 'possible', 'append to B (open)'],
    ['a reply to a stored tweet joins its ticket', { answered: P_pending }, 'reject', 'append to P (open)'],
    ['a reply to a closed tweet ticket, new ticket', { answered: P_closed }, 'new-ticket', 'new ticket'],
    ['a reply to a closed tweet ticket, reject', { answered: P_closed }, 'reject', 'reject (P)'],
  ])('%s', (_name, candidates, option, expected) => {
    expect(place(candidates, option)).toBe(expected);
  });
});

describe('holderAndLatest', () => {
  it('finds nothing in an unknown conversation', () => {
    expect(holderAndLatest([])).toEqual({ holder: undefined, latest: undefined });
  });

  it('names the holder and the newest ticket, whatever the row order', () => {
    const rows = [
      { ticketId: 9, openThreadKey: null },
      { ticketId: 3, openThreadKey: 'dm:1' },
      { ticketId: 5, openThreadKey: null },
    ];
    expect(holderAndLatest(rows)).toEqual({ holder: 3, latest: 9 });
    expect(holderAndLatest([...rows].reverse())).toEqual({ holder: 3, latest: 9 });
  });

  it('has no holder when every ticket was closed', () => {
    expect(holderAndLatest([{ ticketId: 4, openThreadKey: null }])).toEqual({ holder: undefined, latest: 4 });
  });
});
