// Shared pieces of every view: headings, loading and error states, badges, notices, tables.
import { h, replace, uid } from './dom.js';
import { apiMessage, t } from './i18n.js';
import { ApiError } from './api.js';
import { fmtLocalDate, fmtNumber } from './format.js';

/** The page's main heading; focused after navigation so screen readers announce the new page. */
export function pageHeading(text) {
  return h('h1', { class: 'page-title', tabindex: '-1' }, text);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('app.loading'));
}

export function badge(kind, text, attrs = {}) {
  return h('span', { ...attrs, class: `badge badge-${kind}` }, text);
}

const EPISODE_STATUS_KIND = { processing: 'info', ready: 'ok', failed: 'bad' };
export function episodeStatusBadge(status) {
  return badge(EPISODE_STATUS_KIND[status] ?? 'info', t(`status.${status}`), { dataset: { status } });
}

const PLAN_STATUS_KIND = { draft: 'info', approved: 'ok', live: 'ok', cancelled: 'muted' };
export function planStatusBadge(status) {
  return badge(PLAN_STATUS_KIND[status] ?? 'info', t(`status.${status}`), { dataset: { status } });
}

const PRIORITY_KIND = { normal: 'muted', priority: 'warn', emergency: 'bad' };
export function priorityBadge(priority) {
  return badge(PRIORITY_KIND[priority] ?? 'muted', t(`priority.${priority}`), { dataset: { priority } });
}

/** Đạt / Chưa đạt: colour and a word (and a mark), never colour alone. */
export function complianceBadge(compliant) {
  return compliant
    ? badge('ok', ['✓ ', t('rep.met')], { dataset: { compliant: 'true' } })
    : badge('bad', ['✗ ', t('rep.notMet')], { dataset: { compliant: 'false' } });
}

/**
 * A station-month by its status (the API's rows[].status): judged months "Đạt"/"Chưa đạt"; the current month "Đang
 * diễn ra" until it ends; months before a station existed "—". Without a status, the bare verdict.
 */
export function monthStatusBadge(status, compliant) {
  if (status === 'in_progress') return badge('info', ['◔ ', t('rep.inProgress')], { dataset: { status } });
  if (status === 'upcoming') return badge('muted', t('rep.upcoming'), { dataset: { status } });
  if (status === 'not_active') return badge('muted', t('rep.notActive'), { dataset: { status } });
  return complianceBadge(status ? status === 'met' : compliant);
}

/** A polite live region for results of actions ("Đã phê duyệt…", errors). */
export function notice() {
  const el = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });
  return {
    el,
    show(kind, ...content) {
      el.className = `notice notice-${kind}`;
      el.hidden = false;
      replace(el, content);
    },
    clear() {
      el.hidden = true;
      el.replaceChildren();
    },
  };
}

/** A sentence describing an API failure for the reader, in the current language. */
export function errorText(err) {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('err.network');
    const msg = apiMessage(err);
    return msg || t('err.generic', { code: err.code });
  }
  return t('err.generic', { code: err?.name ?? 'ERROR' });
}

/**
 * What a view shows instead of data when loading failed: a clear refusal for 403 (never data),
 * "not found" for 404, and a retry for everything else.
 */
export function errorPanel(err, opts = {}) {
  if (err instanceof ApiError && err.status === 403) {
    return h(
      'section',
      { class: 'panel refusal', role: 'alert', dataset: { error: 'forbidden' } },
      h('h2', {}, t('err.forbiddenTitle')),
      h('p', {}, apiMessage(err) || t('err.forbidden')),
      opts.home ? h('p', {}, h('a', { href: opts.home }, t('err.backToMine'))) : null,
    );
  }
  if (err instanceof ApiError && err.status === 404) {
    return h('section', { class: 'panel refusal', role: 'alert', dataset: { error: 'not-found' } }, h('h2', {}, t('err.notFoundTitle')), h('p', {}, errorText(err)));
  }
  return h(
    'section',
    { class: 'panel error', role: 'alert', dataset: { error: 'failed' } },
    h('h2', {}, t('err.title')),
    h('p', {}, errorText(err)),
    opts.retry ? h('button', { type: 'button', class: 'btn', onclick: opts.retry }, t('app.retry')) : null,
  );
}

/**
 * A table that turns into labelled cards on a phone: each cell carries its column's label.
 * columns: [{label, className?}], rows: [{cells: [...], attrs?}]
 */
export function dataTable({ caption, columns, rows, className }) {
  return h(
    'table',
    { class: ['data', 'stack', className] },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.className }, c.label)))),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          row.attrs ?? {},
          row.cells.map((cell, i) => h('td', { 'data-label': columns[i]?.label, class: columns[i]?.className }, cell)),
        ),
      ),
    ),
  );
}

/** A labelled form field: label, control, optional hint (wired by aria-describedby). */
export function field(label, control, hint) {
  const id = control.id || (control.id = `f-${Math.random().toString(36).slice(2, 9)}`);
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/** Runs an async action from a button: disables it meanwhile and shows a busy label. */
export async function busy(button, busyLabel, action) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (busyLabel) button.textContent = busyLabel;
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    if (busyLabel) button.textContent = label;
  }
}

/**
 * A date typed as dd/mm/yyyy (GLOSSARY.md), the same in every browser: a native date picker would
 * show the browser's own order (mm/dd/yyyy on an English system). Read it with parseLocalDate.
 */
export function dateInput(name, isoValue) {
  return h('input', {
    type: 'text',
    name,
    value: isoValue ? fmtLocalDate(isoValue) : '',
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: 'dd/mm/yyyy',
    maxlength: '10',
    class: 'date-input',
  });
}

/**
 * Previous / "items a–b of n" / next, for a paged API list; empty when everything fits on one page.
 * onPage gets the new offset. labelKey names the counting text ("{from}–{to} of {total}").
 */
export function pagerControls({ offset, pageSize, count, total, labelKey, onPage }) {
  if (total <= pageSize) return [];
  const prev = h('button', { type: 'button', class: 'btn btn-small', disabled: offset === 0 }, t('ep.prev'));
  const next = h('button', { type: 'button', class: 'btn btn-small', disabled: offset + count >= total }, t('ep.next'));
  prev.addEventListener('click', () => onPage(Math.max(0, offset - pageSize)));
  next.addEventListener('click', () => onPage(offset + pageSize));
  const label = h('span', {}, t(labelKey, { from: fmtNumber(offset + 1), to: fmtNumber(offset + count), total: fmtNumber(total) }));
  return [prev, label, next];
}

/**
 * A modal dialog (the native <dialog>: focus is trapped and returned by the browser). Removed from the page
 * when closed or when the view goes away (signal). With dismissible false, Escape does not close it: for a
 * dialog whose content cannot be shown again (a new token), closing must be a deliberate click.
 */
export function modal({ title, content, signal, dismissible = true, className, onClose }) {
  const returnTo = document.activeElement;
  const headingId = uid('dialog-title');
  const dlg = h('dialog', { class: ['dialog', className], 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), content);
  const close = () => {
    if (dlg.open) dlg.close();
  };
  dlg.addEventListener('cancel', (e) => {
    if (!dismissible) e.preventDefault();
  });
  dlg.addEventListener('close', () => {
    dlg.remove();
    onClose?.();
    if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus();
  });
  signal?.addEventListener('abort', close);
  document.body.append(dlg);
  dlg.showModal();
  return { el: dlg, close };
}
