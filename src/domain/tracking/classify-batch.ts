import { classifyPlayEvent } from './classify.js';
import type { ClassifyContext, RejectionReason, ValidPlay } from './classify.js';

/**
 * Verdict for one event of a batch, in the order sent. `valid` is not yet `accepted`: whether the event
 * was already stored by an earlier batch is the database's call (unique station + event id).
 */
export type BatchVerdict =
  | { readonly status: 'valid'; readonly eventId: string; readonly play: ValidPlay }
  | { readonly status: 'duplicate'; readonly eventId: string }
  | {
      readonly status: 'rejected';
      readonly eventId: string | null;
      readonly reason: RejectionReason;
      readonly message: string;
      readonly messageVi: string;
    };

/**
 * Classifies every event independently so one bad event never sinks the others.
 * Within the batch the first valid event with an id wins and later ones are duplicates, mirroring the
 * "first stored wins" rule of the database. A rejected event claims nothing, so a corrected copy later
 * in the same batch is still accepted.
 */
export function classifyPlayBatch(raws: readonly unknown[], ctx: ClassifyContext): BatchVerdict[] {
  const seen = new Set<string>();
  return raws.map((raw): BatchVerdict => {
    const verdict = classifyPlayEvent(raw, ctx);
    if (!verdict.ok) {
      return { status: 'rejected', eventId: verdict.eventId, reason: verdict.reason, message: verdict.message, messageVi: verdict.messageVi };
    }
    const { eventId } = verdict.play;
    if (seen.has(eventId)) return { status: 'duplicate', eventId };
    seen.add(eventId);
    return { status: 'valid', eventId, play: verdict.play };
  });
}
