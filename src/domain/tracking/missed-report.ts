import { z } from 'zod';
import { MISSED_REASONS, type MissedReason } from '../../wire/station-protocol.js';
import { describeIssues } from '../text/field-problems.js';
import { eventIdSchema } from './play-schema.js';

/** A device's word that an airing ended before it could play it (`outcome: "missed"` in a plays batch). */
export interface MissedReport {
  readonly eventId: string;
  readonly episodeId: string;
  readonly airingId: string;
  readonly scheduledAt: Date;
  readonly reason: MissedReason;
}

export const missedSchema = z.object({
  eventId: eventIdSchema,
  episodeId: z.uuid({ error: 'must be a UUID' }),
  airingId: z.uuid({ error: 'must be the UUID of the missed airing' }),
  startedAt: z.iso.datetime({ offset: true, error: 'must be the airing\'s scheduled start, ISO 8601 with an offset' }),
  reason: z.enum(MISSED_REASONS as [MissedReason, ...MissedReason[]], { error: `must be one of ${MISSED_REASONS.join(', ')}` }),
});

export function isMissedReport(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { outcome?: unknown }).outcome === 'missed';
}

export type MissedVerdict =
  | { readonly ok: true; readonly miss: MissedReport }
  | { readonly ok: false; readonly eventId: string | null; readonly message: string; readonly messageVi: string };

/** Shape only; whether the airing is this station's is the database's call. */
export function classifyMissedReport(raw: unknown): MissedVerdict {
  const r = missedSchema.safeParse(raw);
  if (!r.success) {
    const id = eventIdSchema.safeParse((raw as { eventId?: unknown }).eventId);
    const issue = r.error.issues[0]!;
    const vi = describeIssues([issue], { location: 'body', input: raw })[0]!.messageVi;
    return { ok: false, eventId: id.success ? id.data : null, message: `${issue.path.join('.') || '(event)'}: ${issue.message}`, messageVi: vi };
  }
  const { eventId, episodeId, airingId, startedAt, reason } = r.data;
  return { ok: true, miss: { eventId, episodeId: episodeId.toLowerCase(), airingId: airingId.toLowerCase(), scheduledAt: new Date(startedAt), reason } };
}
