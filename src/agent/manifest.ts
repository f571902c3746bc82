import { z } from 'zod';
import type { WireManifestAiring, WireManifestMedia, WireManifestStation, WirePriority } from '../wire/station-protocol.js';

/**
 * The station manifest as the agent reads it. The agent is the reference client, so it checks what it relies on
 * and nothing else: unknown fields are ignored (the server may add some), and one malformed airing is dropped
 * with a warning instead of throwing away a whole schedule.
 */
const isoInstant = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s) && Number.isFinite(Date.parse(s)), {
  error: 'must be an ISO 8601 instant with an offset',
});

export const manifestAiringSchema = z.object({
  id: z.string().min(1).max(100),
  episodeId: z.string().min(1).max(100),
  title: z.string().default(''),
  startsAt: isoInstant,
  endsAt: isoInstant,
  priority: z.enum(['normal', 'priority', 'emergency']).catch('normal'),
  media: z.object({
    url: z.url({ protocol: /^https?$/ }),
    format: z.string().default(''),
    sizeBytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase()),
    durationSec: z.number().min(0),
  }),
});

const manifestDocSchema = z.object({
  station: z.object({ id: z.string(), code: z.string(), name: z.string(), timezone: z.string() }),
  version: z.string().min(1).max(200),
  generatedAt: z.string().optional(),
  airings: z.array(z.unknown()),
});

export type Priority = WirePriority;

export type AgentMedia = WireManifestMedia;

/** An airing with its instants as epoch milliseconds (UTC) and the cache file it plays. */
export interface AgentAiring {
  readonly id: string;
  readonly episodeId: string;
  readonly title: string;
  readonly startsAt: number;
  readonly endsAt: number;
  /** The start as the server wrote it, with the station's offset: for people reading logs and status. */
  readonly startsAtLocal: string;
  readonly priority: Priority;
  readonly media: AgentMedia;
  /** `<sha256>.<ext>`: content-addressed, so airings of one episode share a file and a re-encode gets a new one. */
  readonly file: string;
}

export interface AgentManifest {
  readonly station: WireManifestStation;
  readonly version: string;
  readonly generatedAt?: string;
  readonly airings: readonly AgentAiring[];
}

export interface ParsedManifest {
  readonly manifest: AgentManifest;
  /** Airings left out, with why, for the log. */
  readonly dropped: ReadonlyArray<{ readonly index: number; readonly id?: string; readonly problem: string }>;
}

/** The extension from the link (`…/<episodeId>.mp3?…`), else the format; only short alphanumerics reach a file name. */
export function mediaExtension(url: string, format: string): string {
  let fromUrl: string | undefined;
  try {
    fromUrl = /\.([A-Za-z0-9]{1,8})$/.exec(new URL(url).pathname)?.[1];
  } catch {
    // fall through to the format
  }
  const ext = (fromUrl ?? format).toLowerCase();
  return /^[a-z0-9]{1,8}$/.test(ext) ? ext : 'bin';
}

export function cacheFileName(media: Pick<AgentMedia, 'url' | 'format' | 'sha256'>): string {
  return `${media.sha256}.${mediaExtension(media.url, media.format)}`;
}

/** Throws when the document as a whole is unusable (then the last good one stays in force). */
export function parseManifest(raw: unknown): ParsedManifest {
  const doc = manifestDocSchema.parse(raw);
  const airings: AgentAiring[] = [];
  const dropped: { index: number; id?: string; problem: string }[] = [];
  doc.airings.forEach((item, index) => {
    const r = manifestAiringSchema.safeParse(item);
    const id = typeof (item as { id?: unknown })?.id === 'string' ? ((item as { id: string }).id) : undefined;
    if (!r.success) {
      dropped.push({ index, id, problem: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return;
    }
    const a = r.data;
    const startsAt = Date.parse(a.startsAt);
    const endsAt = Date.parse(a.endsAt);
    if (!(endsAt > startsAt)) {
      dropped.push({ index, id, problem: 'endsAt is not after startsAt' });
      return;
    }
    airings.push({
      id: a.id,
      episodeId: a.episodeId,
      title: a.title,
      startsAt,
      endsAt,
      startsAtLocal: a.startsAt,
      priority: a.priority,
      media: a.media,
      file: cacheFileName(a.media),
    });
  });
  airings.sort((x, y) => x.startsAt - y.startsAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return { manifest: { station: doc.station, version: doc.version, generatedAt: doc.generatedAt, airings }, dropped };
}

// The schema and the wire contract must not drift apart: each line stops the build when they do.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const wireChecks: [
  Same<z.output<typeof manifestAiringSchema>, WireManifestAiring>,
  Same<z.output<typeof manifestAiringSchema>['media'], WireManifestMedia>,
  Same<z.output<typeof manifestDocSchema>['station'], WireManifestStation>,
  Same<Omit<AgentAiring, 'startsAt' | 'endsAt' | 'startsAtLocal' | 'file'>, Omit<WireManifestAiring, 'startsAt' | 'endsAt'>>,
] = [true, true, true, true];
void wireChecks;
