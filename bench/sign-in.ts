/**
 * Sign-in benchmark (`npm run bench:sign-in`): issue 9's "Benchmark" section, the password half.
 *
 * The cost of one argon2id verification as a sign-in pays it (src/services/passwords.ts verifyPassword, with the
 * parameters it hashes with), median of BENCH_RUNS (50) after a warm-up, target 50–100 ms: slow enough that a flood
 * of guesses cannot go fast, quick enough for a person. Baseline: the raw library call (@node-rs/argon2 verify) on
 * the same hash, so the wrapper's own cost shows. Also the stand-in verification for an unknown login
 * (verifyAgainstNothing), which must take about as long (no account enumeration by timing).
 *
 * The other half — station polls pay nothing for sessions — is `npm run bench:distribution` (poll ratio).
 *
 * Human-readable figures on stdout ending with one JSON line; progress on stderr. Exit 0 even when a target is
 * missed. Knobs: BENCH_RUNS (50), BENCH_WARMUP_RUNS (3).
 */
import os from 'node:os';
import { verify } from '@node-rs/argon2';
import { hashPassword, PASSWORD_HASH_OPTIONS, verifyAgainstNothing, verifyPassword } from '../src/services/passwords.js';
import { printVerdicts, runBench } from './lib/finish.js';
import { envNumber, log } from './lib/proc.js';

const TARGET = { minMs: 50, maxMs: 100 } as const;
const runs = Math.round(envNumber('BENCH_RUNS', 50));
const warmups = Math.round(envNumber('BENCH_WARMUP_RUNS', 3));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round1 = (x: number) => Math.round(x * 10) / 10;

async function timed(label: string, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmups; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  log(`${label}: median ${round1(median(times))} ms over ${runs}`);
  return times;
}

async function main() {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const password = 'một mật khẩu đủ dài 2026';
  const stored = await hashPassword(password);
  const wrapper = await timed('verifyPassword (right password)', async () => {
    if (!(await verifyPassword(stored, password))) throw new Error('verification failed');
  });
  const wrong = await timed('verifyPassword (wrong password)', () => verifyPassword(stored, 'sai mật khẩu'));
  const nothing = await timed('verifyAgainstNothing (unknown login)', () => verifyAgainstNothing(password));
  const raw = await timed('baseline: raw @node-rs/argon2 verify', () => verify(stored, password));
  const m = { wrapper: median(wrapper), wrong: median(wrong), nothing: median(nothing), raw: median(raw) };
  const load = os.loadavg()[0]!;

  out(`argon2id parameters: ${JSON.stringify(PASSWORD_HASH_OPTIONS)} (${stored.split('$')[3]})`);
  out(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, load average ${round1(load)} at the end`);
  out(`verification, median of ${runs}: ${round1(m.wrapper)} ms (wrong password ${round1(m.wrong)} ms, unknown login ${round1(m.nothing)} ms)`);
  out(`baseline (raw library call, same hash): ${round1(m.raw)} ms → wrapper/raw ${(m.wrapper / m.raw).toFixed(2)}×`);
  out(`one core verifies at most ~${Math.round(1000 / m.wrapper)} guesses a second`);
  const verdicts = [
    m.wrapper >= TARGET.minMs && m.wrapper <= TARGET.maxMs ? `verification ${round1(m.wrapper)} ms within ${TARGET.minMs}–${TARGET.maxMs} ms: target met` : `verification ${round1(m.wrapper)} ms outside ${TARGET.minMs}–${TARGET.maxMs} ms: target missed`,
    Math.abs(m.nothing - m.wrapper) <= 0.25 * m.wrapper ? `unknown login within 25% of a real one: target met` : `unknown login ${round1(m.nothing)} ms vs ${round1(m.wrapper)} ms: target missed`,
  ];
  printVerdicts(out, {
    bench: 'sign-in',
    runs,
    parameters: PASSWORD_HASH_OPTIONS,
    medianMs: { verify: round1(m.wrapper), verifyWrong: round1(m.wrong), verifyAgainstNothing: round1(m.nothing), rawLibrary: round1(m.raw) },
    loadAverage: round1(load),
  }, verdicts);
}

runBench(main);
