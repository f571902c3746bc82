/**
 * U+0000 in text. PostgreSQL (and PGlite) cannot store it in `text` or `jsonb`, so a value carrying one fails at the
 * database with an internal error; it is refused where it comes in instead, naming the field.
 */
export const NUL = '\u0000';

export const hasNul = (s: string): boolean => s.includes(NUL);

/**
 * The path to the first string (or object key) holding U+0000, depth-first in document order; null when there is
 * none. Walks with its own stack, so a deeply nested value cannot exhaust the call stack.
 */
export function firstNulPath(value: unknown): (string | number)[] | null {
  // Each node links to its parent, so the path is built once, for the value found (not copied at every level).
  type Node = { value: unknown; key: string | number | null; parent: Node | null };
  const pathOf = (n: Node, last?: string): (string | number)[] => {
    const out: (string | number)[] = last === undefined ? [] : [last];
    for (let at: Node | null = n; at && at.key !== null; at = at.parent) out.push(at.key);
    return out.reverse();
  };
  const stack: Node[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (hasNul(v)) return pathOf(node);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const children: Node[] = [];
    if (Array.isArray(v)) {
      v.forEach((item, i) => children.push({ value: item, key: i, parent: node }));
    } else {
      for (const [k, item] of Object.entries(v)) {
        if (hasNul(k)) return pathOf(node, k);
        children.push({ value: item, key: k, parent: node });
      }
    }
    // Pushed in reverse so the first child is looked at first.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return null;
}

/** A path as people read it ("grid.0.start"); a NUL inside a key is shown as ␀, never sent back raw. */
export function fieldName(path: readonly (string | number)[], fallback: string): string {
  return path.length === 0 ? fallback : path.map((p) => String(p).replaceAll(NUL, '␀')).join('.');
}
