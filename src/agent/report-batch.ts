import type { WirePlayReport } from '../wire/station-protocol.js';
import { isMissed, type AckStatus, type PendingReport } from './journal-fold.js';

/** One event of `POST /api/v1/station/plays`: the wire contract itself, so the two cannot drift apart. */
export type PlayReport = WirePlayReport;

export function toReport(p: PendingReport): PlayReport {
  if (isMissed(p)) {
    // Nothing aired: the scheduled start says which slot stayed silent, the reason says why.
    return { eventId: p.eventId, episodeId: p.episodeId, airingId: p.airingId, startedAt: p.startsAt, durationSec: 0, source: 'auto', outcome: 'missed', reason: p.reason };
  }
  const durationSec = Math.max(0, Math.round((p.end?.durationSec ?? p.playedSec) * 1000) / 1000);
  return {
    eventId: p.start.eventId,
    episodeId: p.start.episodeId,
    ...(p.start.airingId ? { airingId: p.start.airingId } : {}),
    startedAt: p.start.startedAt,
    durationSec,
    source: p.start.source,
    outcome: 'played',
  };
}

export interface Verdict {
  readonly eventId: string;
  readonly status: AckStatus;
  readonly reason?: string;
  readonly message?: string;
}

export interface Interpretation {
  /** Events the server has settled (accepted, duplicate, or rejected for good). */
  readonly verdicts: readonly Verdict[];
  /** Events the answer said nothing usable about: they stay pending. */
  readonly unanswered: readonly string[];
  /** Set when the answer as a whole did not have the promised shape. */
  readonly problem?: string;
}

const STATUSES: readonly string[] = ['accepted', 'duplicate', 'rejected'];

/**
 * Reads a `200 {results: [...]}` answer. Results come in the order sent; an `eventId` in a result, when present,
 * is trusted over the position (a server that reorders does no harm). Anything unrecognised leaves the event
 * pending, so a surprising answer can delay a report but never drop one.
 */
export function interpretResults(sent: readonly PlayReport[], body: unknown): Interpretation {
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return { verdicts: [], unanswered: sent.map((s) => s.eventId), problem: 'the answer has no results array' };
  const ids = new Set(sent.map((s) => s.eventId));
  const settled = new Map<string, Verdict>();
  results.forEach((r: unknown, i) => {
    if (typeof r !== 'object' || r === null) return;
    const rec = r as { eventId?: unknown; status?: unknown; reason?: unknown; message?: unknown };
    const eventId = typeof rec.eventId === 'string' && ids.has(rec.eventId) ? rec.eventId : rec.eventId == null ? sent[i]?.eventId : undefined;
    if (eventId === undefined || typeof rec.status !== 'string' || !STATUSES.includes(rec.status) || settled.has(eventId)) return;
    settled.set(eventId, {
      eventId,
      status: rec.status as AckStatus,
      ...(typeof rec.reason === 'string' ? { reason: rec.reason } : {}),
      ...(typeof rec.message === 'string' ? { message: rec.message } : {}),
    });
  });
  const verdicts = sent.flatMap((s) => settled.get(s.eventId) ?? []);
  const unanswered = sent.filter((s) => !settled.has(s.eventId)).map((s) => s.eventId);
  return { verdicts, unanswered, ...(results.length !== sent.length ? { problem: `${results.length} results for ${sent.length} events` } : {}) };
}
