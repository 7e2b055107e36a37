import { storableLine, storableText } from './storable-text';

describe('storableText', () => {
  it('replaces NUL and lone surrogates with U+FFFD and keeps everything else', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('x\uD800y')).toBe('x\uFFFDy');
    expect(storableText('x\uDC00')).toBe('x\uFFFD');
    expect(storableText('\uDC00\uD800')).toBe('\uFFFD\uFFFD');
    expect(storableText('emoji 😀 stays, ümlaut too')).toBe('emoji 😀 stays, ümlaut too');
    expect(storableText('')).toBe('');
  });
});

describe('storableLine', () => {
  it('cuts to the column length in characters, never inside a surrogate pair', () => {
    expect(storableLine('abcdef', 3)).toBe('abc');
    expect(storableLine('😀😀😀', 2)).toBe('😀😀');
    expect(storableLine('😀😀', 3)).toBe('😀😀');
    expect(storableLine('a\u0000', 5)).toBe('a\uFFFD');
  });
});
