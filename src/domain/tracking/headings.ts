import type { ComplianceRow, ComplianceTotals, MonthStatus } from './compliance.js';
import type { PeriodPreset } from './period.js';
import type { MonthKey } from './types.js';

/** Vietnamese first: the people reading the report work in Vietnamese (GLOSSARY.md); English second. */
export type ReportLocale = 'vi' | 'en';

/** Labels for every report field, in the glossary's words. */
export const COLUMN_LABELS = Object.freeze({
  stationCode: { vi: 'Mã xã', en: 'Commune code' },
  stationName: { vi: 'Tên đài', en: 'Station name' },
  month: { vi: 'Tháng', en: 'Month' },
  episodeId: { vi: 'Chương trình', en: 'Programme' },
  scheduled: { vi: 'Lượt phát theo lịch', en: 'Scheduled airings' },
  aired: { vi: 'Phát lại', en: 'Rebroadcasts' },
  onSchedule: { vi: 'Đúng lịch', en: 'On schedule' },
  offSchedule: { vi: 'Ngoài lịch', en: 'Off schedule' },
  partial: { vi: 'Phát chưa hết', en: 'Partial' },
  missed: { vi: 'Chưa phát (quá hạn)', en: 'Missed' },
  rebroadcastTarget: { vi: 'Chỉ tiêu phát lại', en: 'Rebroadcast target' },
  ownProgrammes: { vi: 'Chương trình tự sản xuất', en: 'Own programmes' },
  ownProgrammeTarget: { vi: 'Chỉ tiêu tự sản xuất', en: 'Own programme target' },
  compliant: { vi: 'Đạt chỉ tiêu', en: 'Target met' },
} as const);

export type ColumnKey = keyof typeof COLUMN_LABELS;

export function heading(column: ColumnKey, locale: ReportLocale = 'vi'): string {
  return COLUMN_LABELS[column][locale];
}

/** Columns of the stations × months compliance report, in reading order. */
export const COMPLIANCE_COLUMNS = Object.freeze([
  'stationCode',
  'stationName',
  'month',
  'ownProgrammes',
  'ownProgrammeTarget',
  'scheduled',
  'aired',
  'onSchedule',
  'offSchedule',
  'partial',
  'missed',
  'rebroadcastTarget',
  'compliant',
] as const satisfies readonly ColumnKey[]);

export function complianceHeadings(locale: ReportLocale = 'vi'): string[] {
  return COMPLIANCE_COLUMNS.map((c) => heading(c, locale));
}

/** "Đạt" / "Chưa đạt": a word, not a boolean, in anything a person reads. */
export function complianceLabel(compliant: boolean, locale: ReportLocale = 'vi'): string {
  if (locale === 'vi') return compliant ? 'Đạt' : 'Chưa đạt';
  return compliant ? 'Met' : 'Not met';
}

/** The status word of a station-month: "Đạt", "Chưa đạt", "Đang diễn ra", or "—" before the station existed. */
export function monthStatusLabel(status: MonthStatus, locale: ReportLocale = 'vi'): string {
  const labels = {
    vi: { met: 'Đạt', not_met: 'Chưa đạt', in_progress: 'Đang diễn ra', upcoming: 'Chưa đến kỳ', not_active: '—' },
    en: { met: 'Met', not_met: 'Not met', in_progress: 'In progress', upcoming: 'Not yet due', not_active: '—' },
  } as const;
  return labels[locale][status];
}

/** Months shown as mm/yyyy, matching the dd/mm/yyyy dates used on screen in both languages. */
export function formatMonth(month: MonthKey): string {
  return `${month.slice(5, 7)}/${month.slice(0, 4)}`;
}

export function totalLabel(locale: ReportLocale = 'vi'): string {
  return locale === 'vi' ? 'Tổng cộng' : 'Total';
}

/** The report's name by kind: 6-month (H1/H2), yearly, or ad hoc for any other range. */
export function reportTitle(kind: PeriodPreset | 'custom', locale: ReportLocale = 'vi'): string {
  const titles = {
    vi: { month: 'Báo cáo tháng', H1: 'Báo cáo 6 tháng đầu năm', H2: 'Báo cáo 6 tháng cuối năm', year: 'Báo cáo năm', custom: 'Báo cáo đột xuất' },
    en: { month: 'Monthly report', H1: '6-month report (first half)', H2: '6-month report (second half)', year: 'Yearly report', custom: 'Ad hoc report' },
  } as const;
  return titles[locale][kind];
}

export type ReportCell = string | number;

/**
 * The report as a table: one source for CSV and XLSX, so the two exports cannot disagree. Counts stay
 * numbers (numeric spreadsheet cells); the totals line carries its label in the first column.
 */
export function complianceTable(
  rows: readonly ComplianceRow[],
  totals: ComplianceTotals,
  locale: ReportLocale = 'vi',
): { headings: string[]; rows: ReportCell[][]; totals: ReportCell[] } {
  const cell = (row: ComplianceRow, column: (typeof COMPLIANCE_COLUMNS)[number]): ReportCell => {
    switch (column) {
      case 'stationCode':
      case 'stationName':
        return row[column];
      case 'month':
        return formatMonth(row.month);
      case 'compliant':
        return monthStatusLabel(row.status, locale);
      default:
        // Before the station existed there is nothing to count, and no target: a dash, not a zero.
        return row.status === 'not_active' ? '—' : row[column];
    }
  };
  const totalCell = (column: (typeof COMPLIANCE_COLUMNS)[number]): ReportCell => {
    switch (column) {
      case 'stationCode':
        return totalLabel(locale);
      case 'stationName':
      case 'month':
        return '';
      case 'compliant':
        return `${totals.compliantRows}/${totals.rows}`;
      default:
        return totals[column];
    }
  };
  return {
    headings: complianceHeadings(locale),
    rows: rows.map((r) => COMPLIANCE_COLUMNS.map((c) => cell(r, c))),
    totals: COMPLIANCE_COLUMNS.map(totalCell),
  };
}
