// Commune stations (Đài truyền thanh xã): code, name, last contact, how many clusters are online, last push and
// delivery state.
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { badge, dataTable, errorPanel, loading, pageHeading, pagerControls } from '../ui.js';
import { contactText, deliverySummary, pushCell } from './station-parts.js';
import { devicesSummary } from './station-devices.js';

export const title = () => t('st.title');

const PAGE = 100;
const DELIVERY_FETCHES_AT_ONCE = 4;

/** Fills each station's delivery cell, a few requests at a time. */
async function fillDeliveries(stations, cells, signal) {
  let next = 0;
  const worker = async () => {
    while (next < stations.length && !signal.aborted) {
      const i = next++;
      const st = stations[i];
      try {
        const { items } = await get(`/stations/${st.id}/deliveries`, undefined, { signal });
        replace(cells[i], deliverySummary(items, st.timezone));
      } catch {
        if (!signal.aborted) replace(cells[i], '—');
      }
    }
  };
  await Promise.all(Array.from({ length: DELIVERY_FETCHES_AT_ONCE }, worker));
}

export function render(ctx) {
  const { signal } = ctx;
  const body = h('div', {}, loading());
  const pager = h('div', { class: 'pager' });
  let offset = 0;

  async function load() {
    let data;
    try {
      data = await get('/stations', { limit: PAGE, offset }, { signal });
    } catch (err) {
      if (!signal.aborted) replace(body, errorPanel(err, { retry: load, home: ctx.home }));
      return;
    }
    if (signal.aborted) return;
    if (data.items.length === 0) {
      replace(body, h('p', { class: 'empty' }, t('st.none')));
      return;
    }
    const deliveryCells = data.items.map(() => h('span', { class: 'muted' }, '…'));
    const withDevices = data.items.some((st) => Array.isArray(st.devices));
    replace(
      body,
      h(
        'div',
        { class: 'table-wrap' },
        dataTable({
          className: 'stations',
          columns: [
            { label: t('st.col.code') },
            { label: t('st.col.name') },
            { label: t('st.col.contact') },
            ...(withDevices ? [{ label: t('dev.section') }] : []),
            { label: t('st.col.push') },
            { label: t('st.col.delivery') },
          ],
          rows: data.items.map((st, i) => ({
            attrs: { dataset: { stationId: st.id } },
            cells: [
              h('span', { class: 'code' }, st.code),
              h(
                'span',
                {},
                h('a', { href: `#/stations/${encodeURIComponent(st.id)}` }, st.name),
                st.active ? null : [' ', badge('muted', t('st.inactive'))],
              ),
              contactText(st),
              ...(withDevices ? [devicesSummary(st.devices)] : []),
              pushCell(st),
              deliveryCells[i],
            ],
          })),
        }),
      ),
    );
    const onPage = (o) => {
      offset = o;
      load();
    };
    replace(pager, ...pagerControls({ offset, pageSize: PAGE, count: data.items.length, total: data.total, labelKey: 'st.page', onPage }));
    fillDeliveries(data.items, deliveryCells, signal);
  }

  load();
  const add = ctx.me?.role === 'admin' ? h('p', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: '#/stations/new', dataset: { action: 'add-station' } }, t('st.add'))) : null;
  return h('div', { class: 'view-stations' }, pageHeading(t('st.title')), add, h('section', { class: 'panel' }, body, pager));
}
