import type { FollowUpOption } from '../queues/queue.entity';
import type { TicketState } from './ticket-states';
import { decideFollowUp } from './follow-up-decision';

const queue = (followUp: FollowUpOption, followUpLock = false) => ({ followUp, followUpLock });
const ticket = (state: TicketState, ownerId: number | null = 7, locked = false) => ({ state, ownerId, locked });

describe('decideFollowUp (the OTRS follow-up decision table, docs/THREADING.md)', () => {
  it('opens a new ticket when the thread has none', () => {
    expect(decideFollowUp(undefined, queue('reject'))).toEqual({ action: 'new-ticket' });
  });

  describe.each(['possible', 'reject', 'new-ticket'] as const)('queue option %s', (option) => {
    it('keeps a new ticket new', () => {
      expect(decideFollowUp(ticket('new'), queue(option))).toEqual({ action: 'append', newState: 'new', lock: false });
    });
    it.each(['open', 'pending reminder'] as const)('appends to a %s ticket and makes it open', (state) => {
      expect(decideFollowUp(ticket(state), queue(option))).toEqual({ action: 'append', newState: 'open', lock: false });
    });
  });

  it.each(['closed successful', 'closed unsuccessful'] as const)('reopens a %s ticket when follow-ups are possible', (state) => {
    expect(decideFollowUp(ticket(state), queue('possible'))).toEqual({ action: 'append', newState: 'open', lock: false });
  });

  it('locks a reopened ticket to its owner when the queue locks on follow-up', () => {
    expect(decideFollowUp(ticket('closed successful', 7), queue('possible', true))).toEqual({ action: 'append', newState: 'open', lock: true });
  });

  it('cannot lock a reopened ticket that has no owner', () => {
    expect(decideFollowUp(ticket('closed successful', null), queue('possible', true))).toEqual({ action: 'append', newState: 'open', lock: false });
  });

  it('does not lock on follow-up for tickets that were not closed', () => {
    expect(decideFollowUp(ticket('open', 7), queue('possible', true))).toEqual({ action: 'append', newState: 'open', lock: false });
  });

  it('opens a new ticket for a closed one when the queue says new ticket', () => {
    expect(decideFollowUp(ticket('closed unsuccessful'), queue('new-ticket'))).toEqual({ action: 'new-ticket' });
  });

  it('rejects a follow-up to a closed ticket when the queue rejects', () => {
    expect(decideFollowUp(ticket('closed successful'), queue('reject'))).toEqual({ action: 'reject' });
  });
});
