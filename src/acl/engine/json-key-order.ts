// JSON.parse puts integer-like keys first ({"2":…,"1":…} iterates "1","2"), but the §10 answer
// lists option keys "in input order". This reader builds the same values as JSON.parse and
// remembers each object's keys in the order they were written.

const keyOrder = new WeakMap<object, readonly string[]>();
const MAX_DEPTH = 64;
const SCALAR = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** The keys of an object read by parseJsonKeepingKeyOrder, as written; else Object.keys. */
export function sourceKeyOrder(object: object): readonly string[] {
  return keyOrder.get(object) ?? Object.keys(object);
}

/** Parses like JSON.parse (same errors, same values) and records key order. */
export function parseJsonKeepingKeyOrder(text: string): unknown {
  JSON.parse(text); // validates; the walk below may then assume well-formed input
  let pos = 0;
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const readString = (): string => {
    const start = pos++;
    while (text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const readValue = (depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new SyntaxError(`JSON nested deeper than ${MAX_DEPTH} levels`);
    skipSpace();
    const c = text[pos];
    if (c === '"') return readString();
    if (c === '[') {
      pos++;
      const list: unknown[] = [];
      skipSpace();
      if (text[pos] === ']') return (pos++, list);
      for (;;) {
        list.push(readValue(depth + 1));
        skipSpace();
        if (text[pos++] === ']') return list;
      }
    }
    if (c === '{') {
      pos++;
      const entries: [string, unknown][] = [];
      skipSpace();
      if (text[pos] !== '}') {
        for (;;) {
          skipSpace();
          const key = readString();
          skipSpace();
          pos++; // ':'
          entries.push([key, readValue(depth + 1)]);
          skipSpace();
          if (text[pos++] === '}') break;
        }
      } else pos++;
      // fromEntries defines own properties, so a "__proto__" key stays data, as with JSON.parse.
      const object = Object.fromEntries(entries);
      keyOrder.set(object, [...new Set(entries.map(([key]) => key))]);
      return object;
    }
    SCALAR.lastIndex = pos;
    const scalar = SCALAR.exec(text)![0];
    pos += scalar.length;
    return JSON.parse(scalar);
  };
  return readValue(0);
}
