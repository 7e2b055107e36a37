import { anyItemMatches, compileItem, deployedItem, itemMatchesList, itemMatchesValue, itemProblem } from './acl-value-matcher';

const matches = (item: string, value: string) => itemMatchesValue(compileItem(item), value);
const matchesList = (item: string, list: (string | null)[]) => itemMatchesList(compileItem(item), list);

describe('one ACL item against one value (§5.4)', () => {
  it('without a prefix: the value equals the item exactly, case-sensitively', () => {
    expect(matches('twitter', 'twitter')).toBe(true);
    expect(matches('twitter', 'Twitter')).toBe(false);
    expect(matches('twitter', 'twitter-team')).toBe(false);
  });

  it('[RegExp]: the pattern is found anywhere in the value, case-sensitively', () => {
    expect(matches('[RegExp]^Close', 'Close ticket')).toBe(true);
    expect(matches('[RegExp]ose', 'Close')).toBe(true);
    expect(matches('[RegExp]^close', 'Close')).toBe(false);
  });

  it('[regexp]: the pattern is found ignoring case', () => {
    expect(matches('[regexp]^close', 'Close')).toBe(true);
    expect(matches('[regexp]^close', 'Open')).toBe(false);
  });

  it('[Not]: the value is not exactly the operand', () => {
    expect(matches('[Not]twitter', 'users')).toBe(true);
    expect(matches('[Not]twitter', 'twitter')).toBe(false);
    expect(matches('[Not]twitter', 'Twitter')).toBe(true);
  });

  it('[NotRegExp]: the pattern is not found, case-sensitively', () => {
    expect(matches('[NotRegExp]^tw', 'twitter')).toBe(false);
    expect(matches('[NotRegExp]^tw', 'Twitter')).toBe(true);
  });

  it('[Notregexp]: the pattern is not found, ignoring case', () => {
    expect(matches('[Notregexp]^tw', 'Twitter')).toBe(false);
    expect(matches('[Notregexp]^tw', 'users')).toBe(true);
  });

  it('compares an empty value like any other value', () => {
    expect(matches('', '')).toBe(true);
    expect(matches('[Not]', '')).toBe(false);
    expect(matches('[Not]', 'x')).toBe(true);
  });

  it('quirk: a [RegExp] item also matches its own literal text', () => {
    expect(matches('[RegExp]^a$', '[RegExp]^a$')).toBe(true);
  });

  it('quirk: other spellings ([REGEXP], [Regexp], [not]) are not modifiers and compare literally', () => {
    expect(matches('[REGEXP]^a', 'abc')).toBe(false);
    expect(matches('[REGEXP]^a', '[REGEXP]^a')).toBe(true);
    expect(matches('[not]a', 'b')).toBe(false);
  });

  it('quirk: an unknown [Not… prefix is a negation that never triggers, so it matches everything', () => {
    expect(matches('[NotExact]x', 'x')).toBe(true);
    expect(matches('[NotExact]x', 'y')).toBe(true);
  });

  it('refuses to compile an empty regular expression', () => {
    expect(() => compileItem('[RegExp]')).toThrow(/empty regular expression/);
    expect(() => compileItem('[Notregexp]')).toThrow(/empty regular expression/);
  });
});

describe('one ACL item against a list value such as Group_rw (§5.3)', () => {
  it('positive item: matches if any element matches; an empty list never matches', () => {
    expect(matchesList('twitter', ['users', 'twitter'])).toBe(true);
    expect(matchesList('twitter', ['users'])).toBe(false);
    expect(matchesList('twitter', [])).toBe(false);
    expect(matchesList('[RegExp]^tw', ['users', 'twitter'])).toBe(true);
  });

  it('negated item: matches only if no element hits the negation; an empty list matches', () => {
    expect(matchesList('[Not]twitter', ['users'])).toBe(true);
    expect(matchesList('[Not]twitter', ['twitter', 'users'])).toBe(false);
    expect(matchesList('[Not]twitter', [])).toBe(true);
    expect(matchesList('[NotRegExp]^tw', ['users', 'twitter'])).toBe(false);
  });

  it('stops at a missing element without a match, as OTRS does with an undefined element', () => {
    expect(matchesList('twitter', [null, 'twitter'])).toBe(false);
    expect(matchesList('[Not]twitter', ['users', null])).toBe(false);
    expect(matchesList('users', ['users', null])).toBe(true);
  });
});

