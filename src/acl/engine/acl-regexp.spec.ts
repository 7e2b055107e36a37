import { AclPatternError, compilePerlPattern, perlPatternProblem } from './acl-regexp';

describe('Perl patterns in ACL items', () => {
  it('searches anywhere in the value (unanchored)', () => {
    expect(compilePerlPattern('lose', false).test('Close')).toBe(true);
  });

  it('is case-sensitive unless asked otherwise', () => {
    expect(compilePerlPattern('^close', false).test('Close')).toBe(false);
    expect(compilePerlPattern('^close', true).test('Close')).toBe(true);
  });

  it('refuses an empty pattern, which Perl reads as "the last pattern used"', () => {
    expect(perlPatternProblem('')).toBe('empty regular expression');
    expect(() => compilePerlPattern('', false)).toThrow(AclPatternError);
  });

  it('refuses Perl-only escapes that JavaScript would read as letters', () => {
    expect(perlPatternProblem('\\Atwitter\\z')).toMatch(/\\A, a Perl-only construct/);
    expect(perlPatternProblem('a\\Qb')).toMatch(/\\Q/);
    expect(perlPatternProblem('\\x{263A}')).toMatch(/\\x\{, a Perl-only construct/);
    expect(perlPatternProblem('\\x41\\d\\w\\s\\b')).toBeUndefined();
  });

  it('accepts an escaped backslash followed by such a letter', () => {
    expect(perlPatternProblem('\\\\A')).toBeUndefined();
    expect(compilePerlPattern('\\\\A', false).test('x\\A')).toBe(true);
  });

  it('refuses POSIX classes', () => {
    expect(perlPatternProblem('[[:alpha:]]')).toMatch(/POSIX class/);
  });

  it('names the syntax error of a broken pattern', () => {
    expect(perlPatternProblem('(open')).toMatch(/^invalid regular expression: /);
  });

  it('keeps no state between tests of the same pattern', () => {
    const pattern = compilePerlPattern('a', false);
    expect([pattern.test('a'), pattern.test('a')]).toEqual([true, true]);
  });
});
