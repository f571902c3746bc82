/**
 * What a text bulletin may contain before it is read aloud: plain text, not empty, not too long, with something in
 * it to say. Pure; the API turns a refusal into a 422 naming the field.
 */

/** Words per minute eSpeak NG is asked for: below 80 it drags, above 300 no loudspeaker audience follows it. */
export const RATE_MIN = 80;
export const RATE_MAX = 300;

export type TextRule = 'TEXT_EMPTY' | 'TEXT_TOO_LONG' | 'TEXT_NOT_SPEAKABLE' | 'TEXT_MARKUP';

export interface TextRefusal {
  readonly code: TextRule;
  readonly message: string;
  readonly messageVi: string;
}

// A tag (<b>, </p>, <br/>, <a href=…>), a comment or a doctype: what a page or a word processor leaves in pasted text.
// "5 < 7" or "<5 km" are not tags: a tag's name starts with a letter right after "<".
const MARKUP = /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>|<!--|<!DOCTYPE/i;
// Named or numbered character references (&nbsp; &#8220;): HTML source, not text.
const ENTITY = /&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});/;
const SPEAKABLE = /[\p{L}\p{N}]/u;

/** The text as it is kept and read: Unicode NFC (Vietnamese typed on some keyboards arrives decomposed), trimmed. */
export const canonicalText = (text: string): string => text.normalize('NFC').trim();

/** Characters as people count them: code points of the NFC form, so "ệ" is one whatever the keyboard sent. */
export const characterCount = (text: string): number => [...canonicalText(text)].length;

/** The first rule the text breaks, or null when it may be read aloud. */
export function checkBulletinText(text: string, maxChars: number): TextRefusal | null {
  const t = canonicalText(text);
  if (t.length === 0) {
    return { code: 'TEXT_EMPTY', message: 'text: must not be empty', messageVi: '«Nội dung bản tin» không được để trống.' };
  }
  const n = characterCount(t);
  if (n > maxChars) {
    return {
      code: 'TEXT_TOO_LONG',
      message: `text: ${n} characters, over the limit of ${maxChars}`,
      messageVi: `«Nội dung bản tin» dài ${n.toLocaleString('vi-VN')} ký tự, vượt quá giới hạn ${maxChars.toLocaleString('vi-VN')} ký tự.`,
    };
  }
  const tag = MARKUP.exec(t) ?? ENTITY.exec(t);
  if (tag) {
    const shown = tag[0].length > 40 ? `${tag[0].slice(0, 40)}…` : tag[0];
    return {
      code: 'TEXT_MARKUP',
      message: `text: contains markup (${shown}); send plain text`,
      messageVi: `«Nội dung bản tin» có mã định dạng HTML (${shown}). Hãy gửi văn bản thuần, không kèm thẻ.`,
    };
  }
  if (!SPEAKABLE.test(t)) {
    return { code: 'TEXT_NOT_SPEAKABLE', message: 'text: has no letters or digits to read aloud', messageVi: '«Nội dung bản tin» không có chữ hoặc số nào để đọc.' };
  }
  return null;
}