describe('several items of one list', () => {
  it('are OR-ed, negations included ([Not]a, [Not]b matches a)', () => {
    const items = ['[Not]a', '[Not]b'].map(compileItem);
    expect(anyItemMatches(items, 'a')).toBe(true);
    expect(anyItemMatches(items, 'b')).toBe(true);
    expect(anyItemMatches([compileItem('x'), compileItem('y')], 'z')).toBe(false);
  });
});

describe('the [empty] token', () => {
  it('is removed from the item at deploy, so [empty] means the empty value', () => {
    expect(deployedItem('[empty]')).toBe('');
    expect(matches(deployedItem('[empty]'), '')).toBe(true);
    expect(matches(deployedItem('[empty]'), 'x')).toBe(false);
  });

  it('[Not][empty] means "not empty"', () => {
    expect(matches(deployedItem('[Not][empty]'), 'x')).toBe(true);
    expect(matches(deployedItem('[Not][empty]'), '')).toBe(false);
  });
});

describe('items refused at import (§8 item 4)', () => {
  it('accepts the six modifiers, plain values and the [empty] token', () => {
    for (const item of ['x', '[Not]x', '[RegExp]^x', '[regexp]x', '[NotRegExp]x', '[Notregexp]x', '[empty]', '[Not][empty]', 'a [b] c']) {
      expect(itemProblem(item)).toBeUndefined();
    }
  });

  it('refuses every other bracketed prefix, suggesting the modifier meant', () => {
    expect(itemProblem('[Nto]twitter')).toMatch(/^unknown modifier \[Nto\]; did you mean \[Not\]\?/);
    expect(itemProblem('[NOT]twitter')).toMatch(/^unknown modifier \[NOT\]; did you mean \[Not\]\? Modifiers are case-sensitive/);
    expect(itemProblem('[Regexp]x')).toMatch(/did you mean \[RegExp\] or \[regexp\]\?/);
    expect(itemProblem('[REGEXP]^x')).toMatch(/did you mean \[RegExp\] or \[regexp\]\?/);
    expect(itemProblem('[NotRegexp]x')).toMatch(/did you mean \[NotRegExp\] or \[Notregexp\]\?/);
    expect(itemProblem('[NotExact]x')).toMatch(/^unknown modifier \[NotExact\]; did you mean \[Not\] or \[NotRegExp\]\?/);
    expect(itemProblem('[not]x')).toMatch(/did you mean \[Not\]\?/);
  });

  it('refuses a value that merely starts with brackets, showing how to compare with it literally', () => {
    expect(itemProblem('[Archive] 2020')).toBe(
      '[Archive] is not a modifier (known modifiers are [Not], [RegExp], [regexp], [NotRegExp], [Notregexp]); to compare with a text that starts with brackets, write [RegExp]^\\[Archive\\] 2020$',
    );
    expect(itemProblem('[Not][Archive] 2020')).toMatch(/write \[NotRegExp\]\^\\\[Archive\\\] 2020\$$/);
  });

  it('refuses broken and empty regular expressions, also when [empty] empties them', () => {
    expect(itemProblem('[RegExp](')).toMatch(/^invalid regular expression/);
    expect(itemProblem('[NotRegExp]')).toMatch(/^empty regular expression/);
    expect(itemProblem('[RegExp][empty]')).toMatch(/^empty regular expression/);
  });

  it('refuses patterns that need backtracking', () => {
    expect(itemProblem('[RegExp](a)\\1')).toMatch(/^backreference "\\1" which needs a backtracking regex engine/);
    expect(itemProblem('[Notregexp]^(?!x)')).toMatch(/^negative look-ahead/);
  });
});

describe('plain items against long lists (looked up in a Set)', () => {
  const groups = Array.from({ length: 100 }, (_, i) => `grp_${i}`);

  it('gives the same answers as a scan', () => {
    expect(itemMatchesList(compileItem('grp_42'), groups)).toBe(true);
    expect(itemMatchesList(compileItem('grp_420'), groups)).toBe(false);
    expect(itemMatchesList(compileItem('[Not]grp_42'), groups)).toBe(false);
    expect(itemMatchesList(compileItem('[Not]grp_420'), groups)).toBe(true);
  });

  it('still stops at a missing element, as a scan does', () => {
    const withHole = [...groups.slice(0, 10), null, ...groups.slice(10)];
    expect(itemMatchesList(compileItem('grp_5'), withHole)).toBe(true);
    expect(itemMatchesList(compileItem('grp_50'), withHole)).toBe(false);
    expect(itemMatchesList(compileItem('[Not]grp_50'), withHole)).toBe(false);
  });
});
