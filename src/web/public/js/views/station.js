// One station's page; for an operator, "Đài của tôi": its upcoming and past airings, downloads,
// "Đánh dấu đã phát" on past airings (with each cluster's outcome), this month's targets, the station's
// loudspeaker clusters (Cụm loa) with their health, and the files the station received.
// Another station's page answers 403 from the API and shows a refusal, never data.
import { get, post } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { addDays, fmtBytes, fmtDateTime, fmtMonth, fmtNumber, fmtRatio, fmtWindow, monthEnd, todayIn } from '../format.js';
import { can } from '../session.js';
import { badge, dataTable, errorPanel, errorText, loading, monthStatusBadge, notice, pageHeading, priorityBadge } from '../ui.js';
import { downloadButton } from './episodes.js';
import { contactText, deliverySummary, pushCell } from './station-parts.js';
import { outcomesCell } from './device-parts.js';
import { devicesSection, devicesSummary } from './station-devices.js';

const PAST_DAYS = 30;
const AHEAD_DAYS = 14;

export const title = (ctx) => (ctx.me?.role === 'operator' && ctx.params.id === ctx.me.stationId ? t('nav.myStation') : t('st.title'));

/** Titles of the episodes on this page, fetched once each (a few at a time). */
async function episodesById(ids, signal) {
  const out = new Map();
  const list = [...new Set(ids)];
  let next = 0;
  const worker = async () => {
    while (next < list.length && !signal.aborted) {
      const id = list[next++];
      try {
        out.set(id, await get(`/episodes/${id}`, undefined, { signal }));
      } catch {
        out.set(id, null);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out;
}

function episodeLabel(episodes, id) {
  const e = episodes.get(id);
  return e ? e.title : t('st.unknownEpisode', { id: id.slice(0, 8) });
}

function fileCell(episodes, id, note) {
  const e = episodes.get(id);
  return e && e.status === 'ready' ? downloadButton(e, note) : '—';
}

function markAiredButton(airing, onDone) {
  const cell = h('div', { class: 'mark-cell' });
  const button = h('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { airingId: airing.id, focusKey: `aired-${airing.id}` } }, t('st.markAired'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = t('st.marking');
    try {
      // Already on record (an earlier mark, or the device's own report) is done, not a failure.
      const res = await post(`/airings/${airing.id}/aired`, {}).catch((err) => {
        if (err?.code === 'ALREADY_RECORDED') return { status: 409 };
        throw err;
      });
      const fresh = res.status === 201 || res.body?.status === 'accepted';
      const done = badge('ok', ['✓ ', fresh ? t('st.markedNew') : t('st.markedDup')], { role: 'status', dataset: { marked: fresh ? 'accepted' : 'duplicate' } });
      done.classList.add('badge-wrap');
      replace(cell, done);
      onDone();
    } catch (err) {
      button.disabled = false;
      button.textContent = t('st.markAired');
      replace(cell, button, h('p', { class: 'error-text', role: 'alert' }, t('st.markFailed', { message: errorText(err) })));
    }
  });
  cell.append(button);
  return cell;
}

function monthBlock(row, month) {
  if (!row) return null;
  return h(
    'div',
    { class: 'month-block', dataset: { month } },
    h('h3', {}, t('st.thisMonth', { month: fmtMonth(month) })),
    h(
      'p',
      { class: 'kpis' },
      monthStatusBadge(row.status, row.compliant),
      h('span', { class: 'kpi' }, `${t('rep.aired')}: `, h('strong', { dataset: { field: 'aired' } }, fmtRatio(row.aired, row.rebroadcastTarget))),
      h('span', { class: 'kpi' }, `${t('rep.own')}: `, h('strong', { dataset: { field: 'ownProgrammes' } }, fmtRatio(row.ownProgrammes, row.ownProgrammeTarget))),
      row.missed > 0 ? h('span', { class: 'kpi' }, `${t('rep.missed')}: `, h('strong', { dataset: { field: 'missed' } }, fmtNumber(row.missed))) : null,
    ),
  );
}

export function render(ctx) {
  const { me, signal } = ctx;
  const id = ctx.params.id;
  const heading = pageHeading(t('st.title'));
  const body = h('div', {}, loading());
  const back = me.role !== 'operator' ? h('p', { class: 'back' }, h('a', { href: '#/stations' }, t('st.back'))) : null;

  async function load() {
    let station;
    try {
      station = await get(`/stations/${encodeURIComponent(id)}`, undefined, { signal });
    } catch (err) {
      // 403 for another station's page: the refusal replaces everything; nothing else is fetched.
      if (!signal.aborted) replace(body, errorPanel(err, { retry: load, home: me.role === 'operator' ? ctx.home : null }));
      return;
    }
    if (signal.aborted) return;
    const tz = station.timezone;
    const today = todayIn(tz);
    const month = today.slice(0, 7);
    const note = notice();
    const monthBox = h('div', {});

    const loadMonth = async () => {
      try {
        const stats = await get('/stats/rebroadcasts', { from: `${month}-01`, to: monthEnd(today), groupBy: 'station' }, { signal });
        replace(monthBox, monthBlock(stats.rows.find((r) => r.stationId === station.id), month));
      } catch (err) {
        if (!signal.aborted) replace(monthBox, h('p', { class: 'error-text' }, errorText(err)));
      }
    };

    let airings;
    let deliveries;
    try {
      [airings, deliveries] = await Promise.all([
        get(`/stations/${station.id}/airings`, { from: addDays(today, -PAST_DAYS), to: addDays(today, AHEAD_DAYS) }, { signal }),
        get(`/stations/${station.id}/deliveries`, undefined, { signal }),
        loadMonth(),
      ]);
    } catch (err) {
      if (!signal.aborted) replace(body, errorPanel(err, { retry: load, home: ctx.home }));
      return;
    }
    const episodes = await episodesById([...airings.items.map((a) => a.episodeId), ...deliveries.items.map((d) => d.episodeId)], signal);
    if (signal.aborted) return;

    replace(heading, station.name);
    const now = Date.now();
    const upcoming = airings.items.filter((a) => Date.parse(a.startsAt) > now);
    const past = airings.items.filter((a) => Date.parse(a.startsAt) <= now).reverse();
    const mayMark = can.markAired(me);
    // Per-device outcomes arrive with the airings once the API has devices; older answers have none.
    const perDevice = past.some((a) => Array.isArray(a.devices));
    const devicesFact = h('dd', {}, devicesSummary(station.devices));

    const airingColumns = [{ label: t('st.col.time') }, { label: t('st.col.episode') }, { label: t('st.col.priority') }, { label: t('ep.col.file') }];

    replace(
      body,
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'station-info' },
        h('h2', { id: 'station-info', class: 'visually-hidden' }, t('st.details')),
        h(
          'dl',
          { class: 'facts' },
          h('div', {}, h('dt', {}, t('st.col.code')), h('dd', { class: 'code' }, station.code)),
          h('div', {}, h('dt', {}, t('st.col.contact')), h('dd', {}, contactText(station))),
          h('div', {}, h('dt', {}, t('st.col.push')), h('dd', {}, pushCell(station))),
          h('div', {}, h('dt', {}, t('st.col.delivery')), h('dd', {}, deliverySummary(deliveries.items, tz))),
          Array.isArray(station.devices) ? h('div', {}, h('dt', {}, t('dev.section')), devicesFact) : null,
        ),
        h('p', { class: 'small muted' }, t('st.timezone', { tz })),
        me.role === 'admin' ? h('p', { class: 'actions' }, h('a', { class: 'btn', href: `#/stations/${encodeURIComponent(station.id)}/edit`, dataset: { action: 'edit-station' } }, t('st.edit'))) : null,
        monthBox,
      ),
      note.el,
      Array.isArray(station.devices) ? devicesSection({ station, me, signal, onDevices: (list) => replace(devicesFact, devicesSummary(list)) }) : null,
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'upcoming-heading' },
        h('h2', { id: 'upcoming-heading' }, t('st.upcoming')),
        upcoming.length === 0
          ? h('p', { class: 'empty' }, t('st.upcomingNone', { days: fmtNumber(AHEAD_DAYS) }))
          : h(
              'div',
              { class: 'table-wrap' },
              dataTable({
                className: 'airings upcoming',
                columns: airingColumns,
                rows: upcoming.map((a) => ({
                  attrs: { dataset: { airingId: a.id } },
                  cells: [fmtWindow(a.startsAt, a.endsAt, tz), episodeLabel(episodes, a.episodeId), priorityBadge(a.priority), fileCell(episodes, a.episodeId, note)],
                })),
              }),
            ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'past-heading' },
        h('h2', { id: 'past-heading' }, t('st.past')),
        past.length === 0
          ? h('p', { class: 'empty' }, t('st.pastNone', { days: fmtNumber(PAST_DAYS) }))
          : h(
              'div',
              { class: 'table-wrap' },
              dataTable({
                className: 'airings past',
                columns: [...airingColumns, ...(perDevice ? [{ label: t('st.col.devices') }] : []), ...(mayMark ? [{ label: t('st.col.action') }] : [])],
                rows: past.map((a) => ({
                  attrs: { dataset: { airingId: a.id } },
                  cells: [
                    fmtWindow(a.startsAt, a.endsAt, tz),
                    episodeLabel(episodes, a.episodeId),
                    priorityBadge(a.priority),
                    fileCell(episodes, a.episodeId, note),
                    ...(perDevice ? [outcomesCell(a.devices)] : []),
                    ...(mayMark ? [markAiredButton(a, loadMonth)] : []),
                  ],
                })),
              }),
            ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'deliveries-heading' },
        h('h2', { id: 'deliveries-heading' }, t('st.deliveries')),
        deliveries.items.length === 0
          ? h('p', { class: 'empty' }, t('st.deliveriesNone'))
          : h(
              'div',
              { class: 'table-wrap' },
              dataTable({
                className: 'deliveries',
                columns: [{ label: t('st.col.episode') }, { label: t('st.col.rendition') }, { label: t('st.col.size'), className: 'num' }, { label: t('st.col.state') }],
                rows: deliveries.items.map((d) => ({
                  attrs: { dataset: { episodeId: d.episodeId, rendition: d.rendition } },
                  cells: [
                    episodeLabel(episodes, d.episodeId),
                    d.rendition.toUpperCase(),
                    fmtBytes(d.sizeBytes),
                    d.completedAt
                      ? h('span', {}, badge('ok', t('st.delivered')), ' ', fmtDateTime(d.completedAt, tz))
                      : badge('warn', t('st.deliveryPartial')),
                  ],
                })),
              }),
            ),
      ),
    );
  }

  load();
  return h('div', { class: 'view-station', dataset: { stationId: id } }, back, heading, body);
}
