import { RE2JS } from 're2js';

// ACL regexes are written for Perl (OTRS runs `$Value =~ /$RegExp/`). They run here on RE2 (re2js),
// which takes time linear in the length of the value whatever the pattern, so no customer text can
// stall the app. This file turns a Perl pattern into the RE2 pattern that means the same, or says
// in one line why it cannot: what needs backtracking (backreferences, look-around, atomic groups,
// possessive quantifiers, recursion) is refused, and so is Perl syntax RE2 would read differently.
// docs/ACL.md ("Regular expressions") lists every rule.

export class AclPatternError extends Error {}

/** Perl's \s on text (White_Space): RE2's \s only knows ASCII. */
const SPACE = '\\t\\n\\x{0B}\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}';
/** Perl's \w on text: letters, marks, decimal digits and connector punctuation of every script. */
const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
const HORIZONTAL_SPACE = '\\t \\x{A0}\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}';
const VERTICAL_SPACE = '\\n\\x{0B}\\f\\r\\x{85}\\x{2028}\\x{2029}';

/** Escapes (outside a character class) that stand for a class, as Perl reads them on text. */
const CLASS_ESCAPES: Record<string, string> = {
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  w: `[${WORD}]`,
  W: `[^${WORD}]`,
  s: `[${SPACE}]`,
  S: `[^${SPACE}]`,
  h: `[${HORIZONTAL_SPACE}]`,
  H: `[^${HORIZONTAL_SPACE}]`,
  v: `[${VERTICAL_SPACE}]`,
  V: `[^${VERTICAL_SPACE}]`,
  N: '[^\\n]',
  R: `(?:\\r\\n|[${VERTICAL_SPACE}])`,
};

/** The same escapes inside [...]: only the positive ones (and \D) can be written as class members. */
const CLASS_MEMBER_ESCAPES: Record<string, string> = {
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  w: WORD,
  s: SPACE,
  h: HORIZONTAL_SPACE,
  v: VERTICAL_SPACE,
};

const REFUSED_ESCAPES: Record<string, string> = {
  G: '\\G (where the previous match ended) has no meaning for a single test',
  K: '\\K (keep what was matched so far) is not supported',
  X: '\\X (an extended grapheme cluster) is not supported',
  C: '\\C (a single byte) is not supported',
  l: '\\l changes the case of the next character only in Perl strings, not in patterns here',
  u: '\\u changes the case of the next character only in Perl strings, not in patterns here',
  L: '\\L (lower-case until \\E) is not supported',
  U: '\\U (upper-case until \\E) is not supported',
  F: '\\F (fold case until \\E) is not supported',
  E: '\\E without \\Q before it',
};

const BACKTRACKING = 'which needs a backtracking regex engine; ACL patterns run on a linear-time engine so that no text can stall the app';

export type PatternTranslation = { readonly ok: true; readonly pattern: string } | { readonly ok: false; readonly problem: string };

class PatternProblem extends Error {}

function refuse(message: string): never {
  throw new PatternProblem(message);
}

const hex = (code: number) => `\\x{${code.toString(16).toUpperCase()}}`;

/**
 * Translates one Perl pattern into RE2 syntax with Perl's meaning on text: `$` and `\Z` also match
 * before a final newline, `\d \w \s` know every script, `\e \cX \o{…} \x4 \N{U+…}` become `\x{…}`,
 * `(?#…)` comments are dropped, `(?'name'…)` becomes `(?P<name>…)`.
 */
export function translatePerlPattern(source: string): PatternTranslation {
  try {
    return { ok: true, pattern: new PerlToRe2(source).translate() };
  } catch (error) {
    if (error instanceof PatternProblem) return { ok: false, problem: error.message };
    throw error;
  }
}

class PerlToRe2 {
  private pos = 0;
  private out = '';
  /** Set right after a quantifier, to recognise a possessive `+` following it. */
  private afterQuantifier = false;
  /** With (?m), `$` is the end of any line, which RE2's multi-line `$` already is. */
  private readonly multiLine: boolean;

  constructor(private readonly source: string) {
    this.multiLine = /\(\?[a-z]*m[a-z]*[-:)]/.test(source);
  }

