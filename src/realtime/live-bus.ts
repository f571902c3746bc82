import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import { redisOptions } from '../queue/queues.js';
import type { ChannelEvents, FanoutState } from '../wire/station-protocol.js';
import { isEventId } from './event-id.js';

/** The events a change sends to a station's devices (hello and status are the channel's own). */
export type StationEventType = 'manifest' | 'play-now' | 'stop';
export interface StationEvent<T extends StationEventType = StationEventType> {
  readonly type: T;
  readonly data: ChannelEvents[T];
}
/** An event addressed to one station; `id` is absent when it could not be logged (Redis down). */
export interface AddressedEvent extends StationEvent {
  readonly stationId: string;
  readonly id?: string;
}

export interface LiveBus {
  /** Logs each event in its station's stream and fans it out to every API process (this one first, directly). */
  publish(events: ReadonlyArray<{ stationId: string } & StationEvent>): Promise<void>;
  /** Asks every API process to close this device's channels. */
  revokeDevice(deviceId: string): Promise<void>;
  /** The station's events after `afterId`, oldest first (empty when Redis cannot say). */
  replay(stationId: string, afterId: string): Promise<AddressedEvent[]>;
  onEvents(listener: (events: readonly AddressedEvent[]) => void): void;
  onRevoke(listener: (deviceId: string) => void): void;
  onFanout(listener: (state: FanoutState) => void): void;
  readonly fanout: FanoutState;
  close(): Promise<void>;
}

// A device that was away longer than this re-reads its manifest anyway (it polls after every hello).
const STREAM_MAX_LEN = 200;
const STREAM_TTL_SEC = 2 * 86_400;
const PUBLISH_CHUNK = 1000;
const REPLAY_MAX = 500;

type Wire = { o: string } & ({ k: 'ev'; e: Array<[string, string | null, StationEventType, unknown]> } | { k: 'rv'; d: string });

/**
 * Redis as the fan-out between API processes: one stream per station (the replay log behind Last-Event-ID) and one
 * pub/sub channel for all. The publishing process delivers to its own devices without waiting for Redis, so a
 * single-process deployment keeps its live channel even while Redis is down; other processes' devices then fall
 * back to polling, told so by the `degraded` fan-out state.
 */
export function createLiveBus(config: Config, logger: Logger): LiveBus {
  const origin = crypto.randomUUID();
  const channel = `${config.redis.prefix}:live`;
  const streamKey = (stationId: string) => `${config.redis.prefix}:live:${stationId}`;
  const cmd = new Redis(redisOptions(config.redis.url, false));
  const sub = new Redis({ ...redisOptions(config.redis.url, true), lazyConnect: false });
  cmd.on('error', () => undefined);
  const eventListeners: ((e: readonly AddressedEvent[]) => void)[] = [];
  const revokeListeners: ((id: string) => void)[] = [];
  const fanoutListeners: ((s: FanoutState) => void)[] = [];
  let fanout: FanoutState = 'degraded';
  let closed = false;

  const setFanout = (s: FanoutState) => {
    if (s === fanout || closed) return;
    fanout = s;
    logger[s === 'ok' ? 'info' : 'warn']({ fanout: s }, s === 'ok' ? 'live channel fan-out through Redis is up' : 'live channel fan-out through Redis is down: devices of other API processes fall back to polling');
    for (const l of fanoutListeners) l(s);
  };
  const emit = (events: readonly AddressedEvent[]) => {
    for (const l of eventListeners) {
      try {
        l(events);
      } catch (err) {
        logger.error({ err }, 'live event listener failed');
      }
    }
  };

  sub.on('error', (err) => logger.debug({ err }, 'live subscriber connection error'));
  sub.on('close', () => setFanout('degraded'));
  sub.on('ready', () => {
    // ioredis subscribes again after a reconnect; `ready` comes first, so subscribe explicitly and flip on success.
    sub.subscribe(channel).then(
      () => setFanout('ok'),
      (err: unknown) => logger.warn({ err }, 'live subscriber could not subscribe'),
    );
  });
  sub.on('message', (_ch: string, raw: string) => {
    let msg: Wire;
    try {
      msg = JSON.parse(raw) as Wire;
    } catch {
      return;
    }
    if (msg.o === origin) return;
    if (msg.k === 'rv') for (const l of revokeListeners) l(msg.d);
    else emit(msg.e.map(([stationId, id, type, data]) => ({ stationId, ...(id ? { id } : {}), type, data }) as AddressedEvent));
  });

  return {
    get fanout() {
      return fanout;
    },

    async publish(events) {
      if (events.length === 0) return;
      let ids: (string | null)[] = events.map(() => null);
      try {
        const p = cmd.pipeline();
        for (const e of events) {
          p.xadd(streamKey(e.stationId), 'MAXLEN', '~', STREAM_MAX_LEN, '*', 't', e.type, 'd', JSON.stringify(e.data));
          p.expire(streamKey(e.stationId), STREAM_TTL_SEC);
        }
        const results = (await p.exec()) ?? [];
        ids = events.map((_, i) => {
          const [err, id] = results[i * 2] ?? [new Error('no answer'), null];
          return err || typeof id !== 'string' ? null : id;
        });
      } catch (err) {
        logger.warn({ err, events: events.length }, 'live events not logged in Redis; delivering on this process only');
      }
      const addressed = events.map((e, i) => ({ ...e, ...(ids[i] ? { id: ids[i]! } : {}) }) as AddressedEvent);
      emit(addressed);
      try {
        for (let i = 0; i < addressed.length; i += PUBLISH_CHUNK) {
          const wire: Wire = { o: origin, k: 'ev', e: addressed.slice(i, i + PUBLISH_CHUNK).map((e) => [e.stationId, e.id ?? null, e.type, e.data]) };
          await cmd.publish(channel, JSON.stringify(wire));
        }
      } catch (err) {
        logger.warn({ err }, 'live events not fanned out to other API processes (Redis down); their devices will poll');
      }
    },

    async revokeDevice(deviceId) {
      for (const l of revokeListeners) l(deviceId);
      try {
        await cmd.publish(channel, JSON.stringify({ o: origin, k: 'rv', d: deviceId } satisfies Wire));
      } catch (err) {
        logger.warn({ err, deviceId }, 'device revocation not fanned out (Redis down); other processes re-check tokens every minute');
      }
    },

    async replay(stationId, afterId) {
      if (!isEventId(afterId)) return [];
      try {
        const rows = (await cmd.xrange(streamKey(stationId), `(${afterId}`, '+', 'COUNT', REPLAY_MAX)) as [string, string[]][];
        return rows.flatMap(([id, fields]) => {
          const f = new Map<string, string>();
          for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
          const type = f.get('t') as StationEventType | undefined;
          try {
            return type ? [{ stationId, id, type, data: JSON.parse(f.get('d') ?? 'null') } as AddressedEvent] : [];
          } catch {
            return [];
          }
        });
      } catch (err) {
        logger.warn({ err, stationId }, 'live events could not be replayed (Redis down); the device re-reads its manifest');
        return [];
      }
    },

    onEvents: (l) => void eventListeners.push(l),
    onRevoke: (l) => void revokeListeners.push(l),
    onFanout: (l) => void fanoutListeners.push(l),

    async close() {
      closed = true;
      sub.disconnect();
      cmd.disconnect();
    },
  };
}
