import { ticketTitle } from './ticket-title';

describe('ticketTitle', () => {
  it('keeps short text', () => expect(ticketTitle('Where is my order?')).toBe('Where is my order?'));
  it('cuts after 80 characters without splitting emoji', () => {
    const title = ticketTitle('😀'.repeat(85));
    expect(Array.from(title)).toHaveLength(81);
    expect(title.endsWith('…')).toBe(true);
  });
  it('puts the message on one line', () => expect(ticketTitle('a\n\nb')).toBe('a b'));
  it('never leaves a ticket without a title', () => expect(ticketTitle(' \n ')).toBe('(empty message)'));
});
