import { IANAZone } from 'luxon';
import { z } from 'zod';
import { MINUTES_PER_DAY, parseHHMM } from './clock.js';
import { AIRTIME_DEFAULTS, MAX_GRID_SLOTS } from './defaults.js';

/**
 * Shapes the API accepts. Only form is checked here; the guardrails (quiet hours, overlap, session length)
 * depend on deployment settings and are judged by `validateGrid`, so each breach gets a 422 naming its slot.
 */

export const hhmmSchema = z.string().refine((s) => parseHHMM(s) !== null, { error: 'must be a 24-hour time HH:MM' });

export const gridSlotSchema = z.object({
  days: z
    .array(z.number().int().min(1).max(7), { error: 'days must be ISO weekdays 1 (Mon) … 7 (Sun)' })
    .min(1, 'at least one weekday')
    .refine((days) => new Set(days).size === days.length, { error: 'weekdays must not repeat', params: { messageVi: 'có ngày bị lặp lại' } }),
  start: hhmmSchema,
  // A slot longer than a day would collide with its own next occurrence.
  durationMin: z.number().int().min(1).max(MINUTES_PER_DAY),
});

export const gridSchema = z.array(gridSlotSchema).max(MAX_GRID_SLOTS);

export const timezoneSchema = z
  .string()
  .refine((tz) => IANAZone.isValidZone(tz), { error: 'must be an IANA time zone such as Asia/Ho_Chi_Minh' })
  .default(AIRTIME_DEFAULTS.timezone);

export const localDateSchema = z.iso.date();

export const gridRulesSchema = z.object({
  quietStart: hhmmSchema.default(AIRTIME_DEFAULTS.quietStart),
  quietEnd: hhmmSchema.default(AIRTIME_DEFAULTS.quietEnd),
  maxSessionMin: z.number().int().min(1).max(MINUTES_PER_DAY).default(AIRTIME_DEFAULTS.maxSessionMin),
});

export type GridSlotInput = z.infer<typeof gridSlotSchema>;
export type GridInput = z.infer<typeof gridSchema>;
