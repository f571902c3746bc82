/**
 * Extended M3U is line-based: one line break inside a title ends the `#EXTINF` line and the next line is read
 * as another entry (or a directive), so a title typed by a person could add entries to a station's playlist.
 */

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators some players also break lines on.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line of text for a playlist: control characters (CR, LF, tab, …) become a space, runs of spaces one. */
export function playlistText(text: string): string {
  return text.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * A media address as one playlist line. The WHATWG parser percent-encodes what needs it and drops line breaks;
 * only http(s) addresses are written, so nothing else (a `#` directive, a local path) can stand on the line.
 */
export function playlistUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RangeError(`playlist entries must be http(s) addresses, got ${parsed.protocol}`);
  return parsed.href;
}

export interface PlaylistEntry {
  readonly title: string;
  readonly durationSec: number;
  readonly url: string;
}

export function buildM3u(name: string, entries: readonly PlaylistEntry[]): string {
  const lines = ['#EXTM3U', `#PLAYLIST:${playlistText(name)}`];
  for (const e of entries) {
    const duration = Number.isFinite(e.durationSec) ? Math.max(0, Math.round(e.durationSec)) : -1;
    // The comma ends the duration; commas inside the title are fine, players take the rest of the line.
    lines.push(`#EXTINF:${duration},${playlistText(e.title)}`, playlistUrl(e.url));
  }
  return `${lines.join('\n')}\n`;
}
