import { idString, parseJsonExact } from './exact-json';

describe('exact JSON parsing of X ids', () => {
  it('keeps integers above 2^53 as exact digit strings', () => {
    const text = '{"id":1207623566339919872,"in_reply_to_status_id":1205348660982083584}';
    expect(String(JSON.parse(text).id)).not.toBe('1207623566339919872'); // the bug being avoided
    expect(parseJsonExact(text)).toEqual({
      id: '1207623566339919872',
      in_reply_to_status_id: '1205348660982083584',
    });
  });

  it('leaves safe numbers, decimals, exponents and booleans as they are', () => {
    expect(parseJsonExact('[12, -3, 1.5, 2e3, 9007199254740991, true, null]')).toEqual([12, -3, 1.5, 2000, 9007199254740991, true, null]);
  });

  it('does not touch digits inside strings, escaped quotes included', () => {
    expect(parseJsonExact('{"text":"id \\"1790000000000000001\\" here","n":1790000000000000001}')).toEqual({
      text: 'id "1790000000000000001" here',
      n: '1790000000000000001',
    });
  });

  it('still rejects invalid JSON', () => {
    expect(() => parseJsonExact('{"id":')).toThrow(SyntaxError);
  });

  it('reads ids given as strings or safe numbers, and nothing else', () => {
    expect(idString('1790000000000000001')).toBe('1790000000000000001');
    expect(idString(2244994945)).toBe('2244994945');
    expect(idString(1.5)).toBeUndefined();
    expect(idString('12ab')).toBeUndefined();
    expect(idString('')).toBeUndefined();
    expect(idString(undefined)).toBeUndefined();
  });
});
