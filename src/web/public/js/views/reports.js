// Reports (Báo cáo): the stations × months compliance grid (who is behind, in colour and words),
// totals, rebroadcasts per month as a chart, and CSV/XLSX exports. Every number is the API's:
// the cells from /reports/compliance, row totals from /stats/rebroadcasts?groupBy=station,
// column totals and the chart from groupBy=month.
import { download, get } from '../api.js';
import { h, replace } from '../dom.js';
import { getLang, t } from '../i18n.js';
import { fmtMonth, fmtNumber, fmtRatio, parseLocalDate, todayIn } from '../format.js';
import { href, navigate } from '../router.js';
import { busy, complianceBadge, dateInput, errorPanel, errorText, field, loading, monthStatusBadge, notice, pageHeading } from '../ui.js';
import { barChart } from './chart.js';

export const title = () => t('rep.title');

const PRESETS = ['month', 'H1', 'H2', 'year', 'custom'];

/**
 * A station-month (or a group of them) by status: judged months as "Đạt"/"Chưa đạt"; the current month "Đang diễn
 * ra" until it ends; months before a station existed "—", as the API decides (rows[].status).
 */
const statusBadge = monthStatusBadge;

function statusClass(status, compliant) {
  if (status === 'in_progress' || status === 'upcoming') return 'cell-open';
  if (status === 'not_active') return 'cell-inactive';
  return (status ? status === 'met' : compliant) ? 'cell-ok' : 'cell-bad';
}

/** The period asked for in the address, or the current half-year. */
function periodFromQuery(query) {
  const today = todayIn();
  const year = Number(today.slice(0, 4));
  const preset = PRESETS.includes(query.get('preset')) ? query.get('preset') : Number(today.slice(5, 7)) <= 6 ? 'H1' : 'H2';
  const y = Number(query.get('year'));
  const m = Number(query.get('month'));
  return {
    preset,
    year: Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : year,
    month: Number.isInteger(m) && m >= 1 && m <= 12 ? m : Number(today.slice(5, 7)),
    from: query.get('from') ?? `${today.slice(0, 7)}-01`,
    to: query.get('to') ?? today,
  };
}

function apiParams(p) {
  if (p.preset === 'custom') return { from: p.from, to: p.to };
  return p.preset === 'month' ? { preset: 'month', year: p.year, month: p.month } : { preset: p.preset, year: p.year };
}

function periodForm(p) {
  const preset = h('select', { name: 'preset' }, PRESETS.map((k) => h('option', { value: k, selected: k === p.preset }, t(`rep.preset.${k}`))));
  const year = h('input', { type: 'number', name: 'year', min: '2000', max: '2100', step: '1', value: String(p.year), inputmode: 'numeric' });
  const from = dateInput('from', p.from);
  const to = dateInput('to', p.to);
  const month = h('select', { name: 'month' }, Array.from({ length: 12 }, (_, i) => h('option', { value: String(i + 1), selected: i + 1 === p.month }, String(i + 1).padStart(2, '0'))));
  const monthField = field(t('rep.monthOf'), month);
  const yearField = field(t('rep.year'), year);
  const rangeFields = h('div', { class: 'range-fields' }, field(t('rep.from'), from, t('date.hint')), field(t('rep.to'), to, t('date.hint')));
  const note = notice();
  const sync = () => {
    const custom = preset.value === 'custom';
    yearField.hidden = custom;
    monthField.hidden = preset.value !== 'month';
    rangeFields.hidden = !custom;
  };
  preset.addEventListener('change', sync);
  sync();
  return h(
    'form',
    {
      class: 'period-form',
      onsubmit: (e) => {
        e.preventDefault();
        note.clear();
        let q;
        if (preset.value === 'custom') {
          const f = parseLocalDate(from.value);
          const tt = parseLocalDate(to.value);
          if (!f || !tt) {
            note.show('bad', t('date.invalid'));
            (f ? to : from).focus();
            return;
          }
          if (f > tt) {
            note.show('bad', t('rep.badRange'));
            to.focus();
            return;
          }
          q = { preset: 'custom', from: f, to: tt };
        } else if (preset.value === 'month') {
          q = { preset: 'month', year: year.value, month: month.value };
        } else {
          q = { preset: preset.value, year: year.value };
        }
        navigate(href('/reports', q));
      },
    },
    h('div', { class: 'inline-fields' }, field(t('rep.preset'), preset), monthField, yearField, rangeFields, h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('rep.show')))),
    note.el,
  );
}

