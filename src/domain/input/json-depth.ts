/**
 * How deeply a JSON text nests, read from the raw bytes before it is parsed: a body of a few hundred kilobytes of
 * "[[[[…" parses into hundreds of thousands of nested arrays (tens of megabytes, and deep walks over it overflow
 * the stack). Brackets inside strings do not count; escapes inside strings are skipped.
 */
export function jsonDepthExceeds(text: Uint8Array, maxDepth: number): boolean {
  const QUOTE = 0x22;
  const BACKSLASH = 0x5c;
  const OPEN_OBJECT = 0x7b;
  const OPEN_ARRAY = 0x5b;
  const CLOSE_OBJECT = 0x7d;
  const CLOSE_ARRAY = 0x5d;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}
