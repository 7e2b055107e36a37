import { formDecode, percentEncode } from './percent-encoding';

// percentEncode's RFC 3986 cases live in oauth1-signer.spec.ts, next to the signatures they break.
describe('decoding what X and browsers send', () => {
  it('reads form-urlencoded text with "+" as space, empty values and repeated names kept', () => {
    expect(formDecode('a3=2+q&c2&a3=a&c%40=&b5=%3D%253D')).toEqual([
      ['a3', '2 q'],
      ['c2', ''],
      ['a3', 'a'],
      ['c@', ''],
      ['b5', '=%3D'],
    ]);
  });

  it("round-trips any text through percentEncode and the platform's decodeURIComponent", () => {
    const text = "Ladies + Gentlemen *!'() ☃ 😀 100% &=?#";
    expect(decodeURIComponent(percentEncode(text))).toBe(text);
  });
});
