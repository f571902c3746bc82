import type { Logger } from 'pino';
import { backoffDelay } from './backoff.js';
import type { MediaCache } from './cache.js';
import { planCache, wantedFiles, type CachePlan, type WantedFile } from './cache-plan.js';
import type { AgentConfig } from './config.js';
import type { Contact } from './contact.js';
import { downloadFile } from './downloader.js';
import { statOrNull } from './fsx.js';
import type { AgentAiring } from './manifest.js';

interface FileTrouble {
  attempts: number;
  nextAt: number;
  lastError: string;
  /** When it last failed. */
  at?: number;
}

export interface DownloadProgress {
  readonly name: string;
  readonly have: number;
  readonly sizeBytes: number;
}

/**
 * Keeps the media cache in line with the schedule: scans and re-verifies, removes what is not needed, then
 * fetches the missing files one at a time, most urgent first. A cut link costs only the bytes in flight: each
 * retry resumes where the file on disk ends. Retries right away while bytes keep arriving; backs off when none do.
 */
export class CacheSync {
  current: DownloadProgress | null = null;
  lastPlan: CachePlan | null = null;
  cachedBytes = 0;
  /** Bytes on disk in the media directory at the last scan (complete files and partial downloads). */
  usedBytes = 0;
  readonly trouble = new Map<string, FileTrouble>();
  private abort: AbortController | null = null;
  private currentNeededAt = Infinity;
  bytesDownloaded = 0;

  constructor(
    private readonly deps: {
      config: AgentConfig;
      log: Logger;
      cache: MediaCache;
      contact: Contact;
      airings: () => readonly AgentAiring[];
      started: () => ReadonlySet<string>;
      inUse: () => ReadonlySet<string>;
      /** Media links were refused as expired: get fresh ones. */
      onLinksExpired: () => void;
      /** A file became ready to play (or was found broken). */
      onCacheChanged: () => void;
      onChange: () => void;
    },
  ) {}

  /** The schedule changed: old troubles may be moot, and something more urgent than the current download may exist. */
  scheduleChanged(): void {
    for (const t of this.trouble.values()) t.nextAt = 0;
    if (!this.current || !this.abort) return;
    const { config } = this.deps;
    const first = wantedFiles(this.deps.airings(), this.deps.started(), Date.now(), config.lateStartSec * 1000).find((w) => !this.deps.cache.isReady(w.name));
    if (first && first.name !== this.current.name && first.neededAt < this.currentNeededAt) {
      this.deps.log.info({ pausing: this.current.name, for: first.name }, 'cache: pausing a download for a more urgent file (it resumes later)');
      this.abort.abort();
    }
  }

  /** The server answers again: files that failed for want of a link may be tried at once. */
  linkRestored(): void {
    for (const t of this.trouble.values()) if (t.lastError.startsWith('network')) t.nextAt = 0;
  }

  async abortCurrent(): Promise<void> {
    this.abort?.abort();
  }

