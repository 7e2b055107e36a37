import { ticketNumber } from './ticket-number';

describe('ticketNumber', () => {
  it('puts the UTC day before the zero-padded id', () => {
    expect(ticketNumber(new Date('2026-11-21T23:59:00Z'), 42)).toBe('2026112100000042');
  });
});
