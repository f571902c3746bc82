import { z } from 'zod';
import { MAX_GRID_SLOTS, timezoneSchema, validateGrid, type GridRule, type GridRules, type GridSlot } from '../domain/airtime/index.js';

/**
 * A draft grid judged by the very rules a save applies (validateGrid), so the dashboard's editor never keeps its own
 * copy of quiet hours, overlaps or session length. Slots come as typed: a half-filled one is reported as malformed,
 * not refused as a request.
 */
export const gridCheckSchema = z.object({
  grid: z.array(z.unknown()).max(MAX_GRID_SLOTS, `at most ${MAX_GRID_SLOTS} slots`),
  timezone: timezoneSchema,
});

export interface GridProblem {
  slotIndex: number;
  rule: GridRule;
  messageVi: string;
  messageEn: string;
  otherSlotIndex?: number;
}

export interface GridCheck {
  ok: boolean;
  problems: GridProblem[];
  /** The rules judged by, for the editor to state them before anyone trips over one. */
  rules: { quietStart: string; quietEnd: string; maxSessionMin: number; timezone: string };
}

export function checkGridDraft(input: z.infer<typeof gridCheckSchema>, rules: GridRules): GridCheck {
  // validateGrid reports a slot of the wrong shape as malformed instead of reading it.
  const problems = validateGrid(input.grid as GridSlot[], rules).map((v) => ({
    slotIndex: v.slotIndex,
    rule: v.rule,
    messageVi: v.messageVi,
    messageEn: v.messageEn,
    ...(v.otherSlotIndex !== undefined ? { otherSlotIndex: v.otherSlotIndex } : {}),
  }));
  return { ok: problems.length === 0, problems, rules: { ...rules, timezone: input.timezone } };
}
