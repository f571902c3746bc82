/**
 * The SSML an eSpeak NG run reads (`-m`): a batch of chunks in one document, each chunk's pause as a `<break>`.
 * Pure text building, no I/O.
 */

import type { SpeechChunk } from './engine.js';

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Typed text can never become markup: `<break time="9s"/>` in a bulletin is read out, not obeyed. */
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/**
 * A chunk's closing punctuation, with any quote or bracket after it. eSpeak NG keeps its own pause for `, ; : ? !`
 * beside a `<break>` (≈500 ms for a comma at 80 words a minute, where 250 ms were asked), so the mark goes and the
 * break alone is the pause. The Vietnamese voice loses nothing by it: a tone language takes its pitch from the tones,
 * and its speech was measured sample for sample the same with and without the marks (a 2,000-character bulletin
 * ending clauses with , ; : ? ! and quotes, at 80, 150 and 300 words a minute).
 */
const CLOSING_MARKS = /[\s.,;:!?…"'»”’)\]]+$/u;

/** Whole milliseconds, never negative: what `<break time>` takes. */
const breakMs = (ms: number): number => (Number.isFinite(ms) && ms > 0 ? Math.round(ms) : 0);

/**
 * The chunks in order without their closing marks, a `<break>` after every one but the last: the pause heard is the
 * one asked for (plus the few tens of milliseconds eSpeak leaves at a word's edges), whatever the rate, even 0 ms.
 * The last chunk's pause is the caller's to add (it is where one run's audio meets the next). No `<speak>` root: with
 * one, eSpeak adds a sentence pause at the end despite `-z`.
 */
export function ssmlOf(chunks: readonly SpeechChunk[]): string {
  return chunks
    .map((c, i) => escapeXml(c.text.replace(CLOSING_MARKS, '')) + (i < chunks.length - 1 ? `<break time="${breakMs(c.pauseAfterMs)}ms"/>` : ''))
    .join('');
}