/** One line of a cell: "Phát lại 2/3", numbers in their own elements so they can be checked. */
function countLine(label, valueField, value, targetField, target) {
  return h(
    'span',
    { class: 'line' },
    h('span', { class: 'line-label' }, label),
    ' ',
    h('strong', { dataset: { field: valueField } }, fmtNumber(value)),
    '/',
    h('span', { dataset: { field: targetField } }, fmtNumber(target)),
  );
}

function gridCell(row) {
  return h(
    'td',
    { class: ['cell', statusClass(row.status, row.compliant)], dataset: { stationId: row.stationId, month: row.month, compliant: String(row.compliant), status: row.status } },
    h('div', { class: 'cell-head' }, statusBadge(row.status, row.compliant), row.wholeMonth ? null : h('abbr', { class: 'partial-month', title: t('rep.partialMonth') }, '*')),
    // Before the station existed there is nothing to count: the word says so, no "0/3" to misread.
    row.status === 'not_active' ? null : countLine(t('rep.aired'), 'aired', row.aired, 'rebroadcastTarget', row.rebroadcastTarget),
    row.status === 'not_active' ? null : countLine(t('rep.own'), 'ownProgrammes', row.ownProgrammes, 'ownProgrammeTarget', row.ownProgrammeTarget),
    row.missed > 0 ? h('span', { class: 'line line-missed' }, `${t('rep.missed')}: `, h('strong', { dataset: { field: 'missed' } }, fmtNumber(row.missed))) : null,
  );
}

function complianceGrid(report, byStation, byMonth) {
  const months = byMonth.rows.map((m) => m.month);
  // The API's rows, grouped by station in the API's order (by commune code).
  const stations = [];
  const seen = new Map();
  for (const row of report.rows) {
    let entry = seen.get(row.stationId);
    if (!entry) {
      entry = { id: row.stationId, code: row.stationCode, name: row.stationName, cells: new Map() };
      seen.set(row.stationId, entry);
      stations.push(entry);
    }
    entry.cells.set(row.month, row);
  }
  const stationTotals = new Map(byStation.rows.map((r) => [r.stationId, r]));
  const tot = report.totals;

  return h(
    'table',
    { class: 'grid' },
    h('caption', { class: 'visually-hidden' }, t('rep.grid')),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'sticky-col' }, t('rep.station')),
        months.map((m) => h('th', { scope: 'col', dataset: { month: m } }, fmtMonth(m))),
        h('th', { scope: 'col', class: 'total-col' }, t('rep.total')),
      ),
    ),
    h(
      'tbody',
      {},
      stations.map((st) => {
        const total = stationTotals.get(st.id);
        return h(
          'tr',
          { dataset: { stationId: st.id } },
          h('th', { scope: 'row', class: 'sticky-col' }, h('span', { class: 'code' }, st.code), ' ', h('span', { class: 'station-name' }, st.name)),
          months.map((m) => (st.cells.has(m) ? gridCell(st.cells.get(m)) : h('td', { class: 'cell' }, '—'))),
          total
            ? h(
                'td',
                { class: ['cell', 'total-col', statusClass(total.status, total.compliant)], dataset: { stationTotal: st.id, compliant: String(total.compliant), status: total.status } },
                h('div', { class: 'cell-head' }, statusBadge(total.status, total.compliant)),
                countLine(t('rep.aired'), 'aired', total.aired, 'rebroadcastTarget', total.rebroadcastTarget),
                countLine(t('rep.own'), 'ownProgrammes', total.ownProgrammes, 'ownProgrammeTarget', total.ownProgrammeTarget),
                countLine(t('rep.monthsMet'), 'monthsCompliant', total.monthsCompliant, 'months', total.months),
              )
            : h('td', { class: 'cell total-col' }, '—'),
        );
      }),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'row', class: 'sticky-col' }, t('rep.total')),
        byMonth.rows.map((m) =>
          h(
            'td',
            { class: 'cell', dataset: { monthTotal: m.month, compliant: String(m.compliant) } },
            countLine(t('rep.stationsMet'), 'stationsCompliant', m.stationsCompliant, 'stations', m.stations),
            countLine(t('rep.aired'), 'aired', m.aired, 'rebroadcastTarget', m.rebroadcastTarget),
            countLine(t('rep.own'), 'ownProgrammes', m.ownProgrammes, 'ownProgrammeTarget', m.ownProgrammeTarget),
          ),
        ),
        h(
          'td',
          { class: 'cell total-col', dataset: { grandTotal: 'true', compliant: String(tot.compliant) } },
          countLine(t('rep.rowsMet'), 'compliantRows', tot.compliantRows, 'rows', tot.rows),
          countLine(t('rep.aired'), 'aired', tot.aired, 'rebroadcastTarget', tot.rebroadcastTarget),
          countLine(t('rep.own'), 'ownProgrammes', tot.ownProgrammes, 'ownProgrammeTarget', tot.ownProgrammeTarget),
        ),
      ),
    ),
  );
}

