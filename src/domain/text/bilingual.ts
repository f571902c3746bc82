/**
 * How a message a person may read travels: in both languages, under names that say which is which.
 * Every object that explains something to a person (an error, a field detail, a play's rejection, a plan's
 * shortfall, a grid violation) carries `messageVi` (read first) and `messageEn`. Where an older field called
 * `message` exists it keeps its old language for the clients that read it.
 */
export interface Bilingual {
  readonly messageVi: string;
  readonly messageEn: string;
}

const NUM_VI = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const NUM_EN = new Intl.NumberFormat('en', { maximumFractionDigits: 2, useGrouping: false });

/** A number inside Vietnamese text: decimal comma, dot between thousands ("0,21", "20.000"). */
export const viNumber = (n: number): string => (Number.isFinite(n) ? NUM_VI.format(n) : String(n));

/** A number inside English text, as plain as the API's own fields ("0.21", "20000"). */
export const enNumber = (n: number): string => (Number.isFinite(n) ? NUM_EN.format(n) : String(n));

/** Vietnamese capitalises only the first word of a sentence; a label in «» stays as it is. */
export function sentence(text: string): string {
  const i = text.search(/\p{L}/u);
  if (i < 0 || text.lastIndexOf('«', i) >= 0) return text;
  return text.slice(0, i) + text.charAt(i).toLocaleUpperCase('vi') + text.slice(i + 1);
}
