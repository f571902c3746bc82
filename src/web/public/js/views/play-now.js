// Phát ngay (admin): a ready programme, the stations (or all of them), one confirmation, and it goes out as an
// emergency on every cluster of those stations. Below: recent play-now broadcasts, each with "Dừng phát",
// which stops it on every device. The API is the judge of who may do this; the page only hides what it refuses.
import { ApiError, broadcastChoices, get, post } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { fmtAt, fmtCount, fmtDuration, fmtNumber, fmtWindow } from '../format.js';
import { can } from '../session.js';
import { badge, busy, dataTable, errorPanel, errorText, field, loading, notice, pageHeading } from '../ui.js';

export const title = () => t('pn.title');

const REFRESH_PLAYING_MS = 10_000;
const REFRESH_IDLE_MS = 60_000;
/** Station names listed in a row before "…"; the count says the rest. */
const NAMES_SHOWN = 4;
const STATUS_KIND = { playing: 'bad', stopped: 'muted', ended: 'ok' };

function statusCell(p) {
  const stoppedAt = p.stoppedAt ?? p.stopped_at;
  return h(
    'div',
    { class: 'status-cell' },
    badge(STATUS_KIND[p.status] ?? 'info', p.status === 'playing' ? ['● ', t('pn.status.playing')] : t(`pn.status.${p.status}`), { dataset: { status: p.status } }),
    p.status === 'stopped' && stoppedAt ? h('span', { class: 'small muted' }, t('pn.stoppedAt', { at: fmtAt(stoppedAt) })) : null,
  );
}

/** How many stations; the list answer has the count only, a single play-now (just sent) has the stations too. */
const stationCount = (p) => p.stationCount ?? p.stations?.length ?? 0;

function stationsCell(p) {
  const list = p.stations ?? [];
  const names = list.slice(0, NAMES_SHOWN).map((s) => h('li', { dataset: { stationId: s.stationId } }, h('span', { class: 'code' }, s.code), ' ', s.name));
  return h(
    'div',
    {},
    h('strong', { dataset: { field: 'stationCount' } }, fmtCount('pn.stationsCount', stationCount(p))),
    list.length ? h('ul', { class: 'plain small' }, names, list.length > NAMES_SHOWN ? h('li', { class: 'muted' }, '…') : null) : null,
  );
}

/**
 * The form: episode, stations with "Tất cả các đài", one confirmation naming how many stations.
 * preselect: an episode to start with (a bulletin just composed).
 */
function playForm({ episodes, stations, totalStations, signal, onSent, preselect }) {
  const note = notice();
  if (episodes.length === 0) return h('p', { class: 'empty' }, t('pn.noReady'));
  if (stations.length === 0) return h('p', { class: 'empty' }, t('pn.noStations'));
  const episode = h(
    'select',
    { name: 'episodeId', required: true, class: 'input-wide' },
    h('option', { value: '' }, '—'),
    episodes.map((e) => h('option', { value: e.id, selected: e.id === preselect }, [e.title, e.series ? ` — ${e.series}` : '', ` (${fmtDuration(e.durationSec)})`].join(''))),
  );
  const all = h('input', { type: 'checkbox', name: 'all', value: 'all', dataset: { testid: 'pn-all' } });
  const boxes = stations.map((st) => h('input', { type: 'checkbox', name: 'stationIds', value: st.id }));
  const labels = stations.map((st, i) => h('label', { class: 'check', dataset: { stationId: st.id } }, boxes[i], ' ', h('span', { class: 'code' }, st.code), ' ', h('span', { class: 'station-name' }, st.name)));
  const filter = h('input', { type: 'search', name: 'filter', autocomplete: 'off', class: 'input-wide' });
  const list = h('fieldset', { class: 'station-picks plain-fieldset' }, h('legend', { class: 'visually-hidden' }, t('pn.stations')), labels);
  const filterField = stations.length > 8 ? field(t('fleet.search'), filter) : null;
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLocaleLowerCase('vi');
    stations.forEach((st, i) => (labels[i].hidden = Boolean(q) && !`${st.code} ${st.name}`.toLocaleLowerCase('vi').includes(q)));
  });
  // "All" covers every station, now and any added before it is sent: the single boxes show that and wait.
  all.addEventListener('change', () => {
    list.disabled = all.checked;
    if (filterField) filterField.hidden = all.checked;
    for (const b of boxes) b.checked = all.checked;
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-emergency' }, t('pn.submit'));

  return h(
    'form',
    {
      class: 'play-now-form',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        note.clear();
        if (!episode.value) {
          note.show('bad', t('pn.needEpisode'));
          episode.focus();
          return;
        }
        const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
        if (!all.checked && chosen.length === 0) {
          note.show('bad', t('pn.needStations'));
          all.focus();
          return;
        }
        const n = all.checked ? totalStations : chosen.length;
        if (!window.confirm(fmtCount('pn.confirm', n))) return;
        try {
          const res = await busy(submit, t('pn.sending'), () => post('/play-now', { episodeId: episode.value, stationIds: all.checked ? 'all' : chosen }, { signal }));
          const sent = res.body;
          note.show('ok', fmtCount('pn.done', stationCount(sent) || n, { title: sent.title ?? episodes.find((x) => x.id === episode.value)?.title ?? '' }));
          onSent(sent);
        } catch (err) {
          if (!signal.aborted) note.show('bad', errorText(err));
        }
      },
    },
    h('div', { class: 'span-all' }, field(t('pn.episode'), episode)),
    h(
      'fieldset',
      { class: 'span-all' },
      h('legend', {}, t('pn.stations')),
      h('label', { class: 'check check-strong' }, all, ' ', t('pn.allCount', { n: fmtNumber(totalStations) })),
      filterField,
      list,
    ),
    h('div', { class: 'actions' }, submit),
    note.el,
  );
}

