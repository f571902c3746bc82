// Broadcast plans (Kế hoạch phát): create (episode × stations × airings × period × priority), see the
// allocation and any shortfall, approve (admin) and cancel.
import { broadcastChoices, get, post } from '../api.js';
import { h, replace } from '../dom.js';
import { getLang, localized, t } from '../i18n.js';
import { addDays, fmtDateTime, fmtDuration, fmtLocalDate, fmtNumber, fmtStationWindow, monthEnd, parseLocalDate, todayIn } from '../format.js';
import { can } from '../session.js';
import { badge, busy, dataTable, dateInput, errorPanel, errorText, field, loading, notice, pageHeading, planStatusBadge, priorityBadge } from '../ui.js';

export const title = () => t('plan.title');

const FIELD_LABELS = {
  episodeId: 'plan.field.episode',
  stationIds: 'plan.field.stations',
  airingsPerStation: 'plan.field.count',
  from: 'plan.field.from',
  to: 'plan.field.to',
  priority: 'plan.field.priority',
  minGapHours: 'plan.field.gap',
};

/** The API's message, naming the field it refused in the reader's words. */
function planErrorText(err) {
  const text = errorText(err);
  const f = Array.isArray(err?.details) ? err.details[0]?.field?.split('.')[0] : null;
  return f && FIELD_LABELS[f] ? `${text} (${t(FIELD_LABELS[f])})` : text;
}

function shortfallCell(st) {
  if (!st.shortfall) return badge('ok', t('plan.noShortfall'));
  const sf = st.shortfall;
  return h(
    'div',
    { class: 'shortfall', dataset: { shortfall: sf.reason } },
    badge('bad', t('plan.shortfall', { n: fmtNumber(sf.missing) })),
    ' ',
    // The API has no Vietnamese text for every shortfall yet: the English one is marked as English.
    h('span', { class: 'small', lang: getLang() === 'vi' && !sf.messageVi ? 'en' : undefined }, localized(sf.messageVi, sf.message)),
  );
}

/** A plan with its per-station allocation, and the actions the user may take on it. */
function allocationView(result, episodeTitle, me, onChanged) {
  const { plan, stations } = result;
  const note = notice();
  const actions = [];
  if (plan.status === 'draft' && can.approvePlan(me)) {
    const approve = h('button', { type: 'button', class: 'btn btn-primary', dataset: { action: 'approve' } }, t('plan.approve'));
    approve.addEventListener('click', () => {
      if (plan.priority === 'emergency' && !window.confirm(t('plan.approveConfirmEmergency'))) return;
      busy(approve, null, async () => {
        try {
          const updated = (await post(`/plans/${plan.id}/approve`)).body;
          onChanged(updated, t('plan.approved'));
        } catch (err) {
          note.show('bad', planErrorText(err));
        }
      });
    });
    actions.push(approve);
  }
  if (plan.status !== 'cancelled' && can.cancelPlan(me)) {
    const cancel = h('button', { type: 'button', class: 'btn btn-danger', dataset: { action: 'cancel' } }, t('plan.cancel'));
    cancel.addEventListener('click', () => {
      if (!window.confirm(t('plan.cancelConfirm'))) return;
      busy(cancel, null, async () => {
        try {
          const updated = (await post(`/plans/${plan.id}/cancel`)).body;
          onChanged(updated, t('plan.cancelled'));
        } catch (err) {
          note.show('bad', planErrorText(err));
        }
      });
    });
    actions.push(cancel);
  }
  return h(
    'div',
    { class: 'allocation', dataset: { planId: plan.id, status: plan.status } },
    h('h3', {}, t('plan.allocation'), ': ', episodeTitle),
    h(
      'p',
      { class: 'kpis' },
      planStatusBadge(plan.status),
      priorityBadge(plan.priority),
      h('span', { class: 'kpi' }, `${fmtLocalDate(plan.from)} – ${fmtLocalDate(plan.to)}`),
      h('span', { class: 'kpi' }, `${t('plan.col.count')}: ${fmtNumber(plan.airingsPerStation)}`),
    ),
    actions.length ? h('div', { class: 'actions' }, actions) : null,
    note.el,
    plan.priority === 'emergency' && plan.status === 'draft' ? h('p', { class: 'hint' }, t('plan.emergencyPending')) : null,
    h(
      'div',
      { class: 'table-wrap' },
      dataTable({
        className: 'allocation-table',
        columns: [
          { label: t('plan.col.code') },
          { label: t('plan.col.station') },
          { label: t('plan.col.requested'), className: 'num' },
          { label: t('plan.col.placed'), className: 'num' },
          { label: t('plan.col.shortfall') },
          { label: t('plan.col.airings') },
        ],
        rows: stations.map((st) => ({
          attrs: { dataset: { stationId: st.stationId } },
          cells: [
            h('span', { class: 'code' }, st.code),
            st.name,
            h('span', { dataset: { field: 'requested' } }, fmtNumber(st.requested)),
            h('span', { dataset: { field: 'placed' } }, fmtNumber(st.placed)),
            shortfallCell(st),
            st.airings.length
              ? h('ul', { class: 'plain' }, st.airings.map((a) => h('li', { dataset: { airingId: a.id, status: a.status } }, fmtStationWindow(a.startsAt, a.endsAt), ' ', a.status === 'cancelled' ? badge('muted', t('status.cancelled')) : null)))
              : '—',
          ],
        })),
      }),
    ),
  );
}

