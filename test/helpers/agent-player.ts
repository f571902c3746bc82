import fs from 'node:fs';
import path from 'node:path';

/** What the recording player was asked to do, one JSON line per event. */
export interface PlayerEvent {
  readonly event: 'start' | 'end' | 'stopped';
  readonly file: string;
  readonly sha256?: string;
  readonly at: number;
  readonly pid: number;
}

/**
 * A stand-in for mpg123 on a station PC: a small node script that records which file it was asked to play (and
 * that file's SHA-256 at that moment), "plays" for PLAYER_SEC seconds, and records how it ended.
 */
export function recordingPlayer(dir: string, playSec: number) {
  const script = path.join(dir, 'player.mjs');
  const record = path.join(dir, 'played.jsonl');
  fs.writeFileSync(
    script,
    `import crypto from 'node:crypto';
import fs from 'node:fs';
const file = process.argv[2];
const log = (event, extra = {}) => fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify({ event, file, at: Date.now(), pid: process.pid, ...extra }) + '\\n');
log('start', { sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') });
process.on('SIGTERM', () => { log('stopped'); process.exit(143); });
setTimeout(() => { log('end'); process.exit(0); }, ${Math.round(playSec * 1000)});
`,
  );
  return {
    command: `'${process.execPath}' '${script}' {file}`,
    record,
    events(): PlayerEvent[] {
      if (!fs.existsSync(record)) return [];
      return fs
        .readFileSync(record, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as PlayerEvent);
    },
  };
}