export function render(ctx) {
  const { me, signal } = ctx;
  if (!can.playNow(me)) {
    return h('div', { class: 'view-play-now' }, pageHeading(t('pn.title')), errorPanel(new ApiError(403, null), { home: ctx.home }));
  }
  const formBox = h('div', {}, loading());
  const listBox = h('div', {}, loading());
  const listNote = notice();
  let timer = null;
  let seq = 0;

  async function loadList() {
    clearTimeout(timer);
    const mine = ++seq;
    let data;
    try {
      data = await get('/play-now', undefined, { signal });
    } catch (err) {
      if (!signal.aborted && mine === seq) replace(listBox, errorPanel(err, { retry: loadList, home: ctx.home }));
      return;
    }
    if (signal.aborted || mine !== seq) return;
    const items = data.items ?? [];
    const focusKey = document.activeElement?.dataset?.focusKey;
    if (items.length === 0) {
      replace(listBox, h('p', { class: 'empty' }, t('pn.none')));
    } else {
      replace(
        listBox,
        h(
          'div',
          { class: 'table-wrap' },
          dataTable({
            className: 'play-now-list',
            columns: [{ label: t('pn.col.episode') }, { label: t('pn.col.time') }, { label: t('pn.col.stations') }, { label: t('pn.col.status') }, { label: t('pn.col.action') }],
            rows: items.map((p) => ({
              attrs: { dataset: { playNowId: p.id, status: p.status } },
              cells: [h('span', { class: 'title-cell' }, p.title), fmtWindow(p.startedAt, p.endsAt), stationsCell(p), statusCell(p), p.status === 'playing' ? stopButton(p) : '—'],
            })),
          }),
        ),
      );
    }
    if (focusKey) listBox.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
    // While something plays, its end (or a stop from elsewhere) should show soon.
    timer = setTimeout(loadList, items.some((p) => p.status === 'playing') ? REFRESH_PLAYING_MS : REFRESH_IDLE_MS);
  }

  function stopButton(p) {
    const button = h('button', { type: 'button', class: 'btn btn-danger btn-small', dataset: { action: 'stop', focusKey: `stop-${p.id}` } }, t('pn.stop'));
    button.addEventListener('click', () => {
      if (!window.confirm(fmtCount('pn.stopConfirm', stationCount(p), { title: p.title }))) return;
      busy(button, t('pn.stopping'), async () => {
        try {
          const res = await post(`/play-now/${encodeURIComponent(p.id)}/stop`, {}, { signal });
          listNote.show('ok', t('pn.stoppedDone', { title: res.body?.title ?? p.title }));
        } catch (err) {
          if (!signal.aborted) listNote.show('bad', errorText(err));
        }
        loadList();
      });
    });
    return button;
  }

  async function loadForm() {
    try {
      const { episodes, stations } = await broadcastChoices(signal);
      if (signal.aborted) return;
      replace(
        formBox,
        playForm({
          episodes: episodes.items,
          stations: stations.items,
          totalStations: stations.total ?? stations.items.length,
          signal,
          onSent: () => loadList(),
          preselect: ctx.query.get('episodeId'),
        }),
      );
    } catch (err) {
      if (!signal.aborted) replace(formBox, errorPanel(err, { retry: loadForm, home: ctx.home }));
    }
  }

  signal.addEventListener('abort', () => clearTimeout(timer));
  loadForm();
  loadList();

  return h(
    'div',
    { class: 'view-play-now' },
    pageHeading(t('pn.title')),
    h('section', { class: 'panel panel-emergency', 'aria-labelledby': 'pn-form-heading' }, h('h2', { id: 'pn-form-heading' }, t('pn.form')), h('p', { class: 'hint' }, t('pn.intro')), formBox),
    h('section', { class: 'panel', 'aria-labelledby': 'pn-list-heading' }, h('h2', { id: 'pn-list-heading' }, t('pn.recent')), listNote.el, listBox),
  );
}
