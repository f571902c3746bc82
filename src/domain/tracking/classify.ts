import type { z } from 'zod';
import { describeIssues } from '../text/field-problems.js';
import { viNumber } from '../text/bilingual.js';
import { TRACKING_DEFAULTS } from './defaults.js';
import { eventIdSchema, playEventSchema } from './play-schema.js';
import type { PlaySource } from './types.js';

export type RejectionReason =
  | 'malformed'
  | 'unknown_episode'
  | 'future_start'
  | 'too_old'
  | 'before_episode'
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
  /** Since when the episode exists (its upload, or an earlier airing of it); no play starts before. Unknown: not checked. */
  readonly existedFrom?: Date | null;
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
      /** English, for the agent's developer; `messageVi` for the station's operator. */
      readonly message: string;
      readonly messageVi: string;
    };

/**
 * Judges one raw event. Checks run from "what is it" to "does it make sense": shape, then episode, then
 * time, then duration, so the reason given is the most fundamental thing wrong with the event.
 */
export function classifyPlayEvent(raw: unknown, ctx: ClassifyContext): PlayVerdict {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject(null, 'malformed', 'a play event must be a JSON object', 'Lượt phát phải là một đối tượng JSON');
  }
  const parsed = playEventSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues, { location: 'body', input: raw });
    return reject(
      salvageEventId(raw),
      'malformed',
      describeEnglish(parsed.error.issues),
      problems.map((p) => p.messageVi).join('; ') || 'Lượt phát không hợp lệ',
    );
  }
  const event = parsed.data;
  const episodeId = event.episodeId.toLowerCase();
  const episode = lookup(ctx.episodes, episodeId);
  if (episode === undefined) {
    return reject(
      event.eventId,
      'unknown_episode',
      `episode ${episodeId} is unknown or was never sent to this station`,
      `Chương trình ${episodeId} không có hoặc chưa từng được gửi tới đài này`,
    );
  }

  const startedAt = new Date(event.startedAt);
  const skewSec = ctx.clockSkewSec ?? TRACKING_DEFAULTS.clockSkewSec;
  const aheadSec = (startedAt.getTime() - ctx.now.getTime()) / 1000;
  if (aheadSec > skewSec) {
    return reject(
      event.eventId,
      'future_start',
      `startedAt ${event.startedAt} is ${formatSpan(aheadSec, 'en')} ahead of the server clock (allowed ${formatSpan(skewSec, 'en')}); check the station's clock`,
      `Thời điểm bắt đầu ${event.startedAt} nhanh hơn đồng hồ máy chủ ${formatSpan(aheadSec, 'vi')} (cho phép ${formatSpan(skewSec, 'vi')}): hãy chỉnh lại đồng hồ của cụm loa`,
    );
  }
  const maxAgeDays = ctx.maxAgeDays ?? TRACKING_DEFAULTS.maxAgeDays;
  if (-aheadSec > maxAgeDays * 86_400) {
    return reject(
      event.eventId,
      'too_old',
      `startedAt ${event.startedAt} is more than ${maxAgeDays} days in the past`,
      `Thời điểm bắt đầu ${event.startedAt} đã cách đây hơn ${viNumber(maxAgeDays)} ngày, quá hạn ghi nhận`,
    );
  }
  // A play of a programme that did not exist yet is a wrong clock or a made-up report (skew allowed as above).
  const existedFrom = episode.existedFrom?.getTime();
  if (existedFrom !== undefined && startedAt.getTime() < existedFrom - skewSec * 1000) {
    const created = episode.existedFrom!.toISOString();
    return reject(
      event.eventId,
      'before_episode',
      `startedAt ${event.startedAt} is before the episode existed (from ${created}); check the station's clock`,
      `Thời điểm bắt đầu ${event.startedAt} sớm hơn lúc chương trình có trên hệ thống (${created}): hãy kiểm tra đồng hồ của cụm loa`,
    );
  }

  if (event.durationSec < 0) {
    return reject(
      event.eventId,
      'negative_duration',
      `durationSec ${event.durationSec} is negative`,
      `Thời lượng ${viNumber(event.durationSec)} giây là số âm`,
    );
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
      limitSec < capSec
        ? `Thời lượng ${viNumber(event.durationSec)} giây không thể có với chương trình dài ${viNumber(episode.durationSec!)} giây (tối đa ${viNumber(limitSec)} giây)`
        : `Thời lượng ${viNumber(event.durationSec)} giây vượt quá ${viNumber(capSec)} giây mà một lượt phát có thể kéo dài`,
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

function reject(eventId: string | null, reason: RejectionReason, message: string, messageVi: string): PlayVerdict {
  return { ok: false, eventId, reason, message, messageVi };
}

function salvageEventId(raw: object): string | null {
  const candidate = eventIdSchema.safeParse((raw as { eventId?: unknown }).eventId);
  return candidate.success ? candidate.data : null;
}

function describeEnglish(issues: readonly z.core.$ZodIssue[]): string {
  if (issues.length === 0) return 'the event is not valid';
  return issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

const SPAN_UNITS = { en: ['s', 'min', 'h'], vi: ['giây', 'phút', 'giờ'] } as const;

function formatSpan(seconds: number, lang: 'en' | 'vi'): string {
  const [sec, min, hour] = SPAN_UNITS[lang];
  const s = Math.round(Math.abs(seconds));
  if (s < 120) return `${s} ${sec}`;
  if (s < 7_200) return `${Math.round(s / 60)} ${min}`;
  return `${Math.round(s / 3_600)} ${hour}`;
}
