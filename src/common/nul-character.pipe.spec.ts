import { FormValidationException } from './domain.exception';
import { fieldsWithNul, NulCharacterPipe, withoutNul } from './nul-character.pipe';

describe('NulCharacterPipe', () => {
  const pipe = new NulCharacterPipe();

  it('sends a form with a NUL back with the message next to each field that holds one', () => {
    const form = { name: 'ok', comment: 'a\u0000b', hashtags: [{ hashtag: '#x\u0000', queueId: '1' }] };
    try {
      pipe.transform(form, { type: 'body' });
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(FormValidationException);
      expect(Object.keys((err as FormValidationException).errors).sort()).toEqual(['comment', 'hashtags', 'hashtags.0.hashtag']);
      expect((err as FormValidationException).errors.comment).toEqual({ key: 'validation.nulCharacter' });
    }
  });

  it('passes a clean form through untouched', () => {
    const form = { name: 'ok', memberships: { g1: 'rw' } };
    expect(pipe.transform(form, { type: 'body' })).toBe(form);
  });

  it('finds a NUL in a field name too', () => expect(fieldsWithNul({ 'a\u0000': 'x' })).toEqual(['a\u0000']));

  it('drops NUL characters from query values and names', () => {
    expect(pipe.transform({ filter: 'ra\u0000w', page: ['1\u0000'] }, { type: 'query' })).toEqual({ filter: 'raw', page: ['1'] });
    expect(pipe.transform('x\u0000y', { type: 'query', data: 'filter' })).toBe('xy');
    expect(withoutNul({ 'k\u0000': 1 })).toEqual({ k: 1 });
  });

  it('leaves route parameters to their own pipes', () => expect(pipe.transform('1\u0000', { type: 'param' })).toBe('1\u0000'));
});