function chartSection(byMonth, signal) {
  const rows = byMonth.rows.map((m) => ({ key: m.month, label: fmtMonth(m.month), value: m.aired, target: m.rebroadcastTarget, valueText: fmtRatio(m.aired, m.rebroadcastTarget) }));
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'chart-heading' },
    h('h2', { id: 'chart-heading' }, t('rep.chart')),
    h('p', { class: 'hint' }, t('rep.chartDesc')),
    barChart({ rows, title: t('rep.chart'), desc: t('rep.chartDesc'), valueLabel: t('rep.aired'), targetLabel: t('rep.chartTarget'), signal }),
    h(
      'details',
      { class: 'chart-data' },
      h('summary', {}, t('rep.chartData')),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'data' },
          h('thead', {}, h('tr', {}, [t('rep.month'), t('rep.aired'), t('rep.chartTarget'), t('rep.scheduled'), t('rep.missed')].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            byMonth.rows.map((m) =>
              h('tr', {}, h('th', { scope: 'row' }, fmtMonth(m.month)), [m.aired, m.rebroadcastTarget, m.scheduled, m.missed].map((n) => h('td', { class: 'num' }, fmtNumber(n)))),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The report rolled up by area (province → grouping → commune), as the API sums it; one area alone repeats the totals. */
function areaSection(areas) {
  if (!areas || areas.length < 2) return null;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'report-areas', dataset: { areas: 'true' } },
    h('h2', { id: 'report-areas' }, t('rep.areas')),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...[t('rep.area'), t('rep.areaStations'), t('rep.aired'), t('rep.own'), t('rep.rowsMet')].map((x) => h('th', { scope: 'col' }, x)))),
        h(
          'tbody',
          {},
          ...areas.map((a) =>
            h(
              'tr',
              { dataset: { areaId: a.areaId } },
              // Indented by em spaces: the page's CSP allows no inline styles.
              h('th', { scope: 'row' }, `${'\u2003'.repeat(a.depth)}${a.code ? `${a.name} (${a.code})` : a.name}`),
              h('td', {}, fmtNumber(a.stations)),
              h('td', {}, `${fmtNumber(a.totals.aired)}/${fmtNumber(a.totals.rebroadcastTarget)}`),
              h('td', {}, `${fmtNumber(a.totals.ownProgrammes)}/${fmtNumber(a.totals.ownProgrammeTarget)}`),
              h('td', {}, `${fmtNumber(a.totals.compliantRows)}/${fmtNumber(a.totals.rows)}`),
            ),
          ),
        ),
      ),
    ),
  );
}