  async syncOnce(): Promise<number> {
    const { config, log, cache } = this.deps;
    const idleMs = Math.max(1_000, config.pollSec * 1000);
    const readyBefore = cache.readyNames().join();
    const scan = await cache.scan();
    // Files verified for the first time (at start-up) or lost: the player may be waiting on them.
    if (scan.corrupt.length > 0 || cache.readyNames().join() !== readyBefore) this.deps.onCacheChanged();
    const used = scan.files.reduce((s, f) => s + f.sizeBytes, 0) + scan.partials.reduce((s, p) => s + p.sizeBytes, 0);
    this.usedBytes = used;
    const free = await cache.freeBytes();
    const capBytes = free === null ? config.cacheMaxBytes : Math.min(config.cacheMaxBytes, used + free - config.minFreeBytes);
    const plan = planCache({
      now: Date.now(),
      airings: this.deps.airings(),
      started: this.deps.started(),
      lateStartMs: config.lateStartSec * 1000,
      files: scan.files,
      partials: scan.partials,
      capBytes,
      keepUnneededMs: config.keepUnneededSec * 1000,
      inUse: this.deps.inUse(),
    });
    this.lastPlan = plan;
    for (const r of plan.remove) {
      await cache.remove(r.name, r.kind);
      log.info({ file: r.name, kind: r.kind, reason: r.reason }, 'cache: removed');
    }
    if (plan.remove.some((r) => r.kind === 'file')) this.deps.onCacheChanged();
    this.cachedBytes = plan.projectedBytes;
    for (const w of plan.overCap) {
      if (this.trouble.get(w.name)?.lastError === 'over_cap') continue;
      this.trouble.set(w.name, { attempts: 0, nextAt: 0, lastError: 'over_cap', at: Date.now() });
      log.error({ file: w.name, sizeBytes: w.sizeBytes, capBytes, neededAt: new Date(w.neededAt).toISOString() }, 'cache: no room for a needed file under the cache cap / free disk space');
    }
    this.deps.onChange();

    let wait = idleMs;
    for (const w of plan.download) {
      const t = this.trouble.get(w.name);
      const now = Date.now();
      if (t && t.lastError !== 'over_cap' && t.nextAt > now) {
        wait = Math.min(wait, t.nextAt - now);
        continue;
      }
      const outcome = await this.fetch(w);
      if (outcome === 'rescan') return 0;
      if (outcome === 'link_down') {
        const t2 = this.trouble.get(w.name);
        return Math.min(idleMs, Math.max(0, (t2?.nextAt ?? 0) - Date.now()));
      }
    }
    for (const [name, t] of this.trouble) {
      if (!plan.wanted.some((w) => w.name === name)) this.trouble.delete(name);
      else if (t.lastError !== 'over_cap' && t.nextAt > Date.now()) wait = Math.min(wait, t.nextAt - Date.now());
    }
    return wait;
  }

  /** One download attempt series for a file: resumes at once while data flows. */
  private async fetch(w: WantedFile): Promise<'done' | 'skip' | 'link_down' | 'rescan'> {
    const { config, log, cache } = this.deps;
    for (;;) {
      this.abort = new AbortController();
      this.currentNeededAt = w.neededAt;
      this.current = { name: w.name, have: 0, sizeBytes: w.sizeBytes };
      this.deps.onChange();
      const before = (await statOrNull(cache.partPathOf(w.name)))?.size ?? 0;
      const r = await downloadFile(w, cache, {
        timeoutMs: config.httpTimeoutSec * 1000,
        signal: this.abort.signal,
        log,
        onBytes: (have) => {
          if (this.current) this.current = { ...this.current, have };
        },
      });
      this.bytesDownloaded += r.bytesReceived;
      this.current = null;
      this.abort = null;
      if (r.ok) {
        this.trouble.delete(w.name);
        log.info({ file: w.name, sizeBytes: w.sizeBytes, resumedFrom: r.resumedFrom, bytesReceived: r.bytesReceived }, 'cache: downloaded and verified');
        this.deps.onCacheChanged();
        this.deps.onChange();
        return 'done';
      }
      if (r.failure === 'aborted') return 'rescan';
      const after = (await statOrNull(cache.partPathOf(w.name)))?.size ?? 0;
      if (r.failure === 'network' && after > before) {
        // The link works, it just broke: carry on from the new end of the file.
        log.debug({ file: w.name, bytesReceived: r.bytesReceived, message: r.message }, 'cache: transfer cut; resuming');
        this.trouble.delete(w.name);
        continue;
      }
      const prev = this.trouble.get(w.name);
      const attempts = (prev?.attempts ?? 0) + 1;
      const policy =
        r.failure === 'not_scheduled' || r.failure === 'not_found' ? { baseMs: 5 * 60_000, maxMs: 60 * 60_000 } : { baseMs: 1_000, maxMs: 5 * 60_000 };
      const delay = backoffDelay(attempts, policy);
      this.trouble.set(w.name, { attempts, nextAt: Date.now() + delay, lastError: `${r.failure}: ${r.message}`, at: Date.now() });
      const loud = attempts === 1 || attempts % 10 === 0 || r.failure === 'corrupt';
      log[loud ? (r.failure === 'corrupt' ? 'error' : 'warn') : 'debug']({ file: w.name, failure: r.failure, status: r.status, message: r.message, attempt: attempts, retryInMs: delay }, 'cache: download failed');
      this.deps.onChange();
      if (r.failure === 'link_expired') {
        this.deps.onLinksExpired();
        return 'skip';
      }
      if (r.failure === 'network') {
        this.deps.contact.failed(r.message, Date.now());
        return 'link_down';
      }
      return 'skip';
    }
  }
}
