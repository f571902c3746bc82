import type { AgentAiring, Priority } from './manifest.js';
import { stillToPlay } from './playout-plan.js';

/**
 * What the media cache should hold, what to fetch (in order) and what to delete. Pure: the runtime lists the
 * directory, calls this, then acts. Sizes are bytes, times epoch milliseconds.
 */

export interface CachedFile {
  readonly name: string;
  readonly sizeBytes: number;
  /** When it was last downloaded or played (the file's mtime; playing touches it). */
  readonly lastUsedMs: number;
}

export interface PartialFile {
  /** The name the file will have once complete. */
  readonly name: string;
  readonly sizeBytes: number;
}

export interface WantedFile {
  readonly name: string;
  readonly url: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  /** The earliest start among the airings still to play it: the order downloads go in. */
  readonly neededAt: number;
  readonly priority: Priority;
  readonly airingIds: readonly string[];
}

export interface CachePlanInput {
  readonly now: number;
  readonly airings: readonly AgentAiring[];
  readonly started: ReadonlySet<string>;
  readonly lateStartMs: number;
  readonly files: readonly CachedFile[];
  readonly partials: readonly PartialFile[];
  /** The most the cache may use: the configured cap, lowered when the disk itself is short of space. */
  readonly capBytes: number;
  readonly keepUnneededMs: number;
  /** Files that must stay whatever happens (the one playing right now). */
  readonly inUse: ReadonlySet<string>;
}

export type RemovalReason = 'unneeded' | 'evicted' | 'stale_partial';

export interface CachePlan {
  /** Every file an upcoming airing needs, most urgent first. */
  readonly wanted: readonly WantedFile[];
  /** Wanted, not on disk, and fitting under the cap: fetch in this order. */
  readonly download: readonly WantedFile[];
  /** Wanted but not fitting under the cap even after evicting everything unneeded. */
  readonly overCap: readonly WantedFile[];
  readonly remove: ReadonlyArray<{ readonly name: string; readonly kind: 'file' | 'partial'; readonly reason: RemovalReason }>;
  /** Bytes the cache will hold once the removals are done and the downloads complete. */
  readonly projectedBytes: number;
}

export function wantedFiles(airings: readonly AgentAiring[], started: ReadonlySet<string>, now: number, lateStartMs: number): WantedFile[] {
  const byName = new Map<string, WantedFile>();
  for (const a of airings) {
    if (!stillToPlay(a, started, now, lateStartMs)) continue;
    const prev = byName.get(a.file);
    if (!prev) {
      byName.set(a.file, { name: a.file, url: a.media.url, sizeBytes: a.media.sizeBytes, sha256: a.media.sha256, neededAt: a.startsAt, priority: a.priority, airingIds: [a.id] });
      continue;
    }
    const earlier = a.startsAt < prev.neededAt;
    byName.set(a.file, {
      ...prev,
      // The link of the soonest airing is the one most certainly still valid.
      url: earlier ? a.media.url : prev.url,
      neededAt: Math.min(prev.neededAt, a.startsAt),
      priority: a.priority === 'emergency' || prev.priority === 'emergency' ? 'emergency' : earlier ? a.priority : prev.priority,
      airingIds: [...prev.airingIds, a.id],
    });
  }
  return [...byName.values()].sort((x, y) => x.neededAt - y.neededAt || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

export function planCache(input: CachePlanInput): CachePlan {
  const wanted = wantedFiles(input.airings, input.started, input.now, input.lateStartMs);
  const wantedNames = new Set(wanted.map((w) => w.name));
  const onDisk = new Map(input.files.map((f) => [f.name, f]));
  const partialOf = new Map(input.partials.map((p) => [p.name, p]));
  const remove: { name: string; kind: 'file' | 'partial'; reason: RemovalReason }[] = [];

  let used = 0;
  // Unneeded files that may still be evicted, oldest first.
  const evictable: CachedFile[] = [];
  for (const f of input.files) {
    if (wantedNames.has(f.name) || input.inUse.has(f.name)) {
      used += f.sizeBytes;
      continue;
    }
    if (input.now - f.lastUsedMs >= input.keepUnneededMs) {
      remove.push({ name: f.name, kind: 'file', reason: 'unneeded' });
      continue;
    }
    used += f.sizeBytes;
    evictable.push(f);
  }
  evictable.sort((x, y) => x.lastUsedMs - y.lastUsedMs || (x.name < y.name ? -1 : 1));
  for (const p of input.partials) {
    // A partial whose file is already complete is left over from a crash; one nobody wants is dead weight.
    if (!wantedNames.has(p.name) || onDisk.has(p.name)) remove.push({ name: p.name, kind: 'partial', reason: 'stale_partial' });
    else used += p.sizeBytes;
  }

  const evict = (deficit: number): boolean => {
    const room = evictable.reduce((s, f) => s + f.sizeBytes, 0);
    if (room < deficit) return false;
    while (deficit > 0) {
      const f = evictable.shift()!;
      remove.push({ name: f.name, kind: 'file', reason: 'evicted' });
      used -= f.sizeBytes;
      deficit -= f.sizeBytes;
    }
    return true;
  };

  const download: WantedFile[] = [];
  const overCap: WantedFile[] = [];
  for (const w of wanted) {
    if (onDisk.has(w.name)) continue;
    // A partial longer than the file is corrupt and will be restarted; it still occupies its bytes until then.
    const have = Math.min(partialOf.get(w.name)?.sizeBytes ?? 0, w.sizeBytes);
    const need = w.sizeBytes - have;
    if (used + need <= input.capBytes || evict(used + need - input.capBytes)) {
      download.push(w);
      used += need;
    } else {
      overCap.push(w);
    }
  }
  // A cap lowered since the files arrived: shed what nobody needs.
  if (used > input.capBytes) evict(Math.min(used - input.capBytes, evictable.reduce((s, f) => s + f.sizeBytes, 0)));
  return { wanted, download, overCap, remove, projectedBytes: used };
}