function createForm({ episodes, stations, onCreated, episodeId }) {
  const note = notice();
  if (episodes.length === 0) return h('p', { class: 'empty' }, t('plan.noReady'));
  const today = todayIn();
  const episode = h(
    'select',
    { name: 'episodeId', required: true, class: 'input-wide' },
    episodes.map((e) => h('option', { value: e.id }, [e.title, e.series ? ` — ${e.series}` : '', ` (${fmtDuration(e.durationSec)})`].join(''))),
  );
  // Coming from a programme's page ("Lên kế hoạch phát"): that programme is chosen.
  if (episodeId && episodes.some((e) => e.id === episodeId)) episode.value = episodeId;
  const all = h('input', { type: 'radio', name: 'scope', value: 'all', checked: true });
  const some = h('input', { type: 'radio', name: 'scope', value: 'some' });
  const boxes = stations.map((st) => h('input', { type: 'checkbox', name: 'stationIds', value: st.id }));
  const list = h(
    'div',
    { class: 'station-picks', hidden: true },
    stations.map((st, i) => h('label', { class: 'check' }, boxes[i], ' ', h('span', { class: 'code' }, st.code), ' ', st.name)),
  );
  const syncScope = () => (list.hidden = !some.checked);
  all.addEventListener('change', syncScope);
  some.addEventListener('change', syncScope);

  const count = h('input', { type: 'number', name: 'airingsPerStation', min: '1', max: '100', step: '1', value: '3', inputmode: 'numeric' });
  const from = dateInput('from', today);
  const to = dateInput('to', monthEnd(today) === today ? addDays(today, 7) : monthEnd(today));
  const priority = h('select', { name: 'priority' }, ['normal', 'priority', 'emergency'].map((p) => h('option', { value: p }, t(`priority.${p}`))));
  const gap = h('input', { type: 'number', name: 'minGapHours', min: '0', max: '744', step: '1', value: '24', inputmode: 'numeric' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('plan.submit'));

  return h(
    'form',
    {
      class: 'plan-form',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        note.clear();
        const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
        if (some.checked && chosen.length === 0) {
          note.show('bad', t('plan.needStations'));
          return;
        }
        const fromDate = parseLocalDate(from.value);
        const toDate = parseLocalDate(to.value);
        if (!fromDate || !toDate) {
          note.show('bad', t('date.invalid'));
          (fromDate ? to : from).focus();
          return;
        }
        const body = {
          episodeId: episode.value,
          stationIds: some.checked ? chosen : 'all',
          airingsPerStation: Number(count.value),
          from: fromDate,
          to: toDate,
          priority: priority.value,
        };
        // Left empty, the API's default gap applies.
        if (gap.value.trim() !== '') body.minGapHours = Number(gap.value);
        try {
          const result = await busy(submit, t('plan.creating'), () => post('/plans', body));
          note.show('ok', t('plan.created'));
          onCreated(result.body);
        } catch (err) {
          note.show('bad', planErrorText(err));
        }
      },
    },
    h(
      'div',
      { class: 'form-grid' },
      h('div', { class: 'span-all' }, field(t('plan.field.episode'), episode)),
      h(
        'fieldset',
        { class: 'span-all' },
        h('legend', {}, t('plan.field.stations')),
        h('label', { class: 'check' }, all, ' ', t('plan.allStations')),
        h('label', { class: 'check' }, some, ' ', t('plan.someStations')),
        list,
      ),
      field(t('plan.field.count'), count),
      field(t('plan.field.priority'), priority, t('plan.emergencyHint')),
      field(t('plan.field.from'), from, t('date.hint')),
      field(t('plan.field.to'), to, t('date.hint')),
      field(t('plan.field.gap'), gap),
    ),
    h('div', { class: 'actions' }, submit),
    note.el,
  );
}

