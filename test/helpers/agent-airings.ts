import type { AgentAiring, Priority } from '../../src/agent/manifest.js';

/** Airings for the agent's pure-logic tests: times in seconds from T0, files by letter. */
export const T0 = Date.parse('2026-12-01T06:00:00+07:00');
export const sec = (s: number) => T0 + s * 1000;

export function airing(id: string, startSec: number, opts: { durSec?: number; priority?: Priority; file?: string; size?: number } = {}): AgentAiring {
  const dur = opts.durSec ?? 600;
  const letter = opts.file ?? 'a';
  const sha = letter.repeat(64).slice(0, 64);
  return {
    id,
    episodeId: `ep-${letter}`,
    title: `Chương trình ${id}`,
    startsAt: sec(startSec),
    endsAt: sec(startSec + dur),
    startsAtLocal: new Date(sec(startSec)).toISOString(),
    priority: opts.priority ?? 'normal',
    media: { url: `https://loaxa.example/api/v1/station/media/s/ep-${letter}.mp3?exp=1&sig=x`, format: 'mp3', sizeBytes: opts.size ?? 1000, sha256: sha, durationSec: dur },
    file: `${sha}.mp3`,
  };
}