  translate(): string {
    if (this.source === '') refuse('empty regular expression (Perl would re-use the last pattern it ran)');
    const s = this.source;
    while (this.pos < s.length) {
      const c = s[this.pos];
      const quantifierBefore = this.afterQuantifier;
      this.afterQuantifier = false;
      if (c === '\\') this.escape();
      else if (c === '[') this.characterClass();
      else if (c === '(') this.group();
      else if (c === '$') this.dollar();
      else if (c === '*' || c === '+' || c === '?') {
        if (quantifierBefore && c === '+') refuse(`possessive quantifier "${s.slice(this.pos - 1, this.pos + 1)}", ${BACKTRACKING}`);
        this.out += c;
        this.pos++;
        // `a+?` is lazy (fine); after a lazy `?` no further quantifier may follow.
        this.afterQuantifier = !(quantifierBefore && c === '?');
      } else if (c === '{') this.braces(quantifierBefore);
      else {
        this.out += c;
        this.pos++;
      }
    }
    return this.out;
  }

  private dollar(): void {
    const next = this.source[this.pos + 1];
    this.pos++;
    if (this.multiLine) {
      this.out += '$';
      return;
    }
    // Perl's `$` (without /m) also matches just before a newline that ends the text.
    if (next !== undefined && next !== '|' && next !== ')') {
      refuse('"$" may only end the pattern or an alternative here (write \\z for the very end of the text)');
    }
    this.out += '(?:\\n?\\z)';
  }

  private braces(quantifierBefore: boolean): void {
    const s = this.source;
    const match = /^\{(\d*)(,?)(\d*)\}/.exec(s.slice(this.pos));
    if (match && match[1] === '' && match[2] === ',' && match[3] !== '') {
      refuse(`"${match[0]}" means {0,${match[3]}} in newer Perl and literal text in older Perl; write {0,${match[3]}}`);
    }
    if (match && match[1] !== '') {
      if (quantifierBefore) refuse(`"${match[0]}" follows another quantifier`);
      this.out += match[0];
      this.pos += match[0].length;
      this.afterQuantifier = true;
      return;
    }
    // Not a quantifier: Perl reads the brace literally.
    this.out += '\\{';
    this.pos++;
  }