export function render(ctx) {
  const { me, signal } = ctx;
  const formBox = h('div', {}, loading());
  const listBox = h('div', {}, loading());
  const detail = h('section', { class: 'panel', 'aria-labelledby': 'detail-heading', hidden: true, tabindex: '-1' });
  const listNote = notice();
  const titles = new Map();
  let status = '';

  async function titleOf(episodeId) {
    if (!titles.has(episodeId)) {
      try {
        titles.set(episodeId, (await get(`/episodes/${episodeId}`, undefined, { signal })).title);
      } catch {
        titles.set(episodeId, t('st.unknownEpisode', { id: episodeId.slice(0, 8) }));
      }
    }
    return titles.get(episodeId);
  }

  async function showDetail(result, message) {
    const episodeTitle = await titleOf(result.plan.episodeId);
    if (signal.aborted) return;
    detail.hidden = false;
    replace(
      detail,
      h('h2', { id: 'detail-heading' }, t('plan.id')),
      message ? h('p', { class: 'notice notice-ok', role: 'status' }, message) : null,
      allocationView(result, episodeTitle, me, (updated, msg) => {
        showDetail(updated, msg);
        loadList();
      }),
    );
    detail.focus();
  }

  async function loadList() {
    let data;
    try {
      data = await get('/plans', { limit: 50, status }, { signal });
    } catch (err) {
      if (!signal.aborted) replace(listBox, errorPanel(err, { retry: loadList, home: ctx.home }));
      return;
    }
    await Promise.all(data.items.map((p) => titleOf(p.episodeId)));
    if (signal.aborted) return;
    if (data.items.length === 0) return replace(listBox, h('p', { class: 'empty' }, t('plan.none')));
    replace(
      listBox,
      h(
        'div',
        { class: 'table-wrap' },
        dataTable({
          className: 'plans',
          columns: [
            { label: t('plan.col.episode') },
            { label: t('plan.col.period') },
            { label: t('plan.col.count'), className: 'num' },
            { label: t('plan.col.priority') },
            { label: t('plan.col.status') },
            { label: t('plan.col.created') },
            { label: t('plan.col.actions') },
          ],
          rows: data.items.map((p) => {
            const show = h('button', { type: 'button', class: 'btn btn-small' }, t('plan.show'));
            show.addEventListener('click', () =>
              busy(show, null, async () => {
                try {
                  await showDetail(await get(`/plans/${p.id}`, undefined, { signal }));
                } catch (err) {
                  listNote.show('bad', errorText(err));
                }
              }),
            );
            return {
              attrs: { dataset: { planId: p.id, status: p.status } },
              cells: [
                titles.get(p.episodeId),
                `${fmtLocalDate(p.from)} – ${fmtLocalDate(p.to)}`,
                fmtNumber(p.airingsPerStation),
                priorityBadge(p.priority),
                planStatusBadge(p.status),
                fmtDateTime(p.createdAt),
                show,
              ],
            };
          }),
        }),
      ),
    );
  }

  async function loadForm() {
    try {
      const { episodes, stations } = await broadcastChoices(signal);
      if (signal.aborted) return;
      replace(
        formBox,
        createForm({
          episodes: episodes.items,
          stations: stations.items,
          episodeId: ctx.query?.get('episode'),
          onCreated: (result) => {
            titles.set(result.plan.episodeId, episodes.items.find((e) => e.id === result.plan.episodeId)?.title ?? titles.get(result.plan.episodeId));
            showDetail(result);
            loadList();
          },
        }),
      );
    } catch (err) {
      if (!signal.aborted) replace(formBox, errorPanel(err, { retry: loadForm, home: ctx.home }));
    }
  }

  const filter = h(
    'select',
    {
      name: 'status',
      onchange: (e) => {
        status = e.target.value;
        loadList();
      },
    },
    h('option', { value: '' }, t('plan.filterAll')),
    ['draft', 'approved', 'cancelled'].map((s) => h('option', { value: s }, t(`status.${s}`))),
  );

  if (can.createPlan(me)) loadForm();
  loadList();

  return h(
    'div',
    { class: 'view-plans' },
    pageHeading(t('plan.title')),
    can.createPlan(me) ? h('section', { class: 'panel', 'aria-labelledby': 'create-heading' }, h('h2', { id: 'create-heading' }, t('plan.create')), formBox) : null,
    detail,
    h('section', { class: 'panel', 'aria-labelledby': 'plans-heading' }, h('h2', { id: 'plans-heading' }, t('plan.list')), h('div', { class: 'inline-fields' }, field(t('plan.filter'), filter)), listNote.el, listBox),
  );
}
