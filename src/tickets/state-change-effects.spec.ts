import { effectiveChanges, type TicketFacts } from './state-change-effects';

describe('effectiveChanges: what a change implies, as in OTRS', () => {
  const pending: TicketFacts = { state: 'pending reminder', locked: true, ownerId: 2, queueId: 1, pendingUntil: 1_000 };

  it('clears the pending time when the state leaves pending', () => {
    expect(effectiveChanges(pending, { state: 'open' })).toEqual({ state: 'open', pendingUntil: null });
  });

  it('keeps the pending time for another pending state unless a new one is given', () => {
    expect(effectiveChanges(pending, { state: 'pending auto close+' })).toEqual({ state: 'pending auto close+' });
    expect(effectiveChanges(pending, { state: 'pending auto close+', pendingUntil: 2_000 })).toEqual({ state: 'pending auto close+', pendingUntil: 2_000 });
  });

  it('unlocks on closing and clears the pending time', () => {
    expect(effectiveChanges(pending, { state: 'closed successful' })).toEqual({ state: 'closed successful', locked: false, pendingUntil: null });
  });

  it('unlocks on closing a ticket that is closed already but locked (an agent answered it), and changes nothing else', () => {
    const answeredAfterClosing: TicketFacts = { state: 'closed successful', locked: true, ownerId: 3, queueId: 1, pendingUntil: null };
    expect(effectiveChanges(answeredAfterClosing, { state: 'closed successful' })).toEqual({ locked: false });
    expect(effectiveChanges({ ...answeredAfterClosing, locked: false }, { state: 'closed successful' })).toEqual({});
  });

  it('unlocks on a move to another queue, not on a "move" to the same queue', () => {
    expect(effectiveChanges(pending, { queueId: 4 })).toEqual({ queueId: 4, locked: false });
    expect(effectiveChanges(pending, { queueId: 1 })).toEqual({});
  });

  it('lets an explicit value win over the implied one (a reopen that locks, a move that keeps the lock)', () => {
    expect(effectiveChanges({ ...pending, state: 'closed successful', locked: false, pendingUntil: null }, { state: 'open', locked: true })).toEqual({ state: 'open', locked: true });
    expect(effectiveChanges(pending, { queueId: 4, locked: true })).toEqual({ queueId: 4 });
  });

  it('returns only what differs (a note changes nothing)', () => {
    expect(effectiveChanges(pending, {})).toEqual({});
    expect(effectiveChanges(pending, { state: 'pending reminder', locked: true, ownerId: 2 })).toEqual({});
    expect(effectiveChanges({ ...pending, ownerId: null }, { ownerId: null })).toEqual({});
  });
});
