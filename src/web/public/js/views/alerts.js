// Cảnh báo: what a duty officer must know — a cluster offline too long, a missed airing, a file not on a cluster
// an hour before air. Open alerts first; filter by status and kind. The API writes each alert's message in
// both languages; this page adds the kind, the place and since when.
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { localized, t } from '../i18n.js';
import { DEFAULT_TZ, fmtAt, fmtNumber, fmtSpan } from '../format.js';
import { setOpenAlerts } from '../alerts-count.js';
import { badge, dataTable, errorPanel, field, loading, pageHeading, pagerControls } from '../ui.js';

export const title = () => t('al.title');

const PAGE = 50;
const REFRESH_MS = 30_000;
export const ALERT_KINDS = ['device_offline', 'airing_missed', 'file_not_delivered'];
const STATUSES = ['open', 'resolved', 'all'];
const KIND_BADGE = { device_offline: 'bad', airing_missed: 'bad', file_not_delivered: 'warn' };

function kindBadge(kind) {
  const key = `al.kind.${kind}`;
  const text = t(key);
  return badge(KIND_BADGE[kind] ?? 'info', text === key ? kind : text, { dataset: { kind } });
}

function statusBadge(a) {
  return a.status === 'open' || !a.resolvedAt
    ? badge('bad', t('al.status.open'), { dataset: { status: 'open' } })
    : badge('ok', ['✓ ', t('al.status.resolved')], { dataset: { status: 'resolved' } });
}

function whereCell(a) {
  return h(
    'div',
    { class: 'where' },
    a.stationId
      ? h('a', { href: `#/stations/${encodeURIComponent(a.stationId)}`, class: 'station-name' }, a.stationCode ? [h('span', { class: 'code' }, a.stationCode), ' '] : null, a.stationName ?? '—')
      : null,
    a.deviceName ? h('span', { class: 'small' }, a.deviceName) : null,
  );
}

function sinceCell(a, now) {
  const tz = a.timezone ?? DEFAULT_TZ;
  return h(
    'div',
    { class: 'since' },
    h('span', {}, fmtAt(a.openedAt, tz)),
    a.resolvedAt
      ? h('span', { class: 'small muted' }, t('al.resolvedAt', { at: fmtAt(a.resolvedAt, tz) }))
      : h('span', { class: 'small' }, t('al.ago', { d: fmtSpan(now - Date.parse(a.openedAt)) })),
  );
}

/** Open before resolved, newest first within each (the API's order may differ with status=all). */
function ordered(items) {
  const open = (a) => (a.resolvedAt ? 1 : 0);
  return [...items].sort((a, b) => open(a) - open(b) || Date.parse(b.openedAt) - Date.parse(a.openedAt));
}

export function render(ctx) {
  const { signal } = ctx;
  const status = STATUSES.includes(ctx.query.get('status')) ? ctx.query.get('status') : 'open';
  const state = { status, kind: ALERT_KINDS.includes(ctx.query.get('kind')) ? ctx.query.get('kind') : '', offset: 0 };
  const body = h('div', {}, loading());
  const pager = h('div', { class: 'pager' });
  const openLine = h('p', { class: 'kpis', dataset: { testid: 'alerts-open' } });
  let timer = null;
  let seq = 0;

  async function load() {
    clearTimeout(timer);
    const mine = ++seq;
    let data;
    try {
      data = await get('/alerts', { status: state.status, kind: state.kind, limit: PAGE, offset: state.offset }, { signal });
    } catch (err) {
      if (!signal.aborted && mine === seq) replace(body, errorPanel(err, { retry: load, home: ctx.home }));
      return;
    }
    if (signal.aborted || mine !== seq) return;
    if (typeof data.open === 'number') {
      setOpenAlerts(data.open);
      replace(openLine, data.open > 0 ? badge('bad', t('al.openCount', { n: fmtNumber(data.open) })) : badge('ok', t('al.openCount', { n: fmtNumber(0) })));
    }
    const now = Date.now();
    if (data.items.length === 0) {
      replace(body, h('p', { class: 'empty' }, state.status === 'open' ? t('al.none.open') : t('al.none')));
    } else {
      replace(
        body,
        h(
          'div',
          { class: 'table-wrap' },
          dataTable({
            className: 'alerts',
            columns: [{ label: t('al.col.kind') }, { label: t('al.col.message') }, { label: t('al.col.where') }, { label: t('al.col.since') }, { label: t('al.col.status') }],
            rows: ordered(data.items).map((a) => ({
              attrs: { class: a.resolvedAt ? 'row-resolved' : 'row-open', dataset: { alertId: a.id, kind: a.kind, status: a.resolvedAt ? 'resolved' : 'open' } },
              cells: [kindBadge(a.kind), h('span', { class: 'alert-message' }, localized(a.message, a.messageEn)), whereCell(a), sinceCell(a, now), statusBadge(a)],
            })),
          }),
        ),
      );
    }
    const onPage = (o) => {
      state.offset = o;
      load();
    };
    replace(pager, ...pagerControls({ offset: state.offset, pageSize: PAGE, count: data.items.length, total: data.total, labelKey: 'al.page', onPage }));
    timer = setTimeout(load, REFRESH_MS);
  }

  const statusSelect = h(
    'select',
    {
      name: 'status',
      onchange: (e) => {
        state.status = e.target.value;
        state.offset = 0;
        load();
      },
    },
    STATUSES.map((s) => h('option', { value: s, selected: s === state.status }, t(`al.status.${s}`))),
  );
  const kindSelect = h(
    'select',
    {
      name: 'kind',
      onchange: (e) => {
        state.kind = e.target.value;
        state.offset = 0;
        load();
      },
    },
    h('option', { value: '' }, t('al.kindAll')),
    ALERT_KINDS.map((k) => h('option', { value: k, selected: k === state.kind }, t(`al.kind.${k}`))),
  );

  signal.addEventListener('abort', () => clearTimeout(timer));
  load();

  return h(
    'div',
    { class: 'view-alerts' },
    pageHeading(t('al.title')),
    h(
      'section',
      { class: 'panel', 'aria-label': t('al.title') },
      openLine,
      h('div', { class: 'inline-fields' }, field(t('al.filter'), statusSelect), field(t('al.kindFilter'), kindSelect)),
      body,
      pager,
    ),
  );
}
