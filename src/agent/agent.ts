import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { MediaCache } from './cache.js';
import type { AgentConfig } from './config.js';
import { Contact } from './contact.js';
import { writeFileAtomic } from './fsx.js';
import { PlayJournal } from './journal.js';
import { lockDir } from './lock.js';
import { Loop } from './loop.js';
import type { AgentAiring } from './manifest.js';
import { ManifestStore } from './manifest-store.js';
import { Playout } from './playout.js';
import { ManifestPoller } from './poller.js';
import { Reporter } from './reporter.js';
import { buildStatus, statusSummary } from './status.js';
import { CacheSync } from './sync.js';

const STATUS_DEBOUNCE_MS = 300;
const STATUS_HEARTBEAT_MS = 60_000;
const STATUS_LOG_EVERY_MS = 60 * 60_000;

export interface RunningAgent {
  stop(): Promise<void>;
}

/**
 * Wires the parts together. Each part is a loop or a timer of its own; they only nudge each other:
 * a new manifest wakes the cache and the player, a file arriving wakes the player, a play ending wakes the
 * reporter, the link coming back wakes the reporter. Every part keeps working from disk while the link is down.
 */
export async function startAgent(config: AgentConfig, log: Logger): Promise<RunningAgent> {
  await fsp.mkdir(config.dir, { recursive: true });
  const unlock = await lockDir(config.dir);
  const startedAt = new Date();
  const contact = new Contact();
  const cache = new MediaCache(config.dir, log.child({ part: 'cache' }));
  await cache.init();
  const journal = await PlayJournal.open(path.join(config.dir, 'journal'), log.child({ part: 'journal' }));
  const store = new ManifestStore(config.dir);

  let poller: ManifestPoller;
  const airings = (): readonly AgentAiring[] => poller.manifest?.airings ?? [];
  let statusTimer: NodeJS.Timeout | null = null;
  const requestStatus = () => {
    statusTimer ??= setTimeout(() => {
      statusTimer = null;
      void writeStatus();
    }, STATUS_DEBOUNCE_MS);
  };

  let playout: Playout;
  let syncLoop: Loop;
  let reportLoop: Loop;
  let pollLoop: Loop;

  poller = new ManifestPoller({
    config,
    log: log.child({ part: 'manifest' }),
    store,
    contact,
    onManifest: (_m, changed) => {
      sync.scheduleChanged();
      syncLoop.wake();
      if (changed) playout.evaluate();
      requestStatus();
    },
  });
  const sync = new CacheSync({
    config,
    log: log.child({ part: 'cache' }),
    cache,
    contact,
    airings,
    started: () => journal.state.startedAirings,
    inUse: () => new Set(playout.playingFile ? [playout.playingFile] : []),
    onLinksExpired: () => {
      poller.wantFreshLinks();
      pollLoop.wake();
    },
    onCacheChanged: () => playout.evaluate(),
    onChange: requestStatus,
  });
  playout = new Playout({
    config,
    log: log.child({ part: 'playout' }),
    journal,
    cache,
    airings,
    onCorruptFile: () => syncLoop.wake(),
    onPlayEnded: () => {
      reportLoop.wake();
      syncLoop.wake();
      requestStatus();
    },
    onChange: requestStatus,
  });
  const reporter = new Reporter({ config, log: log.child({ part: 'reports' }), journal, contact, onChange: requestStatus });
  contact.onRestored(() => {
    log.info('link: the server answers again');
    sync.linkRestored();
    reportLoop.wake();
    syncLoop.wake();
    requestStatus();
  });

  let lastSummaryKey = '';
  let lastSummaryAt = 0;
  // One write at a time: they share a temp file name.
  let statusChain: Promise<void> = Promise.resolve();
  const writeStatus = () => (statusChain = statusChain.then(writeStatusNow));
  const writeStatusNow = async () => {
    const now = Date.now();
    const status = buildStatus({
      now,
      agentStartedAt: startedAt,
      server: config.server,
      player: config.player,
      manifest: poller.manifest,
      manifestFetchedAt: poller.fetchedAt,
      started: journal.state.startedAirings,
      lateStartMs: config.lateStartSec * 1000,
      isReady: (f) => cache.isReady(f),
      download: sync.current,
      trouble: sync.trouble,
      cache: { files: cache.readyNames().length, bytes: sync.cachedBytes, capBytes: config.cacheMaxBytes },
      contact,
      reports: { pending: reporter.pendingCount(), lastReportAt: reporter.lastReportAt, lastError: reporter.lastError, rejected: reporter.rejected },
      nowPlaying: playout.nowPlaying,
      recentPlays: playout.recent,
      missed: playout.missed,
    });
    try {
      await writeFileAtomic(path.join(config.dir, 'status.json'), `${JSON.stringify(status, null, 2)}\n`, { durable: false });
    } catch (err) {
      log.warn({ err }, 'status: cannot write status.json');
    }
    const summary = statusSummary(status);
    const key = JSON.stringify({ ...summary, lastContactAt: undefined });
    if (key !== lastSummaryKey || now - lastSummaryAt > STATUS_LOG_EVERY_MS) {
      lastSummaryKey = key;
      lastSummaryAt = now;
      log.info(summary, 'status');
    }
  };
  const heartbeat = setInterval(requestStatus, STATUS_HEARTBEAT_MS);

  await poller.restore();
  pollLoop = new Loop('manifest', () => poller.pollOnce(), log);
  syncLoop = new Loop('cache', () => sync.syncOnce(), log);
  reportLoop = new Loop('reports', () => reporter.reportOnce(), log);
  // The cache is verified before anything plays, so a file damaged while the agent was down is never aired.
  syncLoop.start();
  pollLoop.start();
  reportLoop.start();
  playout.start();
  log.info({ dir: config.dir, server: config.server, player: config.player ?? null, pollSec: config.pollSec, pendingReports: reporter.pendingCount() }, 'agent started');
  requestStatus();

  let stopping: Promise<void> | null = null;
  return {
    stop() {
      stopping ??= (async () => {
        clearInterval(heartbeat);
        await sync.abortCurrent();
        await playout.stop();
        await Promise.all([pollLoop.stop(), syncLoop.stop(), reportLoop.stop()]);
        if (statusTimer) clearTimeout(statusTimer);
        await writeStatus();
        await journal.close();
        await unlock();
        log.info('agent stopped');
      })();
      return stopping;
    },
  };
}
