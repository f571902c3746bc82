/**
 * Spreadsheet programs run a text cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
 * return) as a formula, so a station named `=HYPERLINK(…)` would become a live link in the reader's copy of the
 * report. OWASP's CSV-injection guidance: prefix such text with a single quote, which spreadsheet programs show
 * as text and which a person reading the value can still recognise.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type SpreadsheetValue = string | number;

/**
 * The value as a spreadsheet cell that cannot run. Real numbers stay numbers (a negative count is still a
 * number, not text), so sums and filters keep working; only text is changed, and only when it could be read
 * as a formula.
 */
export function neutraliseCell(value: SpreadsheetValue): SpreadsheetValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : neutraliseCell(String(value));
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function neutraliseRow(row: readonly SpreadsheetValue[]): SpreadsheetValue[] {
  return row.map(neutraliseCell);
}
