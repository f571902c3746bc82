import type { Logger } from 'pino';
import { backoffDelay, jittered } from './backoff.js';
import type { AgentConfig } from './config.js';
import type { Contact } from './contact.js';
import { errorCode, NetworkError, requestJson } from './http.js';
import { parseManifest, type AgentManifest } from './manifest.js';
import type { ManifestStore } from './manifest-store.js';

/**
 * Polls `GET /api/v1/station/manifest` with `If-None-Match`. A good new document is saved before it is used;
 * anything else (offline, an error, a document that does not parse) leaves the last good one in force.
 */
export class ManifestPoller {
  manifest: AgentManifest | null = null;
  etag: string | null = null;
  fetchedAt: Date | null = null;
  /** The current trouble, if any (cleared by the next good answer). */
  problem: { at: number; message: string } | null = null;
  private failures = 0;
  private fresh = false;
  /** Airings the live channel announced that the manifest did not list yet: asked for again soon, until they end. */
  private readonly expected = new Map<string, { until: number; tries: number }>();

  constructor(
    private readonly deps: {
      config: AgentConfig;
      log: Logger;
      store: ManifestStore;
      contact: Contact;
      /** A new document was stored (`changed`: a different version, not just re-signed links). */
      onManifest: (m: AgentManifest, changed: boolean) => void;
      /** The poll interval right now: long while the live channel carries changes, short while it does not. */
      intervalMs: () => number;
    },
  ) {}

  /** Uses what was saved before the restart until the server answers. */
  async restore(): Promise<void> {
    const saved = await this.deps.store.load(this.deps.log);
    if (!saved) return;
    this.manifest = saved.parsed.manifest;
    this.etag = saved.etag;
    this.fetchedAt = new Date(saved.fetchedAt);
    this.deps.log.info({ version: this.manifest.version, airings: this.manifest.airings.length, fetchedAt: saved.fetchedAt }, 'manifest: using the copy saved on disk');
  }

  /** The next poll skips `If-None-Match`: links are re-signed without a version change, so a 304 would keep stale ones. */
  wantFreshLinks(): void {
    this.fresh = true;
  }

  /**
   * The live channel said this airing exists (a "play now"). Should the manifest not list it yet (the event can
   * overtake the manifest a busy server is still rebuilding), the poller asks again within seconds, not at the
   * next interval, until the airing ends.
   */
  expectAiring(airingId: string, untilMs: number): void {
    if (this.manifest?.airings.some((a) => a.id === airingId)) return;
    this.expected.set(airingId, { until: untilMs, tries: 0 });
  }

  async pollOnce(): Promise<number> {
    return this.withExpected(await this.pollNow());
  }

  private withExpected(delay: number): number {
    const now = Date.now();
    let soonest = delay;
    for (const [id, e] of this.expected) {
      if (now >= e.until || this.manifest?.airings.some((a) => a.id === id)) {
        this.expected.delete(id);
        continue;
      }
      e.tries++;
      soonest = Math.min(soonest, Math.min(1_000 * 2 ** Math.min(e.tries - 1, 3), 8_000));
    }
    return soonest;
  }

  private async pollNow(): Promise<number> {
    const { config, log, contact } = this.deps;
    const pollMs = this.deps.intervalMs();
    const headers: Record<string, string> = { authorization: `Bearer ${config.token}`, accept: 'application/json' };
    if (this.etag && this.manifest && !this.fresh) headers['if-none-match'] = this.etag;
    const sentAt = Date.now();
    let res;
    try {
      res = await requestJson(`${config.server}/api/v1/station/manifest`, { headers, timeoutMs: config.httpTimeoutSec * 1000 });
    } catch (err) {
      const message = err instanceof NetworkError ? `${err.code}: ${err.message}` : String(err);
      contact.failed(message, Date.now());
      return this.retry(`manifest: server unreachable (${message}); working from the saved schedule`, 'warn');
    }
    contact.answered(typeof res.headers.date === 'string' ? res.headers.date : undefined, sentAt, Date.now());
    if (res.status === 304) {
      this.failures = 0;
      this.problem = null;
      return jittered(pollMs);
    }
    if (res.status === 200) {
      let parsed;
      try {
        parsed = parseManifest(res.json);
      } catch (err) {
        return this.retry(`manifest: the server sent a document this agent cannot use (${(err as Error).message}); keeping the last good one`, 'error');
      }
      for (const d of parsed.dropped) log.warn(d, 'manifest: skipping a malformed airing');
      const etag = typeof res.headers.etag === 'string' ? res.headers.etag : `"${parsed.manifest.version}"`;
      const fetchedAt = new Date();
      await this.deps.store.save({ etag, fetchedAt: fetchedAt.toISOString(), doc: res.json });
      const changed = parsed.manifest.version !== this.manifest?.version;
      this.manifest = parsed.manifest;
      this.etag = etag;
      this.fetchedAt = fetchedAt;
      this.failures = 0;
      this.problem = null;
      this.fresh = false;
      if (changed) log.info({ version: parsed.manifest.version, airings: parsed.manifest.airings.length }, 'manifest: new schedule');
      this.deps.onManifest(parsed.manifest, changed);
      return jittered(pollMs);
    }
    const code = errorCode(res.json);
    if (res.status === 401 || res.status === 403) {
      return this.retry(`manifest: the server refuses this station token (HTTP ${res.status}${code ? ` ${code}` : ''}); was it rotated? Playing the saved schedule meanwhile`, 'error');
    }
    return this.retry(`manifest: HTTP ${res.status}${code ? ` ${code}` : ''}; trying again later`, 'warn');
  }

  private retry(message: string, level: 'warn' | 'error'): number {
    this.failures++;
    this.problem = { at: Date.now(), message };
    const delay = Math.min(backoffDelay(this.failures, { baseMs: 2_000, maxMs: 5 * 60_000 }), jittered(this.deps.config.pollSec * 1000));
    // A station can be offline for days: say it loudly when it starts, then only now and then.
    const loud = this.failures === 1 || this.failures % 20 === 0;
    this.deps.log[loud ? level : 'debug']({ attempt: this.failures, retryInMs: delay }, message);
    return delay;
  }
}
