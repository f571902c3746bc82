import { stringify } from 'csv-stringify/sync';
import { neutraliseRow } from '../domain/export/spreadsheet-cell.js';
import {
  complianceTable,
  presetOf,
  reportTitle,
  type AreaSubtotal,
  type ComplianceRow,
  type ComplianceTotals,
  type Period,
  type ReportLocale,
} from '../domain/tracking/index.js';

/** Title line, e.g. "Báo cáo 6 tháng — 01/01/2026–30/06/2026". */
export function reportHeading(period: Period, locale: ReportLocale): string {
  const preset = presetOf(period);
  const dmy = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
  const title = reportTitle(preset?.preset ?? 'custom', locale);
  const named = preset?.preset === 'month' ? `${title} ${period.from.slice(5, 7)}/${period.from.slice(0, 4)}` : title;
  return `${named} — ${dmy(period.from)}–${dmy(period.to)}`;
}

/** The report table with every text cell neutralised, so names typed by people cannot run as formulas. */
function safeTable(rows: readonly ComplianceRow[], totals: ComplianceTotals, locale: ReportLocale) {
  const table = complianceTable(rows, totals, locale);
  return { headings: neutraliseRow(table.headings), rows: table.rows.map(neutraliseRow), totals: neutraliseRow(table.totals) };
}

const AREA_SECTION = { vi: 'Tổng hợp theo địa bàn', en: 'Subtotals by area' } as const;

/**
 * One subtotal line per area, in the report's own columns: code, the name indented by depth, the number of
 * stations where the month stands, then the area's totals as the totals line has them.
 */
function areaLines(areas: readonly AreaSubtotal[], locale: ReportLocale) {
  return areas.map((a) => {
    const line = complianceTable([], a.totals, locale).totals;
    line[0] = a.code ?? '';
    line[1] = `${'  '.repeat(a.depth)}${a.name}`;
    line[2] = locale === 'vi' ? `${a.stations} đài` : `${a.stations} station${a.stations === 1 ? '' : 's'}`;
    return neutraliseRow(line);
  });
}

/** One area alone (all stations still under the root, or a commune's own report) would only repeat the totals line. */
const hasTree = (areas: readonly AreaSubtotal[]) => areas.length > 1;

/** CSV with a UTF-8 BOM so spreadsheet programs read the Vietnamese headings correctly; area subtotals below. */
export function complianceCsv(rows: readonly ComplianceRow[], totals: ComplianceTotals, locale: ReportLocale, areas: readonly AreaSubtotal[] = []): string {
  const table = safeTable(rows, totals, locale);
  const section = hasTree(areas) ? [[], [AREA_SECTION[locale]], table.headings, ...areaLines(areas, locale)] : [];
  return `\uFEFF${stringify([table.headings, ...table.rows, table.totals, ...section])}`;
}

export async function complianceXlsx(rows: readonly ComplianceRow[], totals: ComplianceTotals, period: Period, locale: ReportLocale, areas: readonly AreaSubtotal[] = []): Promise<Buffer> {
  const table = safeTable(rows, totals, locale);
  // exceljs is large and only needed for this export: load it on first use.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Loa xã';
  wb.created = new Date(0); // fixed, so the same report is the same file
  const ws = wb.addWorksheet(locale === 'vi' ? 'Báo cáo' : 'Report', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.addRow([reportHeading(period, locale)]).font = { bold: true, size: 13 };
  const head = ws.addRow(table.headings);
  head.font = { bold: true };
  head.alignment = { wrapText: true, vertical: 'middle' };
  for (const r of table.rows) ws.addRow(r);
  const total = ws.addRow(table.totals);
  total.font = { bold: true };
  ws.columns.forEach((c, i) => {
    c.width = i === 1 ? 28 : 14;
  });
  ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: table.headings.length } };
  if (hasTree(areas)) {
    const wa = wb.addWorksheet(locale === 'vi' ? 'Theo địa bàn' : 'By area', { views: [{ state: 'frozen', ySplit: 2 }] });
    wa.addRow([`${AREA_SECTION[locale]} — ${reportHeading(period, locale)}`]).font = { bold: true, size: 13 };
    wa.addRow(table.headings).font = { bold: true };
    areaLines(areas, locale).forEach((line, i) => {
      const row = wa.addRow(line);
      if (areas[i]!.depth === 0) row.font = { bold: true };
    });
    wa.columns.forEach((c, i) => {
      c.width = i === 1 ? 32 : 14;
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
