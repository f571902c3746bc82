/**
 * Download names from episode titles, sent as RFC 6266 Content-Disposition: the title in UTF-8 (`filename*`, RFC 8187)
 * for browsers, and an ASCII rendering (`filename`) for clients that only read that.
 */

// Characters file systems refuse, and controls; a title may hold any of them.
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g;
const MAX_NAME_CHARS = 150;

/** "Chương trình / số 5" + mp3 → "Chương trình - số 5.mp3"; the fallback (an id) when nothing of the title is left. */
export function episodeFileName(title: string, ext: string, fallback: string): string {
  const base = [...title.normalize('NFC').replace(UNSAFE, '-').replace(/\s+/g, ' ').trim().replace(/^[.\s-]+|[.\s]+$/g, '')]
    .slice(0, MAX_NAME_CHARS)
    .join('')
    .trim();
  return `${base || fallback}.${ext}`;
}

/** Vietnamese letters without their marks ("Đài phát thanh" → "Dai phat thanh"); anything else non-ASCII → "_". */
export function asciiFileName(name: string): string {
  const plain = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_');
  return plain.trim() || 'download';
}

// RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~".
const encodeExtValue = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function contentDisposition(type: 'attachment' | 'inline', filename: string): string {
  const ascii = asciiFileName(filename);
  return ascii === filename
    ? `${type}; filename="${ascii}"`
    : `${type}; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}
