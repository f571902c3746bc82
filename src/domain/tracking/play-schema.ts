import { z } from 'zod';
import { TRACKING_DEFAULTS } from './defaults.js';

/**
 * One play event as a station sends it. Only the shape is checked here; whether the values make sense
 * (negative duration, start in the future, unknown episode) is judged by `classifyPlayEvent`, so that
 * each of those gets its own reason code instead of a generic "malformed".
 * Messages are written for the developer of a station agent reading an API answer.
 */
export const playEventSchema = z.object({
  // Client-generated so a re-sent batch is recognised; any opaque id the agent likes, uuid recommended.
  eventId: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(100, { error: 'must be at most 100 characters' })
    // The database cannot store U+0000: refused here, so only this event is rejected and the rest of its batch is stored.
    .refine((s) => !s.includes('\u0000'), { error: 'must not contain the NUL character (U+0000)', params: { messageVi: 'chứa ký tự NUL (U+0000) không được phép: hãy xoá ký tự đó' } }),
  episodeId: z.uuid({ error: 'must be a UUID' }),
  airingId: z.uuid({ error: 'must be a UUID when present' }).optional(),
  // An offset (or Z) is required: a bare local time would be guessed in the wrong zone.
  startedAt: z.iso.datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time with seconds and an offset or Z, e.g. 2026-01-31T18:00:00+07:00',
  }),
  durationSec: z.number({ error: 'must be a finite number of seconds' }),
  source: z.enum(['auto', 'manual'], { error: 'must be "auto" or "manual" when present' }).optional(),
});

export type PlayEventInput = z.infer<typeof playEventSchema>;

/** The event id alone, so a malformed event can still be answered under its own id when that part is sound. */
export const eventIdSchema = playEventSchema.shape.eventId;

/**
 * The batch envelope. Items are deliberately `unknown`: validating them here would reject the whole batch
 * for one bad event, and the contract is that each event gets its own verdict.
 */
export const playBatchSchema = z.object({
  plays: z.array(z.unknown()).min(1).max(TRACKING_DEFAULTS.maxPlaysPerBatch),
});

export type PlayBatchInput = z.infer<typeof playBatchSchema>;
