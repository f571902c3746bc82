// Tình trạng thiết bị (fleet view): how many loudspeaker clusters are online and offline, every cluster with
// its health (offline first, as the API sorts them, with how long), and the upcoming airings whose file is not
// on the cluster yet. Refreshes itself while shown (and paused while the tab is hidden, to spare 3G data).
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { DEFAULT_TZ, fmtAt, fmtDateTime, fmtNumber } from '../format.js';
import { dataTable, errorPanel, errorText, field, loading, pageHeading } from '../ui.js';
import { agentLine, freeDiskCell, isOnline, lastSeenText, nextAiringCell, nowPlayingCell, pendingCell, presenceCell, problemsCell } from './device-parts.js';

export const title = () => t('fleet.title');

export const REFRESH_MS = 15_000;
/** Rows drawn at first; "Hiện thêm" draws more (a province may have thousands of clusters). */
const PAGE = 100;

/** One big number; coloured only when it says something (no red for "0 offline"). */
function countCard(kind, value, label) {
  const tone = kind === 'total' || value === 0 ? 'plain' : kind;
  return h('div', { class: `count count-${tone}`, dataset: { count: kind } }, h('span', { class: 'count-value' }, fmtNumber(value)), h('span', { class: 'count-label' }, label));
}

function summaryBlock(summary) {
  return h(
    'div',
    { class: 'counts' },
    countCard('online', summary.online, t('dev.online')),
    countCard('offline', summary.offline, t('dev.offline')),
    countCard('total', summary.total, t('fleet.total')),
  );
}

function stationLink(d) {
  const label = [d.stationCode ? h('span', { class: 'code' }, d.stationCode) : null, d.stationCode ? ' ' : null, d.stationName ?? '—'];
  return d.stationId ? h('a', { href: `#/stations/${encodeURIComponent(d.stationId)}`, class: 'station-name' }, label) : h('span', {}, label);
}

function devicesTable(devices, now) {
  return dataTable({
    className: 'fleet',
    columns: [
      { label: t('dev.device') },
      { label: t('dev.state') },
      { label: t('dev.lastSeen'), className: 'nowrap' },
      { label: t('dev.nowPlaying') },
      { label: t('dev.next') },
      { label: t('dev.pending'), className: 'num' },
      { label: t('dev.freeDisk'), className: 'num' },
      { label: t('dev.lastError') },
    ],
    rows: devices.map((d) => {
      const tz = d.timezone ?? DEFAULT_TZ;
      return {
        attrs: { class: isOnline(d) ? 'row-online' : 'row-offline', dataset: { deviceId: d.id, stationId: d.stationId, online: String(isOnline(d)) } },
        cells: [
          h('div', { class: 'device-cell' }, h('span', { class: 'device-name' }, d.name), stationLink(d), agentLine(d.health)),
          presenceCell(d.health, tz, now),
          lastSeenText(d.health, tz),
          nowPlayingCell(d.health, tz),
          nextAiringCell(d.health, tz),
          pendingCell(d.health),
          freeDiskCell(d.health),
          problemsCell(d.health),
        ],
      };
    }),
  });
}

function notReadyTable(items) {
  return dataTable({
    className: 'not-ready',
    columns: [{ label: t('fleet.col.startsAt') }, { label: t('fleet.col.episode') }, { label: t('dev.station') }, { label: t('dev.device') }],
    rows: items.map((n) => ({
      attrs: { dataset: { deviceId: n.deviceId, airingId: n.airingId } },
      cells: [
        h('strong', {}, fmtAt(n.startsAt, n.timezone ?? DEFAULT_TZ)),
        h('span', { class: 'title-cell' }, n.title),
        stationLink({ stationId: n.stationId, stationCode: n.stationCode, stationName: n.stationName }),
        n.deviceName,
      ],
    })),
  });
}

function matches(d, q) {
  if (!q) return true;
  return [d.name, d.stationName, d.stationCode].some((v) => typeof v === 'string' && v.toLocaleLowerCase('vi').includes(q));
}

