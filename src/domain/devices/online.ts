/**
 * The device online rule (DESIGN.md, issue 8): a device is online while its last sign of life — a heartbeat,
 * the live channel opening or closing, any authenticated request — is younger than two heartbeat intervals.
 * Two, not one: a single late or lost heartbeat over 3G must not flap a loudspeaker to offline.
 */
export function offlineAfterMs(heartbeatSec: number): number {
  return 2 * heartbeatSec * 1000;
}

export function isOnline(lastSeenAt: Date | null, now: Date, heartbeatSec: number): boolean {
  return lastSeenAt !== null && now.getTime() - lastSeenAt.getTime() < offlineAfterMs(heartbeatSec);
}

/**
 * When a device that fell silent went offline, as recorded: its last sign of life. The presence history is keyed by
 * (device, instant), so a device seen exactly once (online and last seen at the same instant) is recorded as going
 * quiet one millisecond after it came online, never at the same instant.
 */
export function wentQuietAt(lastSeenAt: Date, onlineSince: Date | null): Date {
  if (onlineSince && lastSeenAt.getTime() <= onlineSince.getTime()) return new Date(onlineSince.getTime() + 1);
  return lastSeenAt;
}
