import fc from 'fast-check';
import { highlight, indexedText, searchTerms, searchWords, snippet } from './search-words';

describe('search words', () => {
  it('splits on anything but letters, digits and marks, in any script, lower-cased and NFC', () => {
    expect(searchWords('Grüße, Frau MÜLLER! Поруџбина #42 — e-mail')).toEqual(['grüße', 'frau', 'müller', 'поруџбина', '42', 'e', 'mail']);
    expect(searchWords('Gru\u0308ße')).toEqual(['grüße']);
  });

  it('indexes an X handle as its parts and as one word, and searches a handle as one word', () => {
    expect(searchWords('@acme_support')).toEqual(['acme', 'support', 'acmesupport']);
    expect(searchTerms('@acme_sup')).toEqual(['acmesup']);
    expect(indexedText('kunde_3', 'Kunde')).toBe('kunde 3 kunde3 kunde');
  });

  it('keeps at most eight distinct query terms and drops punctuation-only input', () => {
    expect(searchTerms('a b a c d e f g h i j')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(searchTerms(' !!! … "" ')).toEqual([]);
  });

  it('marks every word a term starts, leaving the text itself as it was', () => {
    expect(highlight('Die Lieferung, lieferbar: LIEFERANT <b>', ['liefer'])).toEqual([
      { text: 'Die ', hit: false },
      { text: 'Lieferung', hit: true },
      { text: ', ', hit: false },
      { text: 'lieferbar', hit: true },
      { text: ': ', hit: false },
      { text: 'LIEFERANT', hit: true },
      { text: ' <b>', hit: false },
    ]);
    expect(highlight('@kunde_3 schreibt', ['kunde3'])).toEqual([
      { text: '@', hit: false },
      { text: 'kunde_3', hit: true },
      { text: ' schreibt', hit: false },
    ]);
  });

  it('never loses or adds a character when highlighting (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 3 }), (text, raw) => {
        const terms = raw.flatMap(searchTerms);
        expect(
          highlight(text, terms)
            .map((s) => s.text)
            .join(''),
        ).toBe(text);
      }),
    );
  });

  it('cuts a long text around its first match', () => {
    const text = `${'Anfang '.repeat(60)}hier steht das Wort Zitronenfalter und dann ${'Ende '.repeat(60)}`;
    const cut = snippet(text, ['zitronen'], 120);
    const joined = cut.map((s) => s.text).join('');
    expect(joined.startsWith('…')).toBe(true);
    expect(joined.endsWith('…')).toBe(true);
    expect(joined.length).toBeLessThan(180);
    expect(cut.filter((s) => s.hit).map((s) => s.text)).toEqual(['Zitronenfalter']);
  });
});