export function render(ctx) {
  const { signal } = ctx;
  const summaryBox = h('div', {}, loading());
  const updated = h('p', { class: 'small muted', dataset: { testid: 'fleet-updated' } });
  const stale = h('p', { class: 'notice notice-bad', role: 'alert', hidden: true });
  const notReadyBox = h('div', {});
  const listBox = h('div', {});
  let data = null;
  let shown = PAGE;
  let timer = null;
  let seq = 0;

  const search = h('input', { type: 'search', name: 'q', autocomplete: 'off', class: 'input-wide' });
  const onlyOffline = h('input', { type: 'checkbox', name: 'offline' });
  const controls = h(
    'div',
    { class: 'fleet-controls', hidden: true },
    field(t('fleet.search'), search),
    h('label', { class: 'check' }, onlyOffline, ' ', t('fleet.onlyOffline')),
  );

  function drawList() {
    if (!data) return;
    const q = search.value.trim().toLocaleLowerCase('vi');
    const all = data.devices ?? [];
    controls.hidden = all.length === 0;
    if (all.length === 0) return replace(listBox, h('p', { class: 'empty' }, t('fleet.none')));
    const picked = all.filter((d) => (!onlyOffline.checked || !isOnline(d)) && matches(d, q));
    if (picked.length === 0) return replace(listBox, h('p', { class: 'empty' }, t('fleet.noMatch')));
    const visible = picked.slice(0, shown);
    const more =
      picked.length > visible.length
        ? h(
            'button',
            {
              type: 'button',
              class: 'btn',
              dataset: { focusKey: 'fleet-more' },
              onclick: () => {
                shown += PAGE;
                drawList();
              },
            },
            t('fleet.more'),
          )
        : null;
    // Keep keyboard focus on the same control across a refresh.
    const focusKey = document.activeElement?.dataset?.focusKey;
    replace(
      listBox,
      h('div', { class: 'table-wrap wide-table' }, devicesTable(visible, Date.now())),
      picked.length > PAGE ? h('p', { class: 'small muted' }, t('fleet.shown', { shown: fmtNumber(visible.length), total: fmtNumber(picked.length) })) : null,
      more,
    );
    if (focusKey) listBox.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  function draw() {
    replace(summaryBox, summaryBlock(data.summary));
    updated.textContent = t('fleet.updated', { at: fmtDateTime(new Date()), s: fmtNumber(REFRESH_MS / 1000) });
    const notReady = data.notReady ?? [];
    replace(
      notReadyBox,
      notReady.length === 0
        ? h('p', { class: 'empty', dataset: { notReady: 0 } }, t('fleet.notReadyNone'))
        : [h('p', { class: 'hint' }, t('fleet.notReadyHint')), h('div', { class: 'table-wrap' }, notReadyTable(notReady))],
    );
    drawList();
  }

  function schedule() {
    clearTimeout(timer);
    if (!signal.aborted && !document.hidden) timer = setTimeout(load, REFRESH_MS);
  }

  async function load() {
    clearTimeout(timer);
    const mine = ++seq;
    try {
      const fresh = await get('/fleet', undefined, { signal });
      if (signal.aborted || mine !== seq) return;
      data = fresh;
      stale.hidden = true;
      draw();
    } catch (err) {
      if (signal.aborted || mine !== seq) return;
      if (!data) {
        replace(summaryBox, errorPanel(err, { retry: load, home: ctx.home }));
        return;
      }
      // A failed refresh keeps what is on screen and says it is old.
      stale.textContent = t('fleet.stale', { message: errorText(err) });
      stale.hidden = false;
    }
    schedule();
  }

  const onVisibility = () => (document.hidden ? clearTimeout(timer) : load());
  document.addEventListener('visibilitychange', onVisibility);
  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  });
  search.addEventListener('input', () => {
    shown = PAGE;
    drawList();
  });
  onlyOffline.addEventListener('change', () => {
    shown = PAGE;
    drawList();
  });
  load();

  return h(
    'div',
    { class: 'view-fleet' },
    pageHeading(t('fleet.title')),
    h('section', { class: 'panel', 'aria-labelledby': 'fleet-summary' }, h('h2', { id: 'fleet-summary', class: 'visually-hidden' }, t('fleet.summary')), summaryBox, updated, stale),
    h('section', { class: 'panel', 'aria-labelledby': 'fleet-not-ready' }, h('h2', { id: 'fleet-not-ready' }, t('fleet.notReady')), notReadyBox),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'fleet-list' },
      h('h2', { id: 'fleet-list' }, t('fleet.list')),
      h('p', { class: 'hint' }, t('fleet.listHint')),
      controls,
      listBox,
    ),
  );
}
