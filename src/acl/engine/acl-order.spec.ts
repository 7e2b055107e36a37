import { compareCodePoints, sortAclsForEvaluation } from './acl-order';

describe('ACL evaluation order (§5.2)', () => {
  const names = (list: string[]) => sortAclsForEvaluation(list.map((Name) => ({ Name }))).map((acl) => acl.Name);

  it('orders names as raw strings, so 10-x runs before 2-x', () => {
    expect(names(['2-x', '10-x', '1-x'])).toEqual(['1-x', '10-x', '2-x']);
  });

  it('is case-sensitive with capitals first: B before a', () => {
    expect(names(['a', 'B', 'b', 'A'])).toEqual(['A', 'B', 'a', 'b']);
  });

  it('compares by code point, not by UTF-16 unit: U+1F600 comes after U+FFFD', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBe(1);
    expect(names(['\u{1F600}', '\uFFFD'])).toEqual(['\uFFFD', '\u{1F600}']);
  });

  it('puts a prefix before the longer name and treats equal names as equal', () => {
    expect(compareCodePoints('ab', 'abc')).toBe(-1);
    expect(compareCodePoints('abc', 'ab')).toBe(1);
    expect(compareCodePoints('ab', 'ab')).toBe(0);
  });

  it('does not reorder the list it was given', () => {
    const list = [{ Name: 'b' }, { Name: 'a' }];
    sortAclsForEvaluation(list);
    expect(list.map((acl) => acl.Name)).toEqual(['b', 'a']);
  });
});
