/** Vocabulary shared by the airtime modules; see GLOSSARY.md for the words shown to people. */

/** ISO weekday: 1 = Monday … 7 = Sunday, as luxon and ISO 8601 count. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * One weekly slot ("Khung giờ") in wall-clock time of the station's zone. A slot may run past midnight;
 * it then belongs to the weekday it starts on.
 */
export interface GridSlot {
  readonly days: readonly number[];
  /** `HH:MM`, 24-hour. */
  readonly start: string;
  readonly durationMin: number;
}

export type Grid = readonly GridSlot[];

/** Guardrails a grid must satisfy; times are wall-clock `HH:MM` in the station's zone. */
export interface GridRules {
  readonly quietStart: string;
  readonly quietEnd: string;
  readonly maxSessionMin: number;
}

/** Half-open UTC interval [startsAt, endsAt). */
export interface Interval {
  readonly startsAt: Date;
  readonly endsAt: Date;
}

/** One dated occurrence of a grid slot; `slotIndex` is the slot's position in the grid array. */
export interface SlotInstance extends Interval {
  readonly slotIndex: number;
}

export type Priority = 'normal' | 'priority' | 'emergency';

/** Calendar date in the station's time zone, `YYYY-MM-DD`. */
export type LocalDate = string;
