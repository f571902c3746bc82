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
 * that file's SHA-256 at that moment), "plays" for playSec seconds (or the length set for that file), and records
 * how it ended.
 */
export function recordingPlayer(dir: string, playSec: number, secBySha256: Record<string, number> = {}) {
  const script = path.join(dir, 'player.mjs');
  const record = path.join(dir, 'played.jsonl');
  const lengths = path.join(dir, 'lengths.json');
  fs.writeFileSync(lengths, JSON.stringify(secBySha256));
  fs.writeFileSync(
    script,
    `import crypto from 'node:crypto';
import fs from 'node:fs';
const file = process.argv[2];
const log = (event, extra = {}) => fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify({ event, file, at: Date.now(), pid: process.pid, ...extra }) + '\\n');
const sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
log('start', { sha256 });
process.on('SIGTERM', () => { log('stopped'); process.exit(143); });
const sec = JSON.parse(fs.readFileSync(${JSON.stringify(lengths)}, 'utf8'))[sha256] ?? ${playSec};
setTimeout(() => { log('end'); process.exit(0); }, Math.round(sec * 1000));
`,
  );
  return {
    command: `'${process.execPath}' '${script}' {file}`,
    /** How long the player "plays" a file with this SHA-256 (files it does not know play for playSec). */
    setLength(sha256: string, sec: number) {
      const known = JSON.parse(fs.readFileSync(lengths, 'utf8')) as Record<string, number>;
      fs.writeFileSync(lengths, JSON.stringify({ ...known, [sha256]: sec }));
    },
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
