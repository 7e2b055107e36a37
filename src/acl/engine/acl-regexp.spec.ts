import { AclPatternError, compilePerlPattern, perlPatternNotes, perlPatternProblem, translatePerlPattern } from './acl-regexp';

const search = (pattern: string, value: string, ignoreCase = false) => compilePerlPattern(pattern, ignoreCase).test(value);

describe('Perl patterns in ACL items, on the linear-time engine', () => {
  it('searches anywhere in the value (unanchored)', () => {
    expect(search('lose', 'Close')).toBe(true);
    expect(search('^lose', 'Close')).toBe(false);
  });

  it('is case-sensitive unless asked otherwise', () => {
    expect(search('^close', 'Close')).toBe(false);
    expect(search('^close', 'Close', true)).toBe(true);
    expect(search('^über', 'Über', true)).toBe(true);
  });

  it('answers a pattern that backtracks exponentially in Perl, on a long value, correctly', () => {
    const attack = `${'a'.repeat(10_000)}!`;
    expect(search('^(a+)+$', attack)).toBe(false);
    expect(search('^(a+)+$', 'a'.repeat(10_000))).toBe(true);
    expect(search('(x+x+)+y', 'x'.repeat(5_000))).toBe(false);
  });

  it('keeps no state between tests of the same pattern', () => {
    const pattern = compilePerlPattern('a', false);
    expect([pattern.test('a'), pattern.test('a')]).toEqual([true, true]);
  });

  describe('refuses what needs backtracking, saying why', () => {
    it.each([
      ['(a)\\1', /^backreference "\\1" which needs a backtracking regex engine; ACL patterns run on a linear-time engine/],
      ['(a)\\g{1}', /^backreference "\\g\{1\}"/],
      ['(a)\\g1', /^backreference "\\g1"/],
      ['(?<n>a)\\k<n>', /^named backreference/],
      ['(?P<n>a)(?P=n)', /^named backreference "\(\?P=n\)"/],
      ['Raw(?=x)', /^look-ahead "\(\?=…\)"/],
      ['Raw(?!x)', /^negative look-ahead/],
      ['(?<=x)Raw', /^look-behind/],
      ['(?<!x)Raw', /^negative look-behind/],
      ['(?>a+)b', /^atomic group/],
      ['a++b', /^possessive quantifier "\+\+"/],
      ['a*+b', /^possessive quantifier "\*\+"/],
      ['a{2}+b', /^possessive quantifier/],
      ['(a|(?R))', /^recursion "\(\?R\)"/],
      ['(a)(?1)', /^recursion "\(\?1\)"/],
      ['(?(1)a|b)', /^conditional/],
      ['a(*SKIP)b', /^backtracking control verb "\(\*SKIP\)"/],
    ])('%s', (pattern, message) => {
      expect(perlPatternProblem(pattern)).toMatch(message);
      expect(() => compilePerlPattern(pattern, false)).toThrow(AclPatternError);
    });
  });

  describe('refuses Perl syntax that would mean something else here', () => {
    it.each([
      ['', /^empty regular expression \(Perl would re-use the last pattern it ran\)$/],
      ['\\G', /\\G/],
      ['a\\Ub', /\\U \(upper-case until \\E\)/],
      ['(?x) a b', /the x flag/],
      ['[[:alpha:]]', /POSIX class \[:alpha:\] is not supported; write \\p\{L\}/],
      ['[\\W]', /\\W inside \[\.\.\.\] is not supported/],
      ['a{,3}', /write \{0,3\}/],
      ['a$b', /"\$" may only end the pattern or an alternative/],
      ['\\N{SNOWMAN}', /\\N\{name\}/],
      ['(open', /^invalid regular expression: /],
      ['a\\', /ends with a single backslash/],
    ])('%s', (pattern, message) => {
      expect(perlPatternProblem(pattern)).toMatch(message);
    });
  });

  describe('reads Perl syntax the way Perl does', () => {
    it('$ and \\Z also match before a newline that ends the value; \\z only at the very end', () => {
      expect(search('Raw$', 'Raw\n')).toBe(true);
      expect(search('Raw\\Z', 'Raw\n')).toBe(true);
      expect(search('Raw\\z', 'Raw\n')).toBe(false);
      expect(search('Raw$', 'Raw\nx')).toBe(false);
      expect(search('^(Raw|Junk)$', 'Junk')).toBe(true);
      expect(search('^a$|^b$', 'b')).toBe(true);
    });

    it('$ with the m flag is the end of any line', () => {
      expect(search('(?m)^Raw$', 'x\nRaw\ny')).toBe(true);
    });

    it('\\A, \\z, \\Q…\\E, \\x{…}, \\p{…} and named groups', () => {
      expect(search('\\ARaw\\z', 'Raw')).toBe(true);
      expect(search('\\Qa.b\\E', 'a.b')).toBe(true);
      expect(search('\\Qa.b\\E', 'axb')).toBe(false);
      expect(search('\\Qa.b', 'a.b')).toBe(true);
      expect(search('\\x{263A}', '☺')).toBe(true);
      expect(search('^\\p{Lu}', 'Émile')).toBe(true);
      expect(search("(?'q'Raw)", 'Raw')).toBe(true);
      expect(search('(?<q>Raw)', 'Raw')).toBe(true);
    });

    it('\\d, \\w and \\s know every script, as Perl does on text', () => {
      expect(search('^\\w+$', 'Überweisung')).toBe(true);
      expect(search('^\\w+$', 'Пријава')).toBe(true);
      expect(search('^\\d+$', '٣٤')).toBe(true);
      expect(search('\\s', 'a\u00a0b')).toBe(true);
      expect(search('^[\\w-]+$', 'Grüße-Team')).toBe(true);
      expect(search('^\\W', 'ü')).toBe(false);
      expect(search('^\\S+$', 'a\u3000b')).toBe(false);
    });

    it('Perl-only character escapes become the characters they mean', () => {
      expect(search('\\e', '\u001b')).toBe(true);
      expect(search('\\cA', '\u0001')).toBe(true);
      expect(search('\\o{101}', 'A')).toBe(true);
      expect(search('\\x41', 'A')).toBe(true);
      expect(search('\\x4', '\u0004')).toBe(true);
      expect(search('\\N{U+263A}', '☺')).toBe(true);
      expect(search('[\\101]', 'A')).toBe(true);
      expect(search('\\012', '\n')).toBe(true);
      expect(search('\\h', '\t')).toBe(true);
      expect(search('\\v', '\n')).toBe(true);
      expect(search('^\\N$', '\n')).toBe(false);
    });

    it('drops (?#…) comments and reads a lone brace literally', () => {
      expect(search('Ra(?#the raw queue)w', 'Raw')).toBe(true);
      expect(search('^a{$', 'a{')).toBe(true);
      expect(search('^a{2}$', 'aa')).toBe(true);
    });

    it('keeps lazy quantifiers and the i, m and s flags', () => {
      expect(search('a+?b', 'aab')).toBe(true);
      expect(search('(?i)raw', 'RAW')).toBe(true);
      expect(search('(?s)a.b', 'a\nb')).toBe(true);
      expect(search('a.b', 'a\nb')).toBe(false);
    });

    it('translates to RE2 syntax', () => {
      expect(translatePerlPattern('^Raw$')).toEqual({ ok: true, pattern: '^Raw(?:\\n?\\z)' });
      expect(translatePerlPattern('\\d')).toEqual({ ok: true, pattern: '\\p{Nd}' });
    });
  });

  it('notes that \\b knows only ASCII word characters here', () => {
    expect(perlPatternNotes('\\bRaw\\b')).toEqual([expect.stringMatching(/only ASCII letters/)]);
    expect(perlPatternNotes('[\\b]x')).toEqual([]);
    expect(perlPatternNotes('\\\\b')).toEqual([]);
  });
});
