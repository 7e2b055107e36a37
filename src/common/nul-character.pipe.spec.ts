import { GroupFormDto } from '../agents/dto/group-form.dto';
import { FormValidationException } from './domain.exception';
import { fieldsWithNul, NulCharacterPipe, withoutNul } from './nul-character.pipe';

describe('NulCharacterPipe', () => {
  const pipe = new NulCharacterPipe();

  it('sends a form with a NUL back with the message next to each field that holds one', async () => {
    const form = { name: 'ok', comment: 'a\u0000b', hashtags: [{ hashtag: '#x\u0000', queueId: '1' }] };
    const err = await pipe.transform(form, { type: 'body' }).then(
      () => new Error('not refused'),
      (error: unknown) => error,
    );
    expect(err).toBeInstanceOf(FormValidationException);
    expect(Object.keys((err as FormValidationException).errors).sort()).toEqual(['comment', 'hashtags', 'hashtags.0.hashtag']);
    expect((err as FormValidationException).errors.comment).toEqual({ key: 'validation.nulCharacter' });
  });

  it('marks the form’s other mistakes with the NUL, the NUL message winning on its own field', async () => {
    const form = { name: 'x'.repeat(300), comment: 'a\u0000b', validity: 'valid' };
    const err = (await pipe.transform(form, { type: 'body', metatype: GroupFormDto }).catch((error: unknown) => error)) as FormValidationException;
    expect(err.errors).toEqual({ name: { key: 'validation.maxLength', params: { max: '200' } }, comment: { key: 'validation.nulCharacter' } });
  });

  it('passes a clean form through untouched', async () => {
    const form = { name: 'ok', memberships: { g1: 'rw' } };
    await expect(pipe.transform(form, { type: 'body' })).resolves.toBe(form);
  });

  it('finds a NUL in a field name too', () => expect(fieldsWithNul({ 'a\u0000': 'x' })).toEqual(['a\u0000']));

  it('drops NUL characters from query values and names', async () => {
    await expect(pipe.transform({ filter: 'ra\u0000w', page: ['1\u0000'] }, { type: 'query' })).resolves.toEqual({ filter: 'raw', page: ['1'] });
    await expect(pipe.transform('x\u0000y', { type: 'query', data: 'filter' })).resolves.toBe('xy');
    expect(withoutNul({ 'k\u0000': 1 })).toEqual({ k: 1 });
  });

  it('leaves route parameters to their own pipes', () => expect(pipe.transform('1\u0000', { type: 'param' })).resolves.toBe('1\u0000'));
});
