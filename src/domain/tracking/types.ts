/** Vocabulary shared by the tracking modules; see GLOSSARY.md for the words shown to people. */

/** A play covering at least the threshold share of its episode is a rebroadcast; anything shorter is partial. */
export type PlayKind = 'rebroadcast' | 'partial';

/** How the play was reported: by the station agent, or by an operator marking an airing as aired. */
export type PlaySource = 'auto' | 'manual';

/** Derived, never stored as truth: recomputed from the airing and the plays matched to it. */
export type AiringStatus = 'scheduled' | 'aired' | 'partial' | 'missed';

/** A planned slot, as far as matching and status need it. Instants are UTC `Date`s. */
export interface AiringWindow {
  readonly id: string;
  readonly episodeId: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

/** Month key in the station's time zone, `YYYY-MM`; sorts chronologically as a string. */
export type MonthKey = string;

/** Calendar date in the station's time zone, `YYYY-MM-DD`; sorts chronologically as a string. */
export type LocalDate = string;
