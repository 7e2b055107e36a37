// ACL regexes are written for Perl. JavaScript reads most of them the same way; the constructs
// below it would silently read differently (`\A` is a literal "A" in JavaScript), so they are
// refused instead of giving a different answer than OTRS.

export class AclPatternError extends Error {}

const PERL_ONLY_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\([AzZGQEKhHRXNpPgLlUu]|[xo]\{)/;
const POSIX_CLASS = /\[:\^?[a-z]+:\]/;

/** The problem with a Perl pattern as a one-line text, or undefined if it can be used. */
export function perlPatternProblem(source: string): string | undefined {
  // An empty pattern means "re-use the last successful pattern" in Perl: never what was meant.
  if (source === '') return 'empty regular expression';
  const escape = PERL_ONLY_ESCAPE.exec(source);
  if (escape) return `regular expression uses \\${escape[1]}, a Perl-only construct that is not supported`;
  if (POSIX_CLASS.test(source)) return 'regular expression uses a POSIX class like [:alpha:], which is not supported';
  try {
    new RegExp(source);
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
  return undefined;
}

/** Compiles a Perl pattern for an unanchored search, as `$Data =~ /$RegExp/` (or `/i`) does. */
export function compilePerlPattern(source: string, ignoreCase: boolean): RegExp {
  const problem = perlPatternProblem(source);
  if (problem) throw new AclPatternError(problem);
  // No g/y flag: `test` must not carry lastIndex state between calls.
  return new RegExp(source, ignoreCase ? 'i' : '');
}
