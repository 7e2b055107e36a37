/**
 * The words of a text as ticket search sees them (docs/SEARCH-AND-MEDIA.md): runs of letters,
 * digits and combining marks in any script, NFC-normalised and lower-cased here in JavaScript, so
 * that SQLite's FTS5 and PostgreSQL's `simple` configuration index exactly the same words, whatever
 * the database's locale (a `C` locale would not lower-case Cyrillic). Everything else separates
 * words: spaces, punctuation, `@`, `#`, `-`.
 *
 * X handles join words with `_`, which both databases' tokenizers split on: `acme_support` is
 * indexed as `acme`, `support` and `acmesupport`, and a query word with `_` searches the joined form.
 */
const WORD = /[\p{L}\p{N}\p{M}_]+/gu;

/** Longest word kept: PostgreSQL ignores words over 2,047 bytes, and nobody searches for them. */
const MAX_WORD_LENGTH = 100;
/** A query uses at most this many words (all must match). */
export const MAX_QUERY_TERMS = 8;
/** How much of one text is indexed; a DM has at most 10,000 characters. */
const MAX_INDEXED_CHARACTERS = 20_000;

export function searchWords(text: string): string[] {
  return tokens(text.slice(0, MAX_INDEXED_CHARACTERS)).flatMap((token) => {
    const parts = token.split('_').filter(Boolean);
    return parts.length > 1 ? [...parts, parts.join('')] : parts;
  });
}

/** The text a search document stores: its words, separated by single spaces. */
export function indexedText(...parts: string[]): string {
  return parts.flatMap(searchWords).join(' ');
}

/** The words of what an agent typed, each matched as a word prefix; duplicates dropped. */
export function searchTerms(query: string): string[] {
  return [...new Set(tokens(query).map(joined).filter(Boolean))].slice(0, MAX_QUERY_TERMS);
}

/** Whether what was typed holds a word too long to be searched: with no other word, the search says so. */
export function hasOverlongWord(query: string): boolean {
  return (query.normalize('NFC').match(WORD) ?? []).some((word) => word.length > MAX_WORD_LENGTH);
}

function tokens(text: string): string[] {
  return (text.normalize('NFC').toLowerCase().match(WORD) ?? []).filter((word) => word.length <= MAX_WORD_LENGTH);
}

/** A token as one word: `kunde_3` → `kunde3`. */
function joined(token: string): string {
  return token.replace(/_/g, '');
}

/** Whether a word of the text is one a search term finds (its start, or the start of one of its `_` parts). */
function isHit(word: string, terms: string[]): boolean {
  const lower = word.normalize('NFC').toLowerCase();
  const candidates = [joined(lower), ...lower.split('_').filter(Boolean)];
  return terms.some((term) => candidates.some((candidate) => candidate.startsWith(term)));
}

/** A piece of text, marked when it is (part of) a word that a search term starts. */
export interface TextSegment {
  text: string;
  hit: boolean;
}

/**
 * The text cut into plain and matching pieces, for the template to escape and wrap in <mark>
 * (no HTML is built here). A word matches when it starts with a term, as the search does.
 */
export function highlight(text: string, terms: string[]): TextSegment[] {
  const segments: TextSegment[] = [];
  const push = (piece: string, hit: boolean) => {
    if (!piece) return;
    const last = segments.at(-1);
    if (last && last.hit === hit) last.text += piece;
    else segments.push({ text: piece, hit });
  };
  let at = 0;
  for (const match of text.matchAll(WORD)) {
    if (!isHit(match[0], terms)) continue;
    push(text.slice(at, match.index), false);
    push(match[0], true);
    at = match.index + match[0].length;
  }
  push(text.slice(at), false);
  return segments;
}

/**
 * About `width` characters of a long text around its first match (with "…" where cut), so a
 * result shows why it matched; the whole text when it is short or nothing matches in it.
 */
export function snippet(text: string, terms: string[], width = 200): TextSegment[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= width) return highlight(flat, terms);
  let first = -1;
  for (const match of flat.matchAll(WORD)) {
    if (isHit(match[0], terms)) {
      first = match.index;
      break;
    }
  }
  const start = first < 0 ? 0 : Math.max(0, Math.min(first - Math.floor(width / 3), flat.length - width));
  const [from, to] = widenToSpaces(flat, start, start + width);
  const cut = `${from > 0 ? '…' : ''}${flat.slice(from, to)}${to < flat.length ? '…' : ''}`;
  return highlight(cut, terms);
}

/** Moves the cut points outwards to the nearest spaces (at most 20 characters), so no word is halved. */
function widenToSpaces(text: string, start: number, end: number): [number, number] {
  let from = start;
  while (from > 0 && start - from < 20 && text[from - 1] !== ' ') from--;
  let to = Math.min(end, text.length);
  while (to < text.length && to - end < 20 && text[to] !== ' ') to++;
  return [from, to];
}
