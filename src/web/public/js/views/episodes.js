// Programmes (Chương trình): the list with status and transcoding progress (polled while any is
// processing), downloads of ready files, and the upload form for those who may upload.
import { get, saveFromLink } from '../api.js';
import { h, replace } from '../dom.js';
import { apiMessage, languageName, t } from '../i18n.js';
import { DEFAULT_TZ, fmtDateTime, fmtDuration, fmtPercent } from '../format.js';
import { can } from '../session.js';
import { busy, dataTable, episodeStatusBadge, errorPanel, errorText, loading, notice, pageHeading, pagerControls } from '../ui.js';
import { uploadForm } from './upload-form.js';

export const title = () => t('ep.title');

const PAGE = 50;
const POLL_MS = 2000;

export function downloadButton(episode, note) {
  const button = h('button', { type: 'button', class: 'btn btn-small', dataset: { focusKey: `dl-${episode.id}` } }, t('ep.downloadMp3'));
  button.addEventListener('click', () =>
    busy(button, t('ep.downloading'), async () => {
      try {
        // A link to follow, not a fetch: with external storage it points there, and the page's CSP allows no such fetch.
        // The answer names the file after the title.
        const link = await get(`/episodes/${episode.id}/renditions/mp3/link`, { use: 'download' });
        saveFromLink(link.url);
      } catch (err) {
        note?.show('bad', errorText(err));
      }
    }),
  );
  return button;
}

function statusCell(e) {
  const parts = [episodeStatusBadge(e.status)];
  if (e.status === 'processing') {
    parts.push(
      h(
        'span',
        { class: 'progress-inline' },
        h('progress', { max: '100', value: String(e.progress ?? 0), 'aria-label': t('ep.progress') }),
        h('span', { class: 'progress-text', dataset: { field: 'progress' } }, fmtPercent(e.progress ?? 0)),
      ),
    );
  }
  if (e.status === 'failed' && e.error) {
    parts.push(h('span', { class: 'error-text', dataset: { field: 'error' } }, apiMessage(e.error), ' ', h('code', {}, e.error.code)));
  }
  return h('div', { class: 'status-cell' }, parts);
}

function episodesTable(items, note, timeZone = DEFAULT_TZ) {
  return dataTable({
    className: 'episodes',
    columns: [
      { label: t('ep.col.title') },
      { label: t('ep.col.series') },
      { label: t('ep.col.language') },
      { label: t('ep.col.status') },
      { label: t('ep.col.duration'), className: 'num nowrap' },
      { label: t('ep.col.created'), className: 'nowrap' },
      { label: t('ep.col.file') },
    ],
    rows: items.map((e) => ({
      attrs: { dataset: { episodeId: e.id, status: e.status } },
      cells: [
        h('a', { class: 'title-cell', href: `#/episodes/${e.id}`, dataset: { action: 'open-episode' } }, e.title),
        e.series ?? '—',
        languageName(e.language),
        statusCell(e),
        fmtDuration(e.durationSec),
        fmtDateTime(e.createdAt, timeZone),
        e.status === 'ready' && e.renditions.some((r) => r.name === 'mp3') ? downloadButton(e, note) : '—',
      ],
    })),
  });
}

export function render(ctx) {
  const { me, signal } = ctx;
  const note = notice();
  const listBody = h('div', {}, loading());
  const pager = h('div', { class: 'pager' });
  let offset = 0;
  let timer = null;
  let seq = 0;

  async function load() {
    clearTimeout(timer);
    const mine = ++seq;
    let data;
    try {
      data = await get('/episodes', { limit: PAGE, offset }, { signal });
    } catch (err) {
      if (signal.aborted || mine !== seq) return;
      replace(listBody, errorPanel(err, { retry: load, home: ctx.home }));
      return;
    }
    // A newer load (after an upload, a page change) supersedes this one.
    if (signal.aborted || mine !== seq) return;
    // Keep keyboard focus on the same control across a refresh.
    const focusKey = document.activeElement?.dataset?.focusKey;
    if (data.items.length === 0) replace(listBody, h('p', { class: 'empty' }, t('ep.none')));
    else replace(listBody, h('div', { class: 'table-wrap' }, episodesTable(data.items, note, ctx.station?.timezone)));
    if (focusKey) listBody.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
    renderPager(data);
    if (data.items.some((e) => e.status === 'processing')) timer = setTimeout(load, POLL_MS);
  }

  function renderPager(data) {
    const onPage = (o) => {
      offset = o;
      load();
    };
    replace(pager, ...pagerControls({ offset: data.offset, pageSize: PAGE, count: data.items.length, total: data.total, labelKey: 'ep.page', onPage }));
  }


  signal.addEventListener('abort', () => clearTimeout(timer));
  load();

  return h(
    'div',
    { class: 'view-episodes' },
    pageHeading(t('ep.title')),
    can.upload(me)
      ? h('p', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: '#/bulletins/new', dataset: { action: 'compose-bulletin' } }, t('bt.compose')), h('span', { class: 'hint' }, t('bt.composeHint')))
      : null,
    can.upload(me)
      ? uploadForm({
          own: me.role === 'operator',
          onUploaded: () => {
            offset = 0;
            load();
          },
        })
      : null,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'episodes-heading' },
      h('h2', { id: 'episodes-heading' }, t('ep.listTitle')),
      note.el,
      listBody,
      pager,
    ),
  );
}
