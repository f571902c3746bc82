import { z } from 'zod';
import type { WireHeartbeat } from '../../wire/station-protocol.js';

/**
 * A heartbeat as an agent sends it (WireHeartbeat). Tolerant the way the wire contract asks: unknown fields are
 * dropped, so a newer agent talks to an older service; a field the type allows to be null may also be left out.
 * Every known field is checked and bounded, because what is stored here is shown on the dashboard.
 * Messages are for the developer of an agent reading an API answer.
 */
const text = (max: number) => z.string({ error: 'must be a string' }).max(max, { error: `must be at most ${max} characters` });
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset or Z' });
const uuid = z.uuid({ error: 'must be a UUID' });
const count = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must not be negative' });
const bytes = count.max(Number.MAX_SAFE_INTEGER, { error: 'is too large' });
const nullable = <T extends z.ZodType>(t: T) => t.nullable().optional().transform((v) => v ?? null);

export const MAX_UPCOMING = 100;

export const heartbeatSchema = z.object({
  agentVersion: text(100).min(1, { error: 'must not be empty' }),
  startedAt: instant,
  uptimeSec: z.number({ error: 'must be a number' }).min(0, { error: 'must not be negative' }).max(100 * 365 * 86_400, { error: 'is too large' }),
  nowPlaying: nullable(
    z.object({ airingId: nullable(uuid), episodeId: uuid, title: text(500), startedAt: instant }, { error: 'must be an object or null' }),
  ),
  nextAiring: nullable(
    z.object(
      { airingId: uuid, title: text(500), startsAt: instant, fileReady: z.boolean({ error: 'must be true or false' }) },
      { error: 'must be an object or null' },
    ),
  ),
  upcoming: z
    .array(z.object({ airingId: uuid, startsAt: instant, fileReady: z.boolean({ error: 'must be true or false' }) }, { error: 'must be an object' }), {
      error: 'must be an array',
    })
    .max(MAX_UPCOMING, { error: `must list at most ${MAX_UPCOMING} airings` })
    .optional()
    .transform((v) => v ?? []),
  cacheBytes: bytes,
  freeDiskBytes: nullable(bytes),
  pendingReports: count.max(10_000_000, { error: 'is too large' }),
  lastPlayer: nullable(
    z.object(
      {
        at: instant,
        exitCode: nullable(z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' })),
        signal: nullable(text(50)),
        error: nullable(text(2000)),
      },
      { error: 'must be an object or null' },
    ),
  ),
  lastError: nullable(text(2000)),
  clockOffsetMs: nullable(z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(-1e12).max(1e12)),
  channel: z.enum(['open', 'closed'], { error: 'must be "open" or "closed"' }),
});

/** Parses a heartbeat body; throws a ZodError naming the first bad field. */
export function parseHeartbeat(body: unknown): WireHeartbeat {
  return heartbeatSchema.parse(body) satisfies WireHeartbeat;
}
