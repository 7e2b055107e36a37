import { ticketNumber } from './ticket-number';

describe('ticketNumber', () => {
  it('puts the UTC day before the zero-padded id', () => {
    expect(ticketNumber(new Date('2026-11-21T23:59:00Z'), 42)).toBe('2026112100000042');
  });

  it('keeps every digit of a long id', () => {
    expect(ticketNumber(new Date('2025-01-02T00:00:00Z'), 123456789)).toBe('20250102123456789');
  });
});
