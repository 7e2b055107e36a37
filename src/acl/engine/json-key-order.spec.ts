import { parseJsonKeepingKeyOrder, sourceKeyOrder } from './json-key-order';

describe('reading JSON with the key order as written', () => {
  it('keeps integer-like keys in the order written, where JSON.parse sorts them', () => {
    const text = '{"10": "x", "2": "y", "b": 1, "a": 2}';
    expect(Object.keys(JSON.parse(text))).toEqual(['2', '10', 'b', 'a']);
    expect(sourceKeyOrder(parseJsonKeepingKeyOrder(text) as object)).toEqual(['10', '2', 'b', 'a']);
  });

  it('builds the same values as JSON.parse', () => {
    const text = ' {"a": [1, -2.5e3, true, false, null, "s\\"\\u00e9\\\\"], "o": {"x": {}}, "e": []} ';
    expect(parseJsonKeepingKeyOrder(text)).toEqual(JSON.parse(text));
  });

  it('records nested objects too and keeps the first position of a repeated key', () => {
    const value = parseJsonKeepingKeyOrder('{"o": {"3": 1, "1": 2, "3": 4}}') as { o: object };
    expect(sourceKeyOrder(value.o)).toEqual(['3', '1']);
    expect(value.o).toEqual({ '1': 2, '3': 4 });
  });

  it('keeps a "__proto__" key as data', () => {
    const value = parseJsonKeepingKeyOrder('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws JSON.parse errors for malformed text and refuses deep nesting', () => {
    expect(() => parseJsonKeepingKeyOrder('{"a": }')).toThrow(SyntaxError);
    expect(() => parseJsonKeepingKeyOrder('['.repeat(100) + ']'.repeat(100))).toThrow(/nested deeper/);
  });

  it('falls back to Object.keys for objects it did not read', () => {
    expect(sourceKeyOrder({ b: 1, a: 2 })).toEqual(['b', 'a']);
  });
});
