// One programme (Chương trình): its facts, a player to listen before planning it, the download, and the way on to
// a broadcast plan. The player's source is a token-free link (presigned, or signed by the service) the page's CSP
// allows as media; an <audio> element cannot send the bearer token.
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { apiMessage, languageName, t } from '../i18n.js';
import { DEFAULT_TZ, fmtBytes, fmtDateTime, fmtDuration } from '../format.js';
import { can } from '../session.js';
import { episodeStatusBadge, errorPanel, errorText, loading, notice, pageHeading } from '../ui.js';
import { downloadButton } from './episodes.js';

export const title = () => t('ep.pageTitle');

function facts(e, timeZone) {
  const mp3 = e.renditions.find((r) => r.name === 'mp3');
  const rows = [
    [t('ep.col.series'), e.series ?? '—'],
    [t('ep.col.language'), languageName(e.language)],
    [t('ep.col.status'), episodeStatusBadge(e.status)],
    [t('ep.col.duration'), fmtDuration(e.durationSec)],
    [t('ep.col.created'), fmtDateTime(e.createdAt, timeZone)],
    mp3 ? [t('ep.fileSize'), fmtBytes(mp3.sizeBytes)] : null,
    e.description ? [t('ep.description'), e.description] : null,
  ].filter(Boolean);
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}

function player(e, signal, note) {
  const box = h('div', { class: 'player' }, loading());
  (async () => {
    try {
      const link = await get(`/episodes/${e.id}/renditions/mp3/link`, { use: 'listen' }, { signal });
      if (signal.aborted) return;
      const audio = h('audio', { controls: true, preload: 'metadata', src: link.url, 'aria-label': t('ep.listen'), dataset: { testid: 'episode-audio' } });
      audio.addEventListener('error', () => note.show('bad', t('ep.listenFailed')));
      replace(box, audio);
    } catch (err) {
      if (!signal.aborted) replace(box, h('p', { class: 'error-text' }, errorText(err)));
    }
  })();
  return box;
}

export function render(ctx) {
  const { me, signal } = ctx;
  const note = notice();
  const body = h('div', {}, loading());
  const heading = pageHeading(t('ep.pageTitle'));

  (async () => {
    let e;
    try {
      e = await get(`/episodes/${encodeURIComponent(ctx.params.id)}`, undefined, { signal });
    } catch (err) {
      if (!signal.aborted) replace(body, errorPanel(err, { home: ctx.home }));
      return;
    }
    if (signal.aborted) return;
    heading.textContent = e.title;
    document.title = `${e.title} — ${t('app.name')}`;
    const ready = e.status === 'ready' && e.renditions.some((r) => r.name === 'mp3');
    replace(
      body,
      h('section', { class: 'panel', 'aria-labelledby': 'episode-facts' }, h('h2', { id: 'episode-facts' }, t('ep.about')), facts(e, ctx.station?.timezone ?? DEFAULT_TZ)),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'episode-listen' },
        h('h2', { id: 'episode-listen' }, t('ep.listen')),
        note.el,
        ready
          ? [
              player(e, signal, note),
              h(
                'p',
                { class: 'actions' },
                downloadButton(e, note),
                can.createPlan(me) ? h('a', { class: 'btn btn-primary', href: `#/plans?episode=${encodeURIComponent(e.id)}`, dataset: { action: 'plan-episode' } }, t('ep.plan')) : null,
              ),
            ]
          : h('p', { class: 'empty' }, e.status === 'failed' && e.error ? apiMessage(e.error) : t('ep.notReady')),
      ),
    );
  })();

  return h('div', { class: 'view-episode' }, h('p', { class: 'back' }, h('a', { href: '#/episodes' }, t('ep.back'))), heading, body);
}