function exportButton(label, format, period) {
  const button = h('button', { type: 'button', class: 'btn', dataset: { format } }, label);
  const note = notice();
  button.addEventListener('click', () =>
    busy(button, t('rep.exporting'), async () => {
      note.clear();
      try {
        await download('/reports/compliance', { from: period.from, to: period.to, format, lang: getLang() }, `bao-cao-${period.from}_${period.to}.${format}`);
      } catch (err) {
        note.show('bad', errorText(err));
      }
    }),
  );
  return h('span', { class: 'export' }, button, note.el);
}

export function render(ctx) {
  const { signal } = ctx;
  const p = periodFromQuery(ctx.query);
  const body = h('div', {}, loading());

  async function load() {
    const params = apiParams(p);
    let report, byStation, byMonth;
    try {
      [report, byStation, byMonth] = await Promise.all([
        get('/reports/compliance', { ...params, lang: getLang() }, { signal }),
        get('/stats/rebroadcasts', { ...params, groupBy: 'station' }, { signal }),
        get('/stats/rebroadcasts', { ...params, groupBy: 'month' }, { signal }),
      ]);
    } catch (err) {
      if (!signal.aborted) replace(body, errorPanel(err, { retry: load, home: ctx.home }));
      return;
    }
    if (signal.aborted) return;
    const tot = report.totals;
    replace(
      body,
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'report-heading' },
        h('h2', { id: 'report-heading', dataset: { field: 'title' } }, report.title),
        h(
          'p',
          { class: 'kpis', dataset: { summary: 'true' } },
          tot.rows === 0 && tot.openRows > 0 ? statusBadge('in_progress') : complianceBadge(tot.compliant),
          h('span', { class: 'kpi' }, t('rep.summary', { met: fmtNumber(tot.compliantRows), rows: fmtNumber(tot.rows) })),
          h('span', { class: 'kpi' }, t('rep.summaryAired', { aired: fmtNumber(tot.aired), target: fmtNumber(tot.rebroadcastTarget) })),
          h('span', { class: 'kpi' }, t('rep.summaryOwn', { own: fmtNumber(tot.ownProgrammes), target: fmtNumber(tot.ownProgrammeTarget) })),
        ),
        h(
          'div',
          { class: 'actions' },
          exportButton(t('rep.exportCsv'), 'csv', report.period),
          exportButton(t('rep.exportXlsx'), 'xlsx', report.period),
          exportButton(t('rep.exportPdf'), 'pdf', report.period),
          h('a', { class: 'btn', href: href('/reports/print', { ...apiParams(p), preset: p.preset }), dataset: { print: 'true' } }, t('rep.print')),
        ),
        report.rows.length === 0
          ? h('p', { class: 'empty' }, t('rep.noStations'))
          : [
              h('p', { class: 'hint' }, t('rep.legend')),
              h('p', { class: 'scroll-hint', 'aria-hidden': 'true' }, t('rep.scrollHint')),
              h('div', { class: 'grid-scroll', tabindex: '0', role: 'region', 'aria-label': t('rep.gridScroll') }, complianceGrid(report, byStation, byMonth)),
              report.rows.some((r) => !r.wholeMonth) ? h('p', { class: 'footnote' }, t('rep.partialNote')) : null,
              report.rows.some((r) => r.status !== 'met' && r.status !== 'not_met') ? h('p', { class: 'footnote' }, t('rep.openNote')) : null,
            ],
      ),
      report.rows.length === 0 ? null : areaSection(report.areas),
      report.rows.length === 0 ? null : chartSection(byMonth, signal),
    );
  }

  load();
  return h('div', { class: 'view-reports' }, pageHeading(t('rep.title')), h('section', { class: 'panel' }, h('h2', { class: 'visually-hidden' }, t('rep.period')), periodForm(p)), body);
}
