// The modifiers an ACL item may start with (§5.4). OTRS reads any other bracketed prefix silently:
// `[Nto]x` and `[Regexp]x` as literal text (so the ACL never matches), `[NotExact]x` as a negation
// that matches everything. Here any bracketed prefix that is not a modifier is refused at import
// and in the editor, with a suggestion (docs/ACL.md, "Modifiers").

export const MODIFIERS = ['[Not]', '[RegExp]', '[regexp]', '[NotRegExp]', '[Notregexp]'] as const;
export type Modifier = (typeof MODIFIERS)[number];

/** The editor's token for "the empty value"; deploy removes it from every item (DB:1163). */
export const EMPTY_VALUE_TOKEN = '[empty]';

const BRACKETED_PREFIX = /^\[[^\]]*\]/;

/** Optimal string alignment distance (Levenshtein plus swapping two neighbours), ignoring case. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length];
}

/** The modifiers a mistyped prefix most likely meant (case variants first, then near misses). */
export function suggestModifiers(prefix: string): Modifier[] {
  const sameLetters = MODIFIERS.filter((modifier) => modifier.toLowerCase() === prefix.toLowerCase());
  if (sameLetters.length > 0) return sameLetters;
  const scored = MODIFIERS.map((modifier) => ({ modifier, distance: editDistance(prefix, modifier) }));
  const best = Math.min(...scored.map((s) => s.distance));
  // Two edits in a short word like [Not] is already another word; longer ones allow three.
  const allowed = (modifier: string) => (modifier.length <= 6 ? 2 : 3);
  const near = scored.filter((s) => s.distance === best && s.distance <= allowed(s.modifier)).map((s) => s.modifier);
  if (near.length > 0) return near;
  // Far from every name, but clearly meant as one: `[NotExact]`, `[RegularExpression]`.
  const word = prefix.slice(1, -1).toLowerCase();
  const regex = /reg/.test(word);
  if (word.startsWith('not')) return regex ? ['[NotRegExp]', '[Notregexp]'] : ['[Not]', '[NotRegExp]'];
  return regex ? ['[RegExp]', '[regexp]'] : [];
}

/** Splits a (deployed) item into its modifier and operand; no modifier: the item is compared literally. */
export function splitModifier(item: string): { modifier?: Modifier; operand: string } {
  for (const modifier of MODIFIERS) {
    // [Not] must not swallow the start of [NotRegExp]: the bracket closes right after the name.
    if (item.startsWith(modifier)) return { modifier, operand: item.slice(modifier.length) };
  }
  return { operand: item };
}

const escapeForPattern = (text: string) => text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

/**
 * Why a bracketed prefix is refused, or undefined when the text has none. `negated` says whether
 * the text follows [Not] (the literal alternative is then [NotRegExp]).
 */
export function unknownPrefixProblem(text: string, negated = false): string | undefined {
  const prefix = BRACKETED_PREFIX.exec(text)?.[0];
  if (!prefix) return undefined;
  const suggestions = suggestModifiers(prefix);
  const known = `known modifiers are ${MODIFIERS.join(', ')}`;
  if (suggestions.length > 0) {
    const caseOnly = suggestions.every((s) => s.toLowerCase() === prefix.toLowerCase());
    return `unknown modifier ${prefix}; did you mean ${suggestions.join(' or ')}?${caseOnly ? ' Modifiers are case-sensitive;' : ''} ${known}`;
  }
  const literal = `${negated ? '[NotRegExp]' : '[RegExp]'}^${escapeForPattern(text)}$`;
  return `${prefix} is not a modifier (${known}); to compare with a text that starts with brackets, write ${literal}`;
}
