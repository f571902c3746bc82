import { DateTime, IANAZone } from 'luxon';
import type { ManifestAiring, ManifestDocument, ManifestInput } from './types.js';
import { manifestContent, manifestVersion } from './version.js';

/**
 * The station's manifest. Airings are ordered by start (then id) so that the document, and therefore its
 * version, does not depend on the order the caller fetched them in. Instants carry the station's own offset
 * so a person or agent reading it sees local wall-clock times.
 */
export function buildManifest(input: ManifestInput): ManifestDocument {
  const { id, code, name, timezone } = input.station;
  if (!isValidZone(timezone)) throw new RangeError(`unknown IANA time zone: ${timezone}`);
  const station = { id, code, name, timezone };
  const airings: ManifestAiring[] = [...input.airings]
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || compareText(a.id, b.id))
    .map((a) => ({
      id: a.id,
      episodeId: a.episodeId,
      title: a.title,
      startsAt: stationIso(a.startsAt, timezone),
      endsAt: stationIso(a.endsAt, timezone),
      priority: a.priority,
      media: {
        url: a.media.url,
        format: a.media.format,
        sizeBytes: a.media.sizeBytes,
        sha256: a.media.sha256,
        durationSec: a.media.durationSec,
      },
    }));
  return {
    station,
    version: manifestVersion(manifestContent({ station, airings })),
    generatedAt: stationIso(input.generatedAt, timezone),
    airings,
  };
}

// IANAZone.isValidZone builds an Intl formatter per call; manifests for 10,000 stations ask about a handful of zones.
const knownZones = new Map<string, boolean>();
function isValidZone(zone: string): boolean {
  let ok = knownZones.get(zone);
  if (ok === undefined) {
    ok = IANAZone.isValidZone(zone);
    knownZones.set(zone, ok);
  }
  return ok;
}

/** ISO 8601 with the zone's offset at that instant, e.g. 2026-12-01T06:00:00+07:00. */
export function stationIso(at: Date, timezone: string): string {
  const iso = DateTime.fromJSDate(at, { zone: timezone }).toISO({ suppressMilliseconds: true });
  if (iso === null) throw new RangeError(`cannot express ${String(at)} in ${timezone}`);
  return iso;
}

// Code-unit order, not locale order: the result must not depend on the host's ICU data.
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
