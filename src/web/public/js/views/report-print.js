// The compliance report in the usual form of a Vietnamese administrative report (Nghị định 30/2020/NĐ-CP):
// issuing unit and national motto side by side, place and date, title and period, the table, notes, recipients
// and signature block. The same page is printed from the browser (css/report-print.css) and rendered to PDF by the
// server, which waits for data-print-ready on the document.
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { getLang, t } from '../i18n.js';
import { fmtMonth, fmtNumber, todayIn } from '../format.js';
import { href } from '../router.js';
import { errorPanel, loading } from '../ui.js';

export const title = () => t('print.title');

/** The period of the address: a preset (month, half-year, year) or a custom range, as /reports/compliance takes it. */
function apiParams(query) {
  const preset = query.get('preset');
  if (preset && preset !== 'custom') return { preset, year: query.get('year'), month: preset === 'month' ? query.get('month') : undefined };
  return { from: query.get('from'), to: query.get('to') };
}

/** "ngày 02 tháng 12 năm 2026": days below 10 and months 1 and 2 take a leading zero (Nghị định 30/2020, phụ lục I). */
function placeAndDate(place, ymd) {
  const [y, m, d] = ymd.split('-');
  const month = Number(m) <= 2 ? m : String(Number(m));
  if (getLang() === 'vi') return `${place || '……………'}, ngày ${d} tháng ${month} năm ${y}`;
  return `${place || '……………'}, ${d}/${m}/${y}`;
}

const dmy = (ymd) => `${ymd.slice(8, 10)}/${ymd.slice(5, 7)}/${ymd.slice(0, 4)}`;

function statusText(status) {
  return t(`print.status.${status}`);
}

function reportTable(report) {
  const inactive = (r) => r.status === 'not_active';
  const num = (r, v) => (inactive(r) ? '—' : fmtNumber(v));
  const ratio = (r, a, b) => (inactive(r) ? '—' : `${fmtNumber(a)}/${fmtNumber(b)}`);
  const tot = report.totals;
  const cols = ['code', 'station', 'month', 'own', 'aired', 'onSchedule', 'offSchedule', 'missed', 'result'];
  return h(
    'table',
    { class: 'print-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'col-no' }, t('print.col.no')), cols.map((c) => h('th', { scope: 'col', class: `col-${c}` }, t(`print.col.${c}`))))),
    h(
      'tbody',
      {},
      report.rows.map((r, i) =>
        h(
          'tr',
          { dataset: { stationId: r.stationId, month: r.month, status: r.status } },
          h('td', { class: 'num' }, fmtNumber(i + 1)),
          h('td', { class: 'code' }, r.stationCode),
          h('td', { class: 'name' }, r.stationName),
          h('td', { class: 'num' }, fmtMonth(r.month)),
          h('td', { class: 'num' }, ratio(r, r.ownProgrammes, r.ownProgrammeTarget)),
          h('td', { class: 'num' }, ratio(r, r.aired, r.rebroadcastTarget)),
          h('td', { class: 'num' }, num(r, r.onSchedule)),
          h('td', { class: 'num' }, num(r, r.offSchedule)),
          h('td', { class: 'num' }, num(r, r.missed)),
          h('td', { class: ['result', `result-${r.status}`] }, statusText(r.status)),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'row', colspan: '4' }, t('print.total')),
        h('td', { class: 'num' }, `${fmtNumber(tot.ownProgrammes)}/${fmtNumber(tot.ownProgrammeTarget)}`),
        h('td', { class: 'num' }, `${fmtNumber(tot.aired)}/${fmtNumber(tot.rebroadcastTarget)}`),
        h('td', { class: 'num' }, fmtNumber(tot.onSchedule)),
        h('td', { class: 'num' }, fmtNumber(tot.offSchedule)),
        h('td', { class: 'num' }, fmtNumber(tot.missed)),
        h(
          'td',
          { class: 'result', dataset: { field: 'rowsMet' } },
          // Nothing judged yet (every month still running or before the stations existed): no "0/0" to misread.
          tot.rows === 0 ? statusText(tot.openRows > 0 ? 'in_progress' : 'not_active') : t('print.rowsMet', { met: fmtNumber(tot.compliantRows), rows: fmtNumber(tot.rows) }),
        ),
      ),
    ),
  );
}

function document_(report) {
  const doc = report.document;
  const lang = getLang();
  return h(
    'article',
    { class: 'print-doc', lang, dataset: { printReady: 'true' } },
    h(
      'header',
      { class: 'print-head' },
      h(
        'div',
        { class: 'print-issuer' },
        doc.issuerParent ? h('p', { class: 'issuer-parent' }, doc.issuerParent.toLocaleUpperCase('vi')) : null,
        h('p', { class: 'issuer-name', dataset: { field: 'issuer' } }, doc.issuer.toLocaleUpperCase('vi')),
        h('p', { class: 'doc-number' }, t('print.number')),
      ),
      h(
        'div',
        { class: 'print-motto' },
        h('p', { class: 'motto-nation' }, t('print.nation')),
        h('p', { class: 'motto-words' }, t('print.motto')),
        h('p', { class: 'place-date', dataset: { field: 'placeDate' } }, placeAndDate(doc.place, todayIn())),
      ),
    ),
    h(
      'div',
      { class: 'print-title' },
      h('h1', { dataset: { field: 'title' } }, t('print.heading')),
      h('p', { class: 'title-subject' }, t('print.subject')),
      h('p', { class: 'title-kind' }, report.title.split(' — ')[0]),
      h('p', { class: 'title-period', dataset: { field: 'period' } }, t('print.period', { from: dmy(report.period.from), to: dmy(report.period.to) })),
    ),
    report.rows.length === 0 ? h('p', {}, t('rep.noStations')) : reportTable(report),
    h('p', { class: 'print-notes' }, t('print.notes')),
    h(
      'footer',
      { class: 'print-foot' },
      h('div', { class: 'recipients' }, h('p', { class: 'recipients-head' }, t('print.recipients')), h('p', {}, t('print.recipientsList1')), h('p', {}, t('print.recipientsList2'))),
      h(
        'div',
        { class: 'signature' },
        h('p', { class: 'signer-title', dataset: { field: 'signerTitle' } }, doc.signerTitle.toLocaleUpperCase('vi')),
        h('p', { class: 'signer-hint' }, t('print.signHint')),
        h('div', { class: 'signature-space', 'aria-hidden': 'true' }),
        h('p', { class: 'signer-name' }, '…………………………'),
      ),
    ),
  );
}

export function render(ctx) {
  const params = apiParams(ctx.query);
  const body = h('div', { class: 'print-body' }, loading());
  const back = h('a', { class: 'btn', href: href('/reports', Object.fromEntries(ctx.query)) }, t('print.back'));
  const print = h('button', { type: 'button', class: 'btn btn-primary', onclick: () => window.print() }, t('print.print'));

  async function load() {
    let report;
    try {
      report = await get('/reports/compliance', { ...params, lang: getLang() }, { signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) return;
      replace(body, h('div', { dataset: { printError: 'true' } }, errorPanel(err, { retry: load, home: ctx.home })));
      return;
    }
    if (ctx.signal.aborted) return;
    document.title = report.title;
    replace(body, document_(report));
  }
  load();
  return h('div', { class: 'view-report-print' }, h('div', { class: 'print-actions no-print' }, back, print), body);
}
