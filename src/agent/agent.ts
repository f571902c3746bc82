import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { STATION_EVENTS_PATH, type ChannelEvent } from '../wire/station-protocol.js';
import { jittered } from './backoff.js';
import { MediaCache } from './cache.js';
import { LiveChannel } from './channel.js';
import type { AgentConfig } from './config.js';
import { Contact } from './contact.js';
import { writeFileAtomic } from './fsx.js';
import { buildHeartbeat, HeartbeatSender, type Problem } from './heartbeat.js';
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
import { agentVersion } from './version.js';
import { maskToken } from './token-hint.js';

const STATUS_DEBOUNCE_MS = 300;
const STATUS_HEARTBEAT_MS = 60_000;
const STATUS_LOG_EVERY_MS = 60 * 60_000;

export interface RunningAgent {
  stop(): Promise<void>;
}

/**
 * Wires the parts together. Each part is a loop or a timer of its own; they only nudge each other:
 * a new manifest wakes the cache and the player, a file arriving wakes the player, a play ending wakes the
 * reporter, the link coming back wakes the reporter, an event on the live channel wakes the poller (and, for an
 * emergency, the cache). Every part keeps working from disk while the link is down.
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
  let channel: LiveChannel;
  let heartbeatLoop: Loop | undefined;
  // Polling is the fallback: while the channel is up and the service fans changes out, it is only a safety net.
  const pollIntervalMs = () => (channel?.open && channel.fanout !== 'degraded' ? config.pollSecLive : config.pollSec) * 1000;

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
    intervalMs: pollIntervalMs,
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
    agentStartedAt: startedAt.getTime(),
    onMissed: () => reportLoop.wake(),
    onCorruptFile: () => syncLoop.wake(),
    onPlayEnded: () => {
      reportLoop.wake();
      syncLoop.wake();
      requestStatus();
    },
    onChange: requestStatus,
  });
  const reporter = new Reporter({ config, log: log.child({ part: 'reports' }), journal, contact, onChange: requestStatus });
  const onChannelEvent = (e: ChannelEvent) => {
    switch (e.type) {
      case 'hello':
      case 'manifest':
        pollLoop.wake();
        break;
      case 'play-now':
        // Fresh links, and the poller keeps asking until the manifest lists it; the cache fetches the most
        // urgent file first, and the player starts the emergency the moment its file is verified.
        poller.wantFreshLinks();
        poller.expectAiring(e.data.airingId, Date.parse(e.data.endsAt) || Date.now() + 60_000);
        pollLoop.wake();
        syncLoop.wake();
        break;
      case 'stop':
        playout.stopAirings(e.data.airingIds);
        pollLoop.wake();
        break;
      case 'status':
        if (e.data.fanout === 'degraded') pollLoop.shorten(jittered(config.pollSec * 1000));
        break;
      case 'revoked':
        break;
    }
    requestStatus();
  };
  channel = new LiveChannel({
    url: `${config.server}${STATION_EVENTS_PATH}`,
    token: config.token,
    log: log.child({ part: 'channel' }),
    connectTimeoutMs: config.httpTimeoutSec * 1000,
    contact,
    onEvent: onChannelEvent,
    onStateChange: (open) => {
      // Without the channel, changes are heard of only by polling: back to the short interval at once.
      if (!open) pollLoop.shorten(jittered(config.pollSec * 1000));
      // The service's view of this device should not wait a whole interval to say the channel changed.
      heartbeatLoop?.shorten(2_000);
      requestStatus();
    },
  });

  const problems = (): (Problem | null)[] => {
    const list: (Problem | null)[] = [poller.problem];
    if (reporter.lastError && reporter.lastErrorAt) list.push({ at: reporter.lastErrorAt.getTime(), message: reporter.lastError });
    for (const [file, t] of sync.trouble) list.push({ at: t.at ?? 0, message: `cache: ${file}: ${t.lastError}` });
    const lp = playout.lastPlayer;
    if (lp?.error) list.push({ at: Date.parse(lp.at), message: `player: ${lp.error}` });
    return list;
  };
  const heartbeatSender = new HeartbeatSender({
    config,
    log: log.child({ part: 'heartbeat' }),
    contact,
    build: async () =>
      buildHeartbeat({
        now: Date.now(),
        agentVersion: agentVersion(),
        agentStartedAt: startedAt,
        manifest: poller.manifest,
        started: journal.state.startedAirings,
        lateStartMs: config.lateStartSec * 1000,
        isReady: (f) => cache.isReady(f),
        nowPlaying: playout.nowPlaying,
        cacheBytes: sync.usedBytes,
        freeDiskBytes: await cache.freeBytes(),
        pendingReports: reporter.pendingCount(),
        lastPlayer: playout.lastPlayer,
        problems: problems(),
        clockOffsetMs: contact.clockOffsetMs,
        channelOpen: channel.open,
      }),
  });

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
      channel: { open: channel.open, fanout: channel.fanout, openedAt: channel.openedAt, lastEventId: channel.lastEventId, problem: channel.lastProblem, pollSec: pollIntervalMs() / 1000 },
      heartbeat: { lastSentAt: heartbeatSender.lastSentAt },
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
  const statusRefresh = setInterval(requestStatus, STATUS_HEARTBEAT_MS);

  await poller.restore();
  pollLoop = new Loop('manifest', () => poller.pollOnce(), log);
  syncLoop = new Loop('cache', () => sync.syncOnce(), log);
  reportLoop = new Loop('reports', () => reporter.reportOnce(), log);
  heartbeatLoop = new Loop('heartbeat', () => heartbeatSender.sendOnce(), log, config.heartbeatSec * 1000);
  // The cache is verified before anything plays, so a file damaged while the agent was down is never aired.
  syncLoop.start();
  pollLoop.start();
  reportLoop.start();
  playout.start();
  channel.start();
  heartbeatLoop.start();
  log.info(
    { dir: config.dir, server: config.server, tokenHint: maskToken(config.token), player: config.player ?? null, pollSec: config.pollSec, pollSecLive: config.pollSecLive, heartbeatSec: config.heartbeatSec, version: agentVersion(), pendingReports: reporter.pendingCount() },
    'agent started',
  );
  requestStatus();

  let stopping: Promise<void> | null = null;
  return {
    stop() {
      stopping ??= (async () => {
        clearInterval(statusRefresh);
        await channel.stop();
        await sync.abortCurrent();
        await playout.stop();
        await Promise.all([pollLoop.stop(), syncLoop.stop(), reportLoop.stop(), heartbeatLoop.stop()]);
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
