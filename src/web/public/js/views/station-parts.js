// Pieces shared by the station list and a station's page: push result and delivery state.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { fmtDateTime, fmtNumber } from '../format.js';
import { badge } from '../ui.js';

export function contactText(station) {
  return station.lastContactAt ? fmtDateTime(station.lastContactAt, station.timezone) : t('st.never');
}

/** Last schedule push: its result and time, and whether the newest schedule reached the station. */
export function pushCell(station) {
  const p = station.lastPush;
  if (!p || (!p.at && !p.result)) {
    return h('span', { class: 'muted' }, station.webhookUrl ? t('st.pushNone') : t('st.pushNoWebhook'));
  }
  const ok = p.result === 'ok';
  return h(
    'div',
    { class: 'push-cell', dataset: { push: ok ? 'ok' : 'failed' } },
    badge(ok ? 'ok' : 'bad', ok ? t('st.pushOk') : t('st.pushFailed')),
    ' ',
    h('span', {}, fmtDateTime(p.at, station.timezone)),
    !ok && p.result ? h('span', { class: 'small error-text', lang: 'en' }, p.result) : null,
    !ok && p.attempts ? h('span', { class: 'small muted' }, t('st.pushAttempts', { n: fmtNumber(p.attempts) })) : null,
    p.wantedVersion
      ? h('span', { class: 'small' }, p.deliveredVersion === p.wantedVersion ? t('st.scheduleCurrent') : t('st.schedulePending'))
      : null,
  );
}

/** Delivery state from /stations/:id/deliveries: every file verified, some still incomplete, or none yet. */
export function deliverySummary(items, timeZone) {
  if (!items || items.length === 0) return h('span', { class: 'muted', dataset: { delivery: 'none' } }, t('st.deliveryNone'));
  const incomplete = items.some((d) => !d.completedAt);
  if (incomplete) return h('span', { dataset: { delivery: 'partial' } }, badge('warn', t('st.deliveryPartial')));
  // Items are newest first: the first one is the latest file the station finished.
  return h('span', { dataset: { delivery: 'complete' } }, badge('ok', t('st.delivered')), ' ', h('span', { class: 'small' }, fmtDateTime(items[0].completedAt, timeZone)));
}
