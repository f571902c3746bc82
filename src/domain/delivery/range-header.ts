import { mergeSpans, type ByteSpan } from './ranges.js';

/**
 * A Range header read against a file of `sizeBytes` (RFC 9110 §14.1.2 and §14.2):
 * - `ignore`: not a byte range this server understands, so the whole file is sent (200);
 * - `unsatisfiable`: no range overlaps the file (416);
 * - `spans`: the satisfiable ranges, clipped to the file and merged.
 * A suffix longer than the file (`bytes=-N`, N > size) means the whole file, not an error.
 */
export type RangeRequest = { kind: 'ignore' } | { kind: 'unsatisfiable' } | { kind: 'spans'; spans: ByteSpan[] };

const RANGE = /^\s*(\d*)\s*-\s*(\d*)\s*$/;

export function parseRangeHeader(header: string, sizeBytes: number): RangeRequest {
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'ignore' };
  const spans: ByteSpan[] = [];
  let asked = 0;
  for (const part of header.slice(eq + 1).split(',')) {
    if (part.trim() === '') continue;
    asked++;
    const m = RANGE.exec(part);
    if (!m || (m[1] === '' && m[2] === '')) return { kind: 'ignore' };
    if (m[1] === '') {
      const suffix = Number(m[2]);
      if (suffix > 0 && sizeBytes > 0) spans.push({ start: Math.max(0, sizeBytes - suffix), end: sizeBytes - 1 });
      continue;
    }
    const start = Number(m[1]);
    const last = m[2] === '' ? Infinity : Number(m[2]);
    // A last position before the first is a malformed range, and a malformed header is ignored as a whole.
    if (last < start) return { kind: 'ignore' };
    if (start < sizeBytes) spans.push({ start, end: Math.min(last, sizeBytes - 1) });
  }
  if (asked === 0) return { kind: 'ignore' };
  if (spans.length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'spans', spans: mergeSpans(spans) };
}
