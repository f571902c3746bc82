/** Latency summaries for `bench:realtime`: nearest-rank percentiles over the devices that got there. */
export interface Spread {
  n: number;
  missing: number;
  p50: number;
  p95: number;
  max: number;
}

export function spread(valuesMs: number[]): Spread {
  const ok = valuesMs.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const at = (p: number) => (ok.length ? ok[Math.min(ok.length - 1, Math.ceil((p / 100) * ok.length) - 1)]! : NaN);
  const r = (v: number) => Math.round(v);
  return { n: ok.length, missing: valuesMs.length - ok.length, p50: r(at(50)), p95: r(at(95)), max: r(ok.at(-1) ?? NaN) };
}

export const fmtSpread = (s: Spread) =>
  `p50 ${s.p50} ms  p95 ${s.p95} ms  max ${s.max} ms${s.missing ? `  (${s.missing} of ${s.n + s.missing} devices never got there)` : ''}`;

export function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}
