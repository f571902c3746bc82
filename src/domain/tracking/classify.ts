import type { z } from 'zod';
import { TRACKING_DEFAULTS } from './defaults.js';
import { eventIdSchema, playEventSchema } from './play-schema.js';
import type { PlaySource } from './types.js';

export type RejectionReason =
  | 'malformed'
  | 'unknown_episode'
  | 'future_start'
  | 'too_old'
  | 'negative_duration'
  | 'impossible_duration';

/** A play event that passed every check, normalised for storage. */
export interface ValidPlay {
  readonly eventId: string;
  /** Lower-cased, as PostgreSQL prints uuids, so lookups and joins agree whatever case the station sent. */
  readonly episodeId: string;
  readonly airingId: string | null;
  readonly startedAt: Date;
  readonly durationSec: number;
  readonly source: PlaySource;
}

/** What the server knows about an episode that was sent to this station. */
export interface SentEpisode {
  /** Measured duration of the rendition; null when unknown, which disables the per-episode duration check. */
  readonly durationSec: number | null;
}

/**
 * Episodes sent to the reporting station, keyed by lower-case episode id. A function is accepted so the
 * caller can back it with whatever it loaded for the batch.
 */
export type EpisodeLookup = ReadonlyMap<string, SentEpisode> | ((episodeId: string) => SentEpisode | undefined);

export interface ClassifyContext {
  readonly now: Date;
  readonly episodes: EpisodeLookup;
  readonly clockSkewSec?: number;
  readonly maxAgeDays?: number;
  readonly maxDurationFactor?: number;
  readonly durationSlackSec?: number;
  readonly maxPlaySec?: number;
}

export type PlayVerdict =
  | { readonly ok: true; readonly play: ValidPlay }
  | {
      readonly ok: false;
      /** Echoed when the event carried a usable id, so the station can tell which event was refused. */
      readonly eventId: string | null;
      readonly reason: RejectionReason;
      readonly message: string;
    };

/**
 * Judges one raw event. Checks run from "what is it" to "does it make sense": shape, then episode, then
 * time, then duration, so the reason given is the most fundamental thing wrong with the event.
 */
export function classifyPlayEvent(raw: unknown, ctx: ClassifyContext): PlayVerdict {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject(null, 'malformed', 'a play event must be a JSON object');
  }
  const parsed = playEventSchema.safeParse(raw);
  if (!parsed.success) {
    return reject(salvageEventId(raw), 'malformed', describeIssues(parsed.error.issues));
  }
  const event = parsed.data;
  const episodeId = event.episodeId.toLowerCase();
  const episode = lookup(ctx.episodes, episodeId);
  if (episode === undefined) {
    return reject(event.eventId, 'unknown_episode', `episode ${episodeId} is unknown or was never sent to this station`);
  }

  const startedAt = new Date(event.startedAt);
  const skewSec = ctx.clockSkewSec ?? TRACKING_DEFAULTS.clockSkewSec;
  const aheadSec = (startedAt.getTime() - ctx.now.getTime()) / 1000;
  if (aheadSec > skewSec) {
    return reject(
      event.eventId,
      'future_start',
      `startedAt ${event.startedAt} is ${formatSpan(aheadSec)} ahead of the server clock (allowed ${formatSpan(skewSec)}); check the station's clock`,
    );
  }
  const maxAgeDays = ctx.maxAgeDays ?? TRACKING_DEFAULTS.maxAgeDays;
  if (-aheadSec > maxAgeDays * 86_400) {
    return reject(event.eventId, 'too_old', `startedAt ${event.startedAt} is more than ${maxAgeDays} days in the past`);
  }

  if (event.durationSec < 0) {
    return reject(event.eventId, 'negative_duration', `durationSec ${event.durationSec} is negative`);
  }
  const capSec = ctx.maxPlaySec ?? TRACKING_DEFAULTS.maxPlaySec;
  const limitSec = durationLimitSec(episode.durationSec, ctx);
  if (event.durationSec > limitSec) {
    return reject(
      event.eventId,
      'impossible_duration',
      limitSec < capSec
        ? `durationSec ${event.durationSec} is implausible for an episode of ${episode.durationSec} s (at most ${limitSec} s)`
        : `durationSec ${event.durationSec} exceeds the ${capSec} s a single play can last`,
    );
  }

  return {
    ok: true,
    play: {
      eventId: event.eventId,
      episodeId,
      airingId: event.airingId?.toLowerCase() ?? null,
      startedAt,
      durationSec: event.durationSec,
      source: event.source ?? 'auto',
    },
  };
}

/** The longest play believed for an episode: generous overrun for pauses, capped at one day. */
export function durationLimitSec(
  episodeDurationSec: number | null,
  opts: Pick<ClassifyContext, 'maxDurationFactor' | 'durationSlackSec' | 'maxPlaySec'> = {},
): number {
  const cap = opts.maxPlaySec ?? TRACKING_DEFAULTS.maxPlaySec;
  if (episodeDurationSec === null) return cap;
  const factor = opts.maxDurationFactor ?? TRACKING_DEFAULTS.maxDurationFactor;
  const slack = opts.durationSlackSec ?? TRACKING_DEFAULTS.durationSlackSec;
  return Math.min(cap, episodeDurationSec * factor + slack);
}

function lookup(episodes: EpisodeLookup, episodeId: string): SentEpisode | undefined {
  return typeof episodes === 'function' ? episodes(episodeId) : episodes.get(episodeId);
}

function reject(eventId: string | null, reason: RejectionReason, message: string): PlayVerdict {
  return { ok: false, eventId, reason, message };
}

function salvageEventId(raw: object): string | null {
  const candidate = eventIdSchema.safeParse((raw as { eventId?: unknown }).eventId);
  return candidate.success ? candidate.data : null;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  if (issues.length === 0) return 'the event is not valid';
  return issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function formatSpan(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7_200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3_600)} h`;
}
