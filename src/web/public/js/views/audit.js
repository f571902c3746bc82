// Nhật ký thao tác: who changed what, when and from where, newest first; read-only (the log cannot be edited).
// Filters by dates, person and kind of action; the same filters download as CSV.
import { download, get } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { fmtAt } from '../format.js';
import { dataTable, errorPanel, field, loading, pageHeading, pagerControls } from '../ui.js';

export const title = () => t('au.title');

const PAGE = 50;
/** Families of actions people filter by; the entries themselves carry the exact verb. */
export const AUDIT_FAMILIES = ['episode', 'plan', 'airing', 'play_now', 'station', 'device', 'area', 'user', 'session'];

function actionLabel(action) {
  const key = `au.action.${action}`;
  const text = t(key);
  return text === key ? action : text;
}

/** The changed fields, "name: A → B", one a line; JSON for anything not flat. */
function changeCell(e) {
  const show = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const before = e.before && typeof e.before === 'object' ? e.before : {};
  const after = e.after && typeof e.after === 'object' ? e.after : {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (keys.length === 0) return h('span', { class: 'muted' }, '—');
  return h(
    'ul',
    { class: 'audit-change' },
    keys.map((k) => h('li', {}, h('span', { class: 'small' }, `${k}: `), k in before ? [show(before[k]), ' → '] : null, show(after[k]))),
  );
}

export function render(ctx) {
  const { signal } = ctx;
  const state = { from: ctx.query.get('from') ?? '', to: ctx.query.get('to') ?? '', actor: ctx.query.get('actor') ?? '', action: ctx.query.get('action') ?? '', offset: 0 };
  const body = h('div', {}, loading());
  const pager = h('div', { class: 'pager' });
  const status = h('p', { class: 'small', role: 'status' });
  let seq = 0;
  const filters = () => ({ from: state.from, to: state.to, actor: state.actor.trim(), action: state.action });

  async function load() {
    const mine = ++seq;
    let data;
    try {
      data = await get('/audit', { ...filters(), limit: PAGE, offset: state.offset }, { signal });
    } catch (err) {
      if (!signal.aborted && mine === seq) replace(body, errorPanel(err, { retry: load, home: ctx.home }));
      return;
    }
    if (signal.aborted || mine !== seq) return;
    replace(
      body,
      data.items.length === 0
        ? h('p', { class: 'empty' }, t('au.none'))
        : h(
            'div',
            { class: 'table-wrap' },
            dataTable({
              className: 'audit',
              columns: [{ label: t('au.col.at') }, { label: t('au.col.actor') }, { label: t('au.col.action') }, { label: t('au.col.target') }, { label: t('au.col.change') }, { label: t('au.col.ip') }],
              rows: data.items.map((e) => ({
                attrs: { dataset: { entryId: e.id, action: e.action } },
                cells: [
                  fmtAt(e.at),
                  h('div', {}, h('span', {}, e.actorName), e.actorRole ? h('span', { class: 'small muted' }, ` (${e.actorRole})`) : null),
                  actionLabel(e.action),
                  h('span', { class: 'small' }, [e.targetType, e.targetId].filter(Boolean).join(' ')),
                  changeCell(e),
                  h('span', { class: 'small' }, e.ip ?? '—'),
                ],
              })),
            }),
          ),
    );
    const onPage = (o) => {
      state.offset = o;
      load();
    };
    replace(pager, ...pagerControls({ offset: state.offset, pageSize: PAGE, count: data.items.length, total: data.total, labelKey: 'au.page', onPage }));
  }

  const input = (name, type) =>
    h('input', {
      name,
      type,
      value: state[name],
      onchange: (e) => {
        state[name] = e.target.value;
        state.offset = 0;
        load();
      },
    });
  const actionSelect = h(
    'select',
    {
      name: 'action',
      onchange: (e) => {
        state.action = e.target.value;
        state.offset = 0;
        load();
      },
    },
    h('option', { value: '' }, t('au.actionAll')),
    AUDIT_FAMILIES.map((f) => h('option', { value: f, selected: f === state.action }, t(`au.family.${f}`))),
  );
  const csv = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      dataset: { testid: 'audit-csv' },
      onclick: async () => {
        replace(status, t('au.downloading'));
        try {
          await download('/audit.csv', filters(), 'nhat-ky-thao-tac.csv');
          replace(status);
        } catch (err) {
          replace(status, errorPanel(err));
        }
      },
    },
    t('au.csv'),
  );

  load();
  return h(
    'div',
    { class: 'view-audit' },
    pageHeading(t('au.title')),
    h(
      'section',
      { class: 'panel', 'aria-label': t('au.title') },
      h('p', { class: 'small muted' }, t('au.readOnly')),
      h('div', { class: 'inline-fields' }, field(t('au.from'), input('from', 'date')), field(t('au.to'), input('to', 'date')), field(t('au.actor'), input('actor', 'search')), field(t('au.action'), actionSelect)),
      h('div', { class: 'actions' }, csv, status),
      body,
      pager,
    ),
  );
}
