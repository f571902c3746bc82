/** Vocabulary of the alert rules; see GLOSSARY.md ("Cảnh báo") for the words shown to people. */

export type AlertKind = 'device_offline' | 'airing_missed' | 'file_not_delivered';
export const ALERT_KINDS: readonly AlertKind[] = ['device_offline', 'airing_missed', 'file_not_delivered'];

export type AlertEvent = 'opened' | 'resolved';

/** Why an alert stopped being true; kept in its details so the page and receivers can say so. */
export type ResolveReason =
  | 'seen_again'
  | 'device_revoked'
  | 'station_inactive'
  | 'played'
  | 'airing_cancelled'
  | 'file_ready'
  | 'airing_started'
  | 'airing_moved';

/** One open alert per subject: the database's partial unique index enforces what these keys promise. */
export const alertSubject = {
  deviceOffline: (deviceId: string) => `device_offline:${deviceId}`,
  airingMissed: (airingId: string) => `airing_missed:${airingId}`,
  fileNotDelivered: (airingId: string, deviceId: string) => `file_not_delivered:${airingId}:${deviceId}`,
};

export interface AlertStation {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly timezone: string;
  readonly active: boolean;
}

export interface AlertDevice {
  readonly id: string;
  readonly stationId: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastSeenAt: Date | null;
  /** From the latest heartbeat (at least the entries for the airings being judged); null before the first one. */
  readonly upcoming: readonly { readonly airingId: string; readonly startsAt?: string; readonly fileReady: boolean }[] | null;
}

export interface AlertMiss {
  readonly deviceId: string | null;
  readonly deviceName: string | null;
  readonly reason: string;
}

export interface AlertAiring {
  readonly id: string;
  readonly stationId: string;
  readonly title: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly status: 'draft' | 'live' | 'cancelled';
  /** When the airing last changed (approval, a move): devices learn of it only after this. */
  readonly changedAt: Date;
  /** Any full or partial play matched to it, from any device or an operator's mark. */
  readonly played: boolean;
  /** Devices that reported they could not play it. */
  readonly misses: readonly AlertMiss[];
}

export interface OpenAlert {
  readonly id: string;
  readonly kind: AlertKind;
  readonly subject: string;
  readonly stationId: string;
  readonly deviceId: string | null;
  readonly airingId: string | null;
}

export interface AlertRuleConfig {
  /** A device silent longer than this raises device_offline. */
  readonly offlineMin: number;
  /** A live airing starting within this long needs its file on every device. */
  readonly fileLeadMin: number;
  /** Agents' heartbeat interval: a device is offline only after two of them without a sign of life. */
  readonly heartbeatSec: number;
  /** An airing with no play is missed once its end plus this has passed (the tracking rule). */
  readonly missedGraceSec: number;
}

export interface AlertFacts {
  readonly now: Date;
  readonly stations: readonly AlertStation[];
  readonly devices: readonly AlertDevice[];
  readonly airings: readonly AlertAiring[];
  readonly open: readonly OpenAlert[];
}

/**
 * What an alert says and the facts behind it, as stored (jsonb) and sent. Instants are ISO 8601 UTC;
 * the *Local fields are the same instants as people read them in the station's zone.
 */
export interface AlertDetails {
  readonly message: string;
  readonly messageEn: string;
  readonly stationCode: string;
  readonly stationName: string;
  readonly timezone: string;
  readonly deviceName?: string;
  /** device_offline: the last sign of life (null: never seen; then deviceCreatedAt counts). */
  readonly lastSeenAt?: string | null;
  readonly deviceCreatedAt?: string;
  readonly airingTitle?: string;
  readonly airingStartsAt?: string;
  readonly airingStartsAtLocal?: string;
  readonly airingEndsAt?: string;
  /** airing_missed: the first reported reason, or `no_play_reported`. */
  readonly reason?: string;
  readonly misses?: readonly AlertMiss[];
  readonly resolution?: ResolveReason;
}

export interface AlertToOpen {
  readonly kind: AlertKind;
  readonly subject: string;
  readonly stationId: string;
  readonly deviceId: string | null;
  readonly airingId: string | null;
  readonly details: AlertDetails;
}

export interface AlertToResolve {
  readonly id: string;
  readonly subject: string;
  readonly reason: ResolveReason;
}

export interface AlertDecision {
  readonly open: AlertToOpen[];
  readonly resolve: AlertToResolve[];
}
