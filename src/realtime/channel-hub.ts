import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import { formatSseEvent, type ChannelEvents, type FanoutState } from '../wire/station-protocol.js';
import { compareEventIds } from './event-id.js';
import type { AddressedEvent, LiveBus } from './live-bus.js';

/** One open SSE response, as the hub sees it. */
export interface ChannelSink {
  readonly deviceId: string;
  readonly stationId: string;
  /** The hash of the token the channel was opened with: a rotated or revoked token closes it. */
  readonly tokenHash: string;
  write(text: string): void;
  /** Bytes queued and not yet taken by the socket. */
  readonly backlog: number;
  end(): void;
}

interface Conn {
  readonly sink: ChannelSink;
  /** Live events that arrived while the replay was being read; flushed after it. */
  pending: AddressedEvent[] | null;
  lastId: string | null;
}

// A device that cannot take even this much is not reading: drop it, it reconnects and replays.
const MAX_BACKLOG_BYTES = 1024 * 1024;
const REVALIDATE_EVERY_MS = 60_000;

export interface ChannelHubDeps {
  config: Config;
  logger: Logger;
  bus: LiveBus;
  /** The current token hash of each device (null when revoked or unknown): one query for every open channel. */
  currentTokens(deviceIds: string[]): Promise<Map<string, string | null>>;
  /** Called when a device's channel opens or closes (a sign of life for presence). */
  deviceSeen?(deviceId: string): void;
}

/**
 * The open live channels of this API process: who is connected, replay on reconnect, fan-out of bus events to the
 * stations' devices, one heartbeat timer for all, and closing the channels of revoked tokens.
 */
export function channelHub(deps: ChannelHubDeps) {
  const { config, logger, bus } = deps;
  const byStation = new Map<string, Set<Conn>>();
  const byDevice = new Map<string, Set<Conn>>();

  const send = (c: Conn, type: string, data: unknown, id?: string) => {
    if (c.sink.backlog > MAX_BACKLOG_BYTES) {
      logger.warn({ deviceId: c.sink.deviceId, backlog: c.sink.backlog }, 'live channel: device is not reading; closing');
      c.sink.end();
      return;
    }
    c.sink.write(formatSseEvent({ type, data, ...(id ? { id } : {}) }));
    if (id) c.lastId = id;
  };
  const deliver = (c: Conn, e: AddressedEvent) => {
    if (c.pending) {
      c.pending.push(e);
      return;
    }
    if (e.id && c.lastId && compareEventIds(e.id, c.lastId) <= 0) return;
    send(c, e.type, e.data, e.id);
  };
  const add = <K>(m: Map<K, Set<Conn>>, k: K, c: Conn) => {
    const set = m.get(k);
    if (set) set.add(c);
    else m.set(k, new Set([c]));
  };
  const remove = <K>(m: Map<K, Set<Conn>>, k: K, c: Conn) => {
    const set = m.get(k);
    if (!set) return;
    set.delete(c);
    if (set.size === 0) m.delete(k);
  };
  const all = function* () {
    for (const set of byDevice.values()) yield* set;
  };
  const revoke = (deviceId: string) => {
    const set = byDevice.get(deviceId);
    if (!set) return;
    for (const c of [...set]) {
      send(c, 'revoked', { deviceId } satisfies ChannelEvents['revoked']);
      c.sink.end();
    }
    logger.info({ deviceId, channels: set.size }, 'live channel: closed for a revoked or rotated token');
  };

  bus.onEvents((events) => {
    for (const e of events) {
      const set = byStation.get(e.stationId);
      if (set) for (const c of set) deliver(c, e);
    }
  });
  bus.onRevoke(revoke);
  bus.onFanout((fanout) => {
    for (const c of all()) send(c, 'status', { fanout } satisfies ChannelEvents['status']);
    // Events from other processes may have been missed while fan-out was down: every device re-reads its manifest.
    if (fanout === 'ok') for (const c of all()) send(c, 'manifest', { reason: 'fanout_restored' } satisfies ChannelEvents['manifest']);
  });

  const heartbeat = setInterval(() => {
    for (const c of all()) c.sink.write(': hb\n\n');
  }, config.live.channelHeartbeatSec * 1000);
  heartbeat.unref();
  // A revocation fanned out while Redis was down never arrived here: compare every open channel's token once a minute.
  const revalidate = setInterval(() => {
    const ids = [...byDevice.keys()];
    if (ids.length === 0) return;
    deps.currentTokens(ids).then(
      (current) => {
        for (const id of ids) {
          const set = byDevice.get(id);
          if (!set) continue;
          for (const c of [...set]) if (current.get(id) !== c.sink.tokenHash) revoke(id);
        }
      },
      (err: unknown) => logger.warn({ err }, 'live channel: could not re-check device tokens'),
    );
  }, REVALIDATE_EVERY_MS);
  revalidate.unref();

  return {
    /** Registers an open channel: hello, then what it missed since `lastEventId`, then live events. Returns the detach. */
    async attach(sink: ChannelSink, lastEventId: string | null): Promise<() => void> {
      const c: Conn = { sink, pending: lastEventId ? [] : null, lastId: lastEventId };
      add(byStation, sink.stationId, c);
      add(byDevice, sink.deviceId, c);
      deps.deviceSeen?.(sink.deviceId);
      let detached = false;
      const detach = () => {
        if (detached) return;
        detached = true;
        remove(byStation, sink.stationId, c);
        remove(byDevice, sink.deviceId, c);
        deps.deviceSeen?.(sink.deviceId);
      };
      send(c, 'hello', {
        deviceId: sink.deviceId,
        stationId: sink.stationId,
        heartbeatSec: config.live.channelHeartbeatSec,
        fanout: bus.fanout,
        serverTime: new Date().toISOString(),
      } satisfies ChannelEvents['hello']);
      if (lastEventId) {
        const missed = await bus.replay(sink.stationId, lastEventId);
        const buffered = c.pending ?? [];
        c.pending = null;
        for (const e of [...missed, ...buffered]) deliver(c, e);
      }
      return detach;
    },

    get open(): number {
      let n = 0;
      for (const set of byDevice.values()) n += set.size;
      return n;
    },

    isOpen: (deviceId: string) => byDevice.has(deviceId),

    close(): void {
      clearInterval(heartbeat);
      clearInterval(revalidate);
      for (const c of [...all()]) c.sink.end();
    },
  };
}

export type ChannelHub = ReturnType<typeof channelHub>;
export type { FanoutState };
