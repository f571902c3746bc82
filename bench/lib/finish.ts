/** The last lines every benchmark prints: the verdicts, then the whole summary as one JSON line. */
export function printVerdicts(out: (line?: string) => void, summary: Record<string, unknown>, verdicts: string[]): void {
  out();
  out(`Verdict: ${verdicts.join('; ')}`);
  summary.verdicts = verdicts;
  summary.allTargetsMet = verdicts.every((v) => v.endsWith('target met'));
  out(JSON.stringify(summary));
}

/** Runs a benchmark's main and exits: 0 when it finished, 1 with the stack when it threw. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
