import { isOnline, wentQuietAt } from './online.js';

/** A device whose stored presence flag says online, as the sweep reads it. */
export interface OnlineFlagged {
  readonly id: string;
  readonly lastSeenAt: Date | null;
  readonly onlineSince: Date | null;
}

export interface OfflineTransition {
  readonly deviceId: string;
  /** When it went quiet: becomes online_since and the device_presence row's instant. */
  readonly at: Date;
}

/**
 * Which devices flagged online have in fact gone quiet by `now`, and since when. Pure so the sweep's decision is
 * tested apart from its SQL; the sweep applies the result only to rows still flagged online, so running it twice
 * (or from two schedulers) changes nothing the second time.
 */
export function offlineTransitions(devices: readonly OnlineFlagged[], now: Date, heartbeatSec: number): OfflineTransition[] {
  return devices.flatMap((d) => {
    if (isOnline(d.lastSeenAt, now, heartbeatSec)) return [];
    // Flagged online but never seen cannot be written by this service; treat it as quiet since it came online.
    const at = d.lastSeenAt ? wentQuietAt(d.lastSeenAt, d.onlineSince) : (d.onlineSince ?? now);
    return [{ deviceId: d.id, at }];
  });
}
