import { missedAfter } from '../tracking/airing-status.js';

export type DeviceOutcome = 'played' | 'partial' | 'missed' | 'scheduled';

export interface DeviceAiringOutcome {
  deviceId: string;
  name: string;
  outcome: DeviceOutcome;
  reason?: string;
}

export interface OutcomeDevice {
  readonly id: string;
  readonly name: string;
  readonly isPrimary: boolean;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface DevicePlayRecord {
  readonly airingId: string;
  readonly deviceId: string | null;
  readonly kind: 'rebroadcast' | 'partial';
  readonly source: 'auto' | 'manual';
}

export interface DeviceMissRecord {
  readonly airingId: string;
  readonly deviceId: string | null;
  readonly reason: string;
}

/**
 * What each device did with one airing. A full play beats a partial one, which beats a reported miss; with nothing
 * reported the airing is still scheduled until its end plus the grace for late reports, then missed ("no_report").
 * Reports without a device came from the station token before devices existed: that token is the primary device's.
 * Manual marks are the operator's, not a device's. A device is listed when it existed while the airing could air,
 * or when it reported something about it.
 */
export function deviceOutcomes(
  airing: { readonly id: string; readonly startsAt: Date; readonly endsAt: Date },
  devices: readonly OutcomeDevice[],
  plays: readonly DevicePlayRecord[],
  misses: readonly DeviceMissRecord[],
  now: Date,
  graceSec: number,
): DeviceAiringOutcome[] {
  const primary = devices.find((d) => d.isPrimary)?.id ?? null;
  const owner = (deviceId: string | null) => deviceId ?? primary;
  const played = new Map<string, 'played' | 'partial'>();
  for (const p of plays) {
    if (p.airingId !== airing.id) continue;
    const id = p.deviceId ?? (p.source === 'auto' ? primary : null);
    if (!id) continue;
    if (p.kind === 'rebroadcast') played.set(id, 'played');
    else if (!played.has(id)) played.set(id, 'partial');
  }
  const missed = new Map<string, string>();
  for (const m of misses) {
    const id = m.airingId === airing.id ? owner(m.deviceId) : null;
    if (id && !missed.has(id)) missed.set(id, m.reason);
  }
  const over = now.getTime() > missedAfter(airing, graceSec).getTime();
  return devices
    .filter(
      (d) =>
        played.has(d.id) ||
        missed.has(d.id) ||
        (d.createdAt.getTime() < airing.endsAt.getTime() && (d.revokedAt === null || d.revokedAt.getTime() > airing.startsAt.getTime())),
    )
    .map((d): DeviceAiringOutcome => {
      const p = played.get(d.id);
      if (p) return { deviceId: d.id, name: d.name, outcome: p };
      const reason = missed.get(d.id);
      if (reason !== undefined) return { deviceId: d.id, name: d.name, outcome: 'missed', reason };
      return over ? { deviceId: d.id, name: d.name, outcome: 'missed', reason: 'no_report' } : { deviceId: d.id, name: d.name, outcome: 'scheduled' };
    });
}
