import type { Logger } from '../logger.js';
import type { EmergencyStart } from '../services/plan-service.js';
import type { LiveBus } from './live-bus.js';

/**
 * What the services call when a station's schedule changes: turns a change into the live events its devices
 * receive. Never throws: a change is committed already, and devices that miss the event still poll.
 */
export function liveNotifier(bus: LiveBus, logger: Logger) {
  const publish = (events: Parameters<LiveBus['publish']>[0]) =>
    bus.publish(events).catch((err: unknown) => logger.warn({ err }, 'live events not sent; devices will see the change at their next poll'));
  return {
    manifestChanged(stationIds: readonly string[], reason: string): Promise<void> {
      return publish(stationIds.map((stationId) => ({ stationId, type: 'manifest' as const, data: { reason } })));
    },
    emergency(e: EmergencyStart): Promise<void> {
      return publish(
        e.airings.map((a) => ({
          stationId: a.stationId,
          type: 'play-now' as const,
          data: { playNowId: e.planId, airingId: a.airingId, episodeId: e.episodeId, startsAt: a.startsAt.toISOString(), endsAt: a.endsAt.toISOString() },
        })),
      );
    },
    stopped(playNowId: string, stopped: ReadonlyArray<{ airingId: string; stationId: string }>): Promise<void> {
      const byStation = new Map<string, string[]>();
      for (const s of stopped) byStation.set(s.stationId, [...(byStation.get(s.stationId) ?? []), s.airingId]);
      return publish([...byStation].map(([stationId, airingIds]) => ({ stationId, type: 'stop' as const, data: { playNowId, airingIds } })));
    },
    revokeDevice(deviceId: string): Promise<void> {
      return bus.revokeDevice(deviceId).catch((err: unknown) => logger.warn({ err, deviceId }, 'device revocation not fanned out'));
    },
  };
}

export type LiveNotifier = ReturnType<typeof liveNotifier>;