  private group(): void {
    const s = this.source;
    const rest = s.slice(this.pos);
    if (rest.startsWith('(*')) refuse(`backtracking control verb "${/^\(\*[^)]*\)?/.exec(rest)![0]}" ${BACKTRACKING}`);
    if (!rest.startsWith('(?')) {
      this.out += '(';
      this.pos++;
      return;
    }
    const lookaround: [string, string][] = [
      ['(?=', 'look-ahead'],
      ['(?!', 'negative look-ahead'],
      ['(?<=', 'look-behind'],
      ['(?<!', 'negative look-behind'],
      ['(?>', 'atomic group'],
      ['(?|', 'branch reset group'],
      ['(?(', 'conditional'],
    ];
    for (const [prefix, what] of lookaround) {
      if (rest.startsWith(prefix)) refuse(`${what} "${prefix}…)" ${BACKTRACKING}`);
    }
    if (/^\(\?(R|[+-]?\d+|&\w+|P>\w+)\)/.test(rest)) refuse(`recursion "${/^\(\?[^)]*\)/.exec(rest)![0]}" ${BACKTRACKING}`);
    if (rest.startsWith('(?P=')) refuse(`named backreference "${/^\(\?P=[^)]*\)?/.exec(rest)![0]}" ${BACKTRACKING}`);
    if (rest.startsWith('(?#')) {
      const end = s.indexOf(')', this.pos);
      if (end === -1) refuse('unterminated comment "(?#"');
      this.pos = end + 1;
      return;
    }
    const quotedName = /^\(\?'(\w+)'/.exec(rest);
    if (quotedName) {
      this.out += `(?P<${quotedName[1]}>`;
      this.pos += quotedName[0].length;
      return;
    }
    const flags = /^\(\?([\^a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
    if (flags) {
      const all = `${flags[1]}${flags[2] ?? ''}`;
      if (all.includes('x')) refuse('the x flag (whitespace and # comments in the pattern) is not supported');
      const unknown = [...all].filter((flag) => !'ims'.includes(flag));
      if (unknown.length > 0) refuse(`the flag${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in "${flags[0]}" ${unknown.length > 1 ? 'are' : 'is'} not supported (i, m and s are)`);
    }
    this.out += '(?';
    this.pos += 2;
  }

  private escape(): void {
    const s = this.source;
    const c = s[this.pos + 1];
    if (c === undefined) refuse('the pattern ends with a single backslash');
    if (c >= '1' && c <= '9') refuse(`backreference "\\${/^\d+/.exec(s.slice(this.pos + 1))![0]}" ${BACKTRACKING}`);
    if (c === 'g' && /^\\g(\{[^}]*\}|-?\d)/.test(s.slice(this.pos))) refuse(`backreference "${/^\\g(\{[^}]*\}|-?\d+)/.exec(s.slice(this.pos))![0]}" ${BACKTRACKING}`);
    if (c === 'k') refuse(`named backreference "\\k…" ${BACKTRACKING}`);
    if (c in REFUSED_ESCAPES) refuse(`regular expression uses ${REFUSED_ESCAPES[c]}`);
    if (c === 'Q') return this.quoted();
    if (c === 'Z') {
      this.pos += 2;
      this.out += '(?:\\n?\\z)';
      return;
    }
    if (c === 'N' && s[this.pos + 2] === '{') {
      this.pos += 2;
      this.out += hex(this.namedCharacter());
      return;
    }
    if (c in CLASS_ESCAPES) {
      this.pos += 2;
      this.out += CLASS_ESCAPES[c];
      return;
    }
    if (c === 'p' || c === 'P') {
      const property = /^\\[pP](\{[^}]*\}|.)/.exec(s.slice(this.pos));
      if (!property) refuse(`"\\${c}" needs a property name, e.g. \\p{L}`);
      this.out += property[0];
      this.pos += property[0].length;
      return;
    }
    const code = this.characterEscape();
    if (code !== undefined) {
      this.out += hex(code);
      return;
    }
    // \A \z \b \B \n \t \p{…} \. and the like mean the same in RE2.
    this.out += `\\${c}`;
    this.pos += 2;
  }

  /** \e, \cX, \o{…}, \x…, \0…: the character code, with pos moved past it; undefined otherwise. */
  private characterEscape(inClass = false): number | undefined {
    const s = this.source;
    const c = s[this.pos + 1];
    const rest = s.slice(this.pos + 2);
    if (c === 'e') return ((this.pos += 2), 0x1b);
    if (c === 'c') {
      const letter = rest[0];
      if (letter === undefined) refuse('"\\c" needs a character after it');
      this.pos += 3;
      return letter.toUpperCase().charCodeAt(0) ^ 64;
    }
    if (c === 'o') {
      const octal = /^\{([0-7]+)\}/.exec(rest);
      if (!octal) refuse('"\\o" needs octal digits in braces, e.g. \\o{101}');
      this.pos += 2 + octal[0].length;
      return parseInt(octal[1], 8);
    }
    if (c === 'x') {
      const braced = /^\{([0-9a-fA-F]*)\}/.exec(rest);
      if (braced) {
        this.pos += 2 + braced[0].length;
        return braced[1] === '' ? 0 : parseInt(braced[1], 16);
      }
      // Perl takes up to two hex digits (\x4 is 0x04, a bare \x is NUL); RE2 wants exactly two.
      const digits = /^[0-9a-fA-F]{0,2}/.exec(rest)![0];
      this.pos += 2 + digits.length;
      return digits === '' ? 0 : parseInt(digits, 16);
    }
    const octalDigits = inClass ? /^[0-7]{1,3}/.exec(s.slice(this.pos + 1)) : c === '0' ? /^0[0-7]{0,2}/.exec(s.slice(this.pos + 1)) : null;
    if (octalDigits) {
      this.pos += 1 + octalDigits[0].length;
      return parseInt(octalDigits[0], 8);
    }
    if (inClass && c === 'b') return ((this.pos += 2), 0x08);
    return undefined;
  }

  /** `\N{U+263A}` (pos at its `{`); names such as \N{SNOWMAN} are refused. */
  private namedCharacter(): number {
    const match = /^\{U\+([0-9a-fA-F]+)\}/.exec(this.source.slice(this.pos));
    if (!match) refuse('\\N{name} (a character by its Unicode name) is not supported; write \\x{…} with its code');
    this.pos += match[0].length;
    return parseInt(match[1], 16);
  }

  /** `\Q…\E`: the text between as literal characters. */
  private quoted(): void {
    const s = this.source;
    const end = s.indexOf('\\E', this.pos + 2);
    const text = s.slice(this.pos + 2, end === -1 ? undefined : end);
    this.out += text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
    this.pos = end === -1 ? s.length : end + 2;
  }

  private characterClass(): void {
    const s = this.source;
    let out = '[';
    this.pos++;
    if (s[this.pos] === '^') {
      out += '^';
      this.pos++;
    }
    // A `]` right at the start is a literal.
    if (s[this.pos] === ']') {
      out += '\\]';
      this.pos++;
    }
    for (;;) {
      const c = s[this.pos];
      if (c === undefined) refuse('unterminated character class "["');
      if (c === ']') {
        out += ']';
        this.pos++;
        break;
      }
      if (c === '[') {
        const posix = /^\[:\^?[a-z]+:\]/.exec(s.slice(this.pos));
        if (posix) refuse(`POSIX class ${posix[0]} is not supported; write \\p{L} for letters, \\d for digits, \\s for white space`);
        out += '\\[';
        this.pos++;
        continue;
      }
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const e = s[this.pos + 1];
      if (e === undefined) refuse('the pattern ends with a single backslash');
      if (e in CLASS_MEMBER_ESCAPES) {
        out += CLASS_MEMBER_ESCAPES[e];
        this.pos += 2;
        continue;
      }
      if ('WSHVNR'.includes(e)) refuse(`\\${e} inside [...] is not supported; write the class with [^…] or outside the brackets`);
      if (e in REFUSED_ESCAPES || e === 'Q') refuse(`regular expression uses ${REFUSED_ESCAPES[e] ?? '\\Q inside [...]'}`);
      if (e === 'N' && s[this.pos + 2] === '{') {
        this.pos += 2;
        out += hex(this.namedCharacter());
        continue;
      }
      const code = this.characterEscape(true);
      if (code !== undefined) {
        out += hex(code);
        continue;
      }
      out += `\\${e}`;
      this.pos += 2;
    }
    this.out += out;
  }
}

/** The problem with a Perl pattern as a one-line text, or undefined if it can be used. */
export function perlPatternProblem(source: string): string | undefined {
  const translated = translatePerlPattern(source);
  if (!translated.ok) return translated.problem;
  try {
    RE2JS.compile(translated.pattern);
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message.replace(/^error parsing regexp: /, '')}`;
  }
  return undefined;
}

/** A compiled ACL pattern: an unanchored search, as `$Value =~ /$RegExp/` (or `/i`). */
export interface LinearPattern {
  test(value: string): boolean;
}

/**
 * Compiled patterns by source: large sets repeat the same pattern in many ACLs, and one compiled
 * RE2 program (with the automaton it builds while matching) serves them all. Patterns are
 * stateless; the map is emptied when it grows past COMPILED_MAX.
 */
const compiled = new Map<string, LinearPattern>();
const COMPILED_MAX = 10_000;

/** Compiles a Perl pattern for an unanchored search on the linear-time engine. */
export function compilePerlPattern(source: string, ignoreCase: boolean): LinearPattern {
  const key = `${ignoreCase ? 'i' : '-'}${source}`;
  const known = compiled.get(key);
  if (known) return known;
  const pattern = compileUncached(source, ignoreCase);
  if (compiled.size >= COMPILED_MAX) compiled.clear();
  compiled.set(key, pattern);
  return pattern;
}

function compileUncached(source: string, ignoreCase: boolean): LinearPattern {
  const translated = translatePerlPattern(source);
  if (!translated.ok) throw new AclPatternError(translated.problem);
  try {
    const pattern = RE2JS.compile(translated.pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    return { test: (value) => pattern.test(value) };
  } catch (error) {
    throw new AclPatternError(`invalid regular expression: ${(error as Error).message.replace(/^error parsing regexp: /, '')}`);
  }
}

/** Valid patterns whose meaning differs a little from Perl's: shown as warnings, not refused. */
export function perlPatternNotes(source: string): string[] {
  const notes: string[] = [];
  // Outside a class: \b / \B (inside a class \b is a backspace, which means the same everywhere).
  if (/(?:^|[^\\])(?:\\\\)*\\[bB]/.test(source.replace(/\[(?:\\.|[^\]\\])*\]/g, ''))) {
    notes.push('\\b and \\B count only ASCII letters, digits and _ as word characters here (Perl counts letters of every script)');
  }
  return notes;
}
