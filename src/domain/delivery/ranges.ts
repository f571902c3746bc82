/** Byte ranges, inclusive at both ends, as HTTP Range uses them. */
export interface ByteSpan {
  start: number;
  end: number;
}

/** Sorts and merges overlapping or touching spans: [0-99] + [50-199] + [200-299] → [0-299]. */
export function mergeSpans(spans: readonly ByteSpan[]): ByteSpan[] {
  const sorted = spans.filter((s) => s.end >= s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: ByteSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end + 1) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

export function coveredBytes(spans: readonly ByteSpan[]): number {
  return mergeSpans(spans).reduce((n, s) => n + (s.end - s.start + 1), 0);
}

/** A file counts as delivered when the merged spans cover every byte of it, once. */
export function isComplete(spans: readonly ByteSpan[], sizeBytes: number): boolean {
  const merged = mergeSpans(spans);
  return sizeBytes > 0 && merged.length === 1 && merged[0]!.start === 0 && merged[0]!.end >= sizeBytes - 1;
}

// Players and agents probe with tiny ranges (bytes=0-1) to learn the size; those are not downloads.
export const PROBE_MAX_BYTES = 2;

export function isProbe(span: ByteSpan, sizeBytes: number): boolean {
  return span.end - span.start + 1 <= PROBE_MAX_BYTES && sizeBytes > PROBE_MAX_BYTES;
}
