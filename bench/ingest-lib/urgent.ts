import fs from 'node:fs';
import path from 'node:path';
import type { MediaBinaries } from '../../src/media/binaries.js';
import type { Cleanup } from '../lib/cleanup.js';
import { log, runBinary } from '../lib/proc.js';
import { startEmbeddedService } from './service.js';
import { expertFloor, speechWav } from './transcode.js';

/**
 * Emergencies first, as a user meets it: the service on its embedded defaults (one process, one transcode worker),
 * a 60-second bulletin uploaded with urgent=true, timed from the end of its upload to `ready` — once on an idle
 * worker, then while a 2-hour programme is being transcoded. The floor is the same bulletin's two expert ffmpeg
 * passes run by hand: what "ready" can never beat.
 */

export const URGENT_TARGETS = { idleSec: 3, behindSec: 6 } as const;
const ROUNDS = 3;
const POLL_MS = 250;

export interface UrgentFigures {
  floorSec: number;
  idleSec: number[];
  behindSec: number[];
  programmeProgressAtEnd: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function benchUrgent(opts: { root: string; tmp: string; bins: MediaBinaries; fixtures: { wav: string; mp3: string }; redisUrl: string; cleanup: Cleanup }): Promise<UrgentFigures> {
  const dir = fs.mkdtempSync(path.join(opts.tmp, 'urgent-'));
  const bulletin = path.join(dir, 'ban-tin-khan-60s.wav');
  await speechWav(opts.bins.ffmpeg, opts.fixtures.wav, bulletin, 60);
  const programme = path.join(dir, 'chuong-trinh-2-gio.mp3');
  // Two hours of the mp3 fixture's frames, repeated: a real 128 kbps programme, made without encoding anything.
  await runBinary(opts.bins.ffmpeg, ['-nostdin', '-v', 'error', '-y', '-stream_loop', '-1', '-i', opts.fixtures.mp3, '-t', '7200', '-c', 'copy', programme]);

  const floorSec = (await expertFloor(opts.bins, bulletin, dir)).wallSec;
  log(`urgent: the bulletin's expert floor by hand ${floorSec.toFixed(2)} s`);

  const { base, token } = await startEmbeddedService({ root: opts.root, dir, bins: opts.bins, redisUrl: opts.redisUrl, cleanup: opts.cleanup, name: 'urgent' });

  const auth = { authorization: `Bearer ${token}` };
  const upload = async (file: string, fields: Record<string, string>): Promise<{ id: string; uploadedAt: number }> => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('audio', await fs.openAsBlob(file), path.basename(file));
    const res = await fetch(`${base}/api/v1/episodes`, { method: 'POST', headers: auth, body: form });
    const uploadedAt = Date.now();
    const body = (await res.json()) as { id: string };
    if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
    return { id: body.id, uploadedAt };
  };
  const episode = async (id: string) =>
    (await (await fetch(`${base}/api/v1/episodes/${id}`, { headers: auth })).json()) as { status: string; progress: number; readyAt: string | null };
  // Timed to the episode's own readyAt (the service's clock is this machine's): the bench then polls at a rate a
  // dashboard might (its own polls every 2 s), instead of loading the very thread it measures with 40 requests a second.
  const readyAfter = async (file: string, title: string): Promise<number> => {
    const { id, uploadedAt } = await upload(file, { title, urgent: 'true' });
    for (;;) {
      const e = await episode(id);
      if (e.status === 'ready' && e.readyAt) return (Date.parse(e.readyAt) - uploadedAt) / 1000;
      if (e.status === 'failed') throw new Error(`bulletin failed: ${JSON.stringify(e)}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };

  // The first upload also warms the process (lazy imports, JIT, the first ffmpeg spawn): not timed.
  await readyAfter(bulletin, 'Khởi động');
  const idleSec: number[] = [];
  for (let i = 0; i < ROUNDS; i++) idleSec.push(await readyAfter(bulletin, `Bản tin khẩn ${i + 1}`));
  log(`urgent: idle worker ${idleSec.map((s) => s.toFixed(2)).join(', ')} s`);

  const long = await upload(programme, { title: 'Chương trình 2 giờ' });
  while ((await episode(long.id)).progress < 1) await new Promise((r) => setTimeout(r, 100));
  const behindSec: number[] = [];
  for (let i = 0; i < ROUNDS; i++) behindSec.push(await readyAfter(bulletin, `Bản tin khẩn khi đang chuyển mã ${i + 1}`));
  const programmeProgressAtEnd = (await episode(long.id)).progress;
  log(`urgent: behind a 2-hour programme ${behindSec.map((s) => s.toFixed(2)).join(', ')} s (programme at ${programmeProgressAtEnd} %)`);
  return { floorSec, idleSec, behindSec, programmeProgressAtEnd };
}

export function printUrgent(out: (l?: string) => void, u: UrgentFigures): string[] {
  const missed: string[] = [];
  const idle = median(u.idleSec);
  const behind = median(u.behindSec);
  out('== Emergencies first ==');
  out(`60 s bulletin, urgent=true, from the end of its upload to its readyAt (service on its embedded defaults, polled every ${POLL_MS} ms; ${ROUNDS} rounds, median)`);
  out(`  floor (its two expert ffmpeg passes by hand): ${u.floorSec.toFixed(2)} s`);
  const idleOk = idle <= URGENT_TARGETS.idleSec;
  const behindOk = behind <= URGENT_TARGETS.behindSec;
  out(`  idle worker: ${idle.toFixed(2)} s (all: ${u.idleSec.map((s) => s.toFixed(2)).join(', ')}), ${(idle / u.floorSec).toFixed(2)}× the floor; target ≤ ${URGENT_TARGETS.idleSec} s ${idleOk ? 'target met' : 'target missed'}`);
  out(`  behind a 2-hour programme being transcoded: ${behind.toFixed(2)} s (all: ${u.behindSec.map((s) => s.toFixed(2)).join(', ')}), ${(behind / u.floorSec).toFixed(2)}× the floor; target ≤ ${URGENT_TARGETS.behindSec} s ${behindOk ? 'target met' : 'target missed'}`);
  out(`  the programme was at ${u.programmeProgressAtEnd} % when the last bulletin was ready: it was still transcoding`);
  out();
  if (!idleOk) missed.push('urgent bulletin ready (idle)');
  if (!behindOk) missed.push('urgent bulletin ready (behind a programme)');
  return missed;
}
