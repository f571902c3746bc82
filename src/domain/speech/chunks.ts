/** Cutting normalised text into the pieces a synthesiser reads, each with the silence that follows it (an SSML break).
 *  Each piece ends where a pause belongs, and the pause is ours, not the engine's; a whole bulletin is then read in one run. */

export interface SpeechChunk { text: string; pauseAfterMs: number }

/** Silence after each kind of break, in milliseconds: roughly what a commune announcer leaves. */
export const PAUSE_MS = Object.freeze({
  paragraph: 900,
  sentence: 600,
  line: 600,
  semicolon: 400,
  colon: 350,
  comma: 250,
  dash: 250,
  // inside an overlong clause cut at a space: just a breath, so the seam is not heard as a break
  breath: 120,
});

/** A clause longer than this is cut at a space; synthesis time and memory grow with the piece. */
export const MAX_CHUNK_CHARS = 300;

const BOUNDARY = /(?:\.{2,}|…|[.!?]+|[;:,])["'»”’)\]]*(?=\s|$)|[ \t][-–—](?=[ \t])/gu;
const SPEAKABLE = /[\p{L}\p{N}]/u;
const BULLET = /^[-•*+–—][ \t]+/u;

function pauseFor(mark: string): number {
  if (/[.!?…]/u.test(mark)) return PAUSE_MS.sentence;
  if (mark.includes(';')) return PAUSE_MS.semicolon;
  if (mark.includes(':')) return PAUSE_MS.colon;
  if (mark.includes(',')) return PAUSE_MS.comma;
  return PAUSE_MS.dash;
}

function clauses(line: string): SpeechChunk[] {
  const out: SpeechChunk[] = [];
  let start = 0;
  for (const m of line.matchAll(BOUNDARY)) {
    const isDash = /^[ \t][-–—]$/u.test(m[0]);
    const end = m.index + m[0].length;
    out.push({ text: line.slice(start, isDash ? m.index : end), pauseAfterMs: pauseFor(m[0]) });
    start = end;
  }
  if (start < line.length) out.push({ text: line.slice(start), pauseAfterMs: 0 });
  return out;
}

function splitLong(chunk: SpeechChunk): SpeechChunk[] {
  if (chunk.text.length <= MAX_CHUNK_CHARS) return [chunk];
  const out: SpeechChunk[] = [];
  let rest = chunk.text;
  while (rest.length > MAX_CHUNK_CHARS) {
    const cut = rest.lastIndexOf(' ', MAX_CHUNK_CHARS);
    const at = cut > 0 ? cut : MAX_CHUNK_CHARS;
    out.push({ text: rest.slice(0, at).trim(), pauseAfterMs: PAUSE_MS.breath });
    rest = rest.slice(at).trim();
  }
  out.push({ text: rest, pauseAfterMs: chunk.pauseAfterMs });
  return out;
}

/** Splits normalised text into sentences/clauses for sentence-by-sentence synthesis, with natural pauses at punctuation
 *  (longer after . ! ? and paragraph breaks, shorter after , ; :). The last chunk has no pause after it: the episode
 *  gets its own lead-out. Pieces with nothing to say ("…", a lone dash) give their pause to the piece before. */
export function speechChunks(normalisedText: string): SpeechChunk[] {
  const chunks: SpeechChunk[] = [];
  const paragraphs = normalisedText.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n\s*/);
  for (const paragraph of paragraphs) {
    const lines = paragraph.split('\n');
    const before = chunks.length;
    for (const line of lines) {
      const pieces = clauses(line);
      const last = pieces.at(-1);
      // a line with no closing mark (a heading, a list item) is still said as a sentence of its own
      if (last) last.pauseAfterMs = Math.max(last.pauseAfterMs, PAUSE_MS.line);
      for (const piece of pieces) {
        const text = piece.text.replace(/\s+/g, ' ').trim().replace(BULLET, '');
        if (!SPEAKABLE.test(text)) {
          const prev = chunks.at(-1);
          if (prev && chunks.length > before) prev.pauseAfterMs = Math.max(prev.pauseAfterMs, piece.pauseAfterMs);
          continue;
        }
        chunks.push(...splitLong({ text, pauseAfterMs: piece.pauseAfterMs }));
      }
    }
    const end = chunks.at(-1);
    if (end && chunks.length > before) end.pauseAfterMs = Math.max(end.pauseAfterMs, PAUSE_MS.paragraph);
  }
  const final = chunks.at(-1);
  if (final) final.pauseAfterMs = 0;
  return chunks;
}
