/**
 * JSON.parse that never rounds: integers beyond Number.MAX_SAFE_INTEGER (X's tweet, user and
 * DM ids are ~2^60) come back as their exact digit strings instead of lossy numbers.
 * Node 20 has no JSON.parse source access, so big integer literals are quoted before parsing.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

/** Reads an id that X may send as a string (v2, `id_str`) or, carelessly, as a number. */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      i = endOfString(text, i);
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      const start = i;
      while (i < text.length && /[-+0-9.eE]/.test(text[i])) i++;
      const literal = text.slice(start, i);
      if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        out += text.slice(copiedUpTo, start) + `"${literal}"`;
        copiedUpTo = i;
      }
    } else {
      i++;
    }
  }
  return out + text.slice(copiedUpTo);
}

// Index just past the closing quote of the string literal opening at `start`.
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}
