import { describe, expect, it } from 'vitest';
import {
  COMPLIANCE_COLUMNS,
  buildComplianceRows,
  complianceHeadings,
  complianceLabel,
  complianceTable,
  complianceTotals,
  formatMonth,
  heading,
  reportTitle,
} from '../../src/domain/tracking/index.js';

describe('report headings', () => {
  it('uses the glossary’s Vietnamese words by default', () => {
    const vi = complianceHeadings();
    expect(vi.slice(0, 3)).toEqual(['Mã xã', 'Tên đài', 'Tháng']);
    expect(vi).toContain('Chương trình tự sản xuất');
    expect(vi).toContain('Phát lại');
    expect(vi).toContain('Đúng lịch');
    expect(vi).toContain('Ngoài lịch');
    expect(vi).toContain('Phát chưa hết');
    expect(vi).toContain('Chưa phát (quá hạn)');
    expect(vi.filter((h) => h.startsWith('Chỉ tiêu'))).toHaveLength(2);
    expect(vi).toHaveLength(COMPLIANCE_COLUMNS.length);
  });

  it('has English as the second language', () => {
    expect(complianceHeadings('en').slice(0, 3)).toEqual(['Commune code', 'Station name', 'Month']);
    expect(heading('aired', 'en')).toBe('Rebroadcasts');
    expect(heading('aired')).toBe('Phát lại');
  });

  it('says Đạt / Chưa đạt rather than true / false', () => {
    expect(complianceLabel(true)).toBe('Đạt');
    expect(complianceLabel(false)).toBe('Chưa đạt');
    expect(complianceLabel(false, 'en')).toBe('Not met');
  });

  it('names reports by period kind and months as mm/yyyy', () => {
    expect(reportTitle('H1')).toBe('Báo cáo 6 tháng đầu năm');
    expect(reportTitle('year')).toBe('Báo cáo năm');
    expect(reportTitle('custom')).toBe('Báo cáo đột xuất');
    expect(formatMonth('2027-01')).toBe('01/2027');
  });
});

describe('complianceTable', () => {
  it('lays rows and a totals line under the headings, counts kept numeric', () => {
    const rows = buildComplianceRows({
      stations: [{ id: 's', code: '20101', name: 'Đài truyền thanh xã Tân An', timezone: 'Asia/Ho_Chi_Minh' }],
      period: { from: '2026-01-01', to: '2026-02-28' },
      activity: [{ stationId: 's', month: '2026-01', episodeId: 'e', scheduled: 4, aired: 3, onSchedule: 3, offSchedule: 0, partial: 0, missed: 1 }],
      ownProgrammes: [{ stationId: 's', month: '2026-01', ownProgrammes: 1 }],
    });
    const table = complianceTable(rows, complianceTotals(rows));
    expect(table.headings).toEqual(complianceHeadings('vi'));
    expect(table.rows[0]).toEqual(['20101', 'Đài truyền thanh xã Tân An', '01/2026', 1, 1, 4, 3, 3, 0, 0, 1, 3, 'Đạt']);
    expect(table.rows[1]?.at(-1)).toBe('Chưa đạt');
    expect(table.totals).toEqual(['Tổng cộng', '', '', 1, 2, 4, 3, 3, 0, 0, 1, 6, '1/2']);
    expect(complianceTable(rows, complianceTotals(rows), 'en').totals[0]).toBe('Total');
  });
});
