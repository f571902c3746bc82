// Add or change a commune station (Đài truyền thanh xã): its commune code, name, area, time zone, webhook and
// rendition, and its airtime grid (Khung giờ phát sóng). The grid editor asks the API to judge the grid as the
// person types (POST /stations/grid-check, the very rules a save applies) and shows each refused slot with its
// reason before anything is saved. Changing a station also offers deactivation and new tokens (shown once).
import { ApiError, get, post, request } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { localized, t } from '../i18n.js';
import { navigate } from '../router.js';
import { badge, busy, errorPanel, errorText, field, loading, modal, notice, pageHeading } from '../ui.js';
import { tokenDialog } from './device-parts.js';
import { areaSelect, loadAreas } from './area-parts.js';

const CHECK_DELAY_MS = 300;
const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

export const title = (ctx) => (ctx.params.id ? t('se.editTitle') : t('se.newTitle'));

/** A slot as typed: numbers where the box holds a whole number, the text itself otherwise (the API names it). */
function slotOf(row) {
  const days = WEEKDAYS.filter((d) => row.querySelector(`input[data-day="${d}"]`).checked);
  const start = row.querySelector('input[name="start"]').value.trim();
  const durationText = row.querySelector('input[name="durationMin"]').value.trim();
  const durationMin = /^\d+$/.test(durationText) ? Number(durationText) : durationText === '' ? undefined : durationText;
  return { days, start: start === '' ? undefined : start, durationMin };
}

/**
 * The airtime-grid editor: one fieldset per slot (weekdays, start, minutes). `onChange` runs on every edit;
 * `show(check)` draws the API's judgement onto the slots.
 */
function gridEditor({ grid, onChange }) {
  const list = h('div', { class: 'slot-list' });
  const rulesLine = h('p', { class: 'grid-rules hint', dataset: { testid: 'grid-rules' } });
  const summary = h('p', { class: 'grid-summary', role: 'status', 'aria-live': 'polite', dataset: { testid: 'grid-summary' } });
  const add = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'add-slot' } }, t('se.addSlot'));

  function renumber() {
    [...list.children].forEach((row, i) => {
      row.dataset.slotIndex = String(i);
      row.querySelector('legend').textContent = t('se.slotN', { n: i + 1 });
    });
  }

  function slotRow(slot = { days: [...WEEKDAYS], start: '', durationMin: 30 }) {
    const dayBoxes = WEEKDAYS.map((d) =>
      h(
        'label',
        { class: 'check day-check' },
        h('input', { type: 'checkbox', checked: (slot.days ?? []).includes(d), dataset: { day: d }, 'aria-label': t(`se.dayLong.${d}`) }),
        h('span', { 'aria-hidden': 'true' }, t(`se.day.${d}`)),
      ),
    );
    const start = h('input', { type: 'text', name: 'start', value: slot.start ?? '', inputmode: 'numeric', placeholder: 'HH:MM', maxlength: '5', autocomplete: 'off', class: 'time-input' });
    const duration = h('input', { type: 'number', name: 'durationMin', value: slot.durationMin ?? '', min: '1', max: '1440', step: '1', class: 'minutes-input' });
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { action: 'remove-slot' } }, t('se.removeSlot'));
    const state = h('span', { class: 'slot-state' });
    const problems = h('ul', { class: 'slot-problems plain' });
    const row = h(
      'fieldset',
      { class: 'slot', dataset: { state: 'unchecked' } },
      h('legend', {}, ''),
      h('div', { class: 'slot-days', role: 'group', 'aria-label': t('se.days') }, dayBoxes),
      h('div', { class: 'inline-fields' }, field(t('se.start'), start, t('se.startHint')), field(t('se.duration'), duration)),
      h('div', { class: 'slot-foot' }, state, remove),
      problems,
    );
    remove.addEventListener('click', () => {
      row.remove();
      renumber();
      onChange();
      (list.querySelector('input[name="start"]') ?? add).focus();
    });
    return row;
  }

  for (const slot of grid) list.append(slotRow(slot));
  renumber();
  add.addEventListener('click', () => {
    const row = slotRow();
    list.append(row);
    renumber();
    onChange();
    row.querySelector('input[name="start"]').focus();
  });
  list.addEventListener('input', onChange);
  list.addEventListener('change', onChange);

  return {
    el: h(
      'fieldset',
      { class: 'grid-editor', dataset: { testid: 'grid-editor' } },
      h('legend', {}, t('se.grid')),
      rulesLine,
      list,
      h('div', { class: 'actions' }, add),
      summary,
    ),
    value: () => [...list.children].map(slotOf),
    pending() {
      summary.className = 'grid-summary muted';
      summary.textContent = t('se.checking');
    },
    /** Draws the API's judgement: each slot its problems (in the current language), the summary their count. */
    show(check) {
      const r = check.rules;
      if (r) rulesLine.textContent = t('se.rules', { quiet: `${r.quietStart}–${r.quietEnd}`, max: r.maxSessionMin });
      const bySlot = new Map();
      for (const p of check.problems) bySlot.set(p.slotIndex, [...(bySlot.get(p.slotIndex) ?? []), p]);
      [...list.children].forEach((row, i) => {
        const mine = bySlot.get(i) ?? [];
        row.dataset.state = mine.length ? 'refused' : 'ok';
        row.classList.toggle('slot-refused', mine.length > 0);
        replace(row.querySelector('.slot-state'), mine.length ? badge('bad', ['✗ ', t('se.slotRefused')]) : badge('ok', ['✓ ', t('se.slotOk')]));
        replace(
          row.querySelector('.slot-problems'),
          mine.map((p) => h('li', { class: 'error-text', dataset: { rule: p.rule } }, localized(p.messageVi, p.messageEn))),
        );
      });
      const n = check.problems.length;
      summary.className = n ? 'grid-summary error-text' : 'grid-summary ok-text';
      summary.textContent = list.children.length === 0 ? t('se.gridEmpty') : n ? t('se.gridProblems', { n }) : t('se.gridOk');
    },
    /** A failed check (network, or a refused time zone): said once, the slots left as they were. */
    showError(text) {
      summary.className = 'grid-summary error-text';
      summary.textContent = text;
    },
    firstRefused: () => list.querySelector('[data-state="refused"] input'),
  };
}

/** The token and webhook secret of a new station, shown this once. */
function secretsDialog({ station, signal, onClose }) {
  const secretField = (label, value, testid) => {
    const input = h('input', { id: uid('secret'), type: 'text', readonly: true, value, class: 'token-field input-wide', spellcheck: 'false', autocomplete: 'off', dataset: { testid } });
    input.addEventListener('focus', () => input.select());
    return [h('label', { for: input.id }, label), input];
  };
  const done = h('button', { type: 'button', class: 'btn btn-primary' }, t('dev.closeToken'));
  const dlg = modal({
    title: t('se.createdTitle', { name: station.name }),
    dismissible: false,
    className: 'token-dialog',
    signal,
    onClose,
    content: [
      h('p', { class: 'notice notice-bad', role: 'alert' }, t('se.secretsOnce')),
      station.token ? secretField(t('se.stationToken'), station.token, 'station-token') : null,
      station.webhookSecret ? secretField(t('se.webhookSecret'), station.webhookSecret, 'webhook-secret') : null,
      h('div', { class: 'actions' }, done),
    ],
  });
  done.addEventListener('click', () => dlg.close());
  return dlg;
}

export function render(ctx) {
  const { signal } = ctx;
  const id = ctx.params.id ?? null;
  const body = h('div', {}, loading());
  const heading = pageHeading(id ? t('se.editTitle') : t('se.newTitle'));

  if (ctx.me.role !== 'admin') {
    replace(body, errorPanel(new ApiError(403, { message: t('se.adminOnly'), messageEn: t('se.adminOnly') }), { home: ctx.home }));
    return h('div', { class: 'view-station-edit' }, heading, body);
  }

  async function load() {
    let station = null;
    let areas;
    try {
      [areas, station] = await Promise.all([loadAreas(signal), id ? get(`/stations/${encodeURIComponent(id)}`, undefined, { signal }) : null]);
    } catch (err) {
      if (!signal.aborted) replace(body, errorPanel(err, { retry: load, home: ctx.home }));
      return;
    }
    if (signal.aborted) return;
    if (station) replace(heading, t('se.editNamed', { name: station.name }));
    replace(body, form(areas, station));
  }

  function form(areas, station) {
    const note = notice();
    const code = h('input', { type: 'text', name: 'code', value: station?.code ?? '', inputmode: 'numeric', maxlength: '5', pattern: '\\d{5}', autocomplete: 'off', required: true, readonly: Boolean(station), class: 'code-input' });
    const name = h('input', { type: 'text', name: 'name', value: station?.name ?? '', maxlength: '200', required: true, autocomplete: 'off', class: 'input-wide' });
    // A station sits in a commune (or, until filed, the root); left empty, the API files it under the commune with its code.
    const area = areaSelect({ areas, selected: station?.areaId, placeholder: station ? null : t('se.areaAuto'), required: false, only: (a) => a.kind === 'commune' || a.kind === 'root' });
    const timezone = h('input', { type: 'text', name: 'timezone', value: station?.timezone ?? DEFAULT_TIMEZONE, autocomplete: 'off', spellcheck: 'false' });
    const webhookUrl = h('input', { type: 'url', name: 'webhookUrl', value: station?.webhookUrl ?? '', autocomplete: 'off', spellcheck: 'false', class: 'input-wide', placeholder: 'https://…' });
    const rendition = h(
      'select',
      { name: 'rendition' },
      ['mp3', 'opus'].map((r) => h('option', { value: r, selected: (station?.rendition ?? 'mp3') === r }, t(`se.rendition.${r}`))),
    );
    // A commune's code is the station's: picking the commune fills it in when still empty.
    area.addEventListener('change', () => {
      const picked = area.selectedOptions[0];
      if (!station && !code.value.trim() && /^\d{5}$/.test(picked?.dataset.code ?? '')) code.value = picked.dataset.code;
    });

    let timer = null;
    let seq = 0;
    let inFlight = null;
    /** The outcome of the newest check, once it has answered: {ok} or null when the grid changed since. */
    let latest = null;
    const editor = gridEditor({ grid: station?.grid ?? [], onChange: () => schedule() });

    async function runCheck() {
      clearTimeout(timer);
      const mine = ++seq;
      inFlight?.abort();
      inFlight = new AbortController();
      const stop = () => inFlight?.abort();
      signal.addEventListener('abort', stop, { once: true });
      try {
        const res = await post('/stations/grid-check', { grid: editor.value(), timezone: timezone.value.trim() || DEFAULT_TIMEZONE }, { signal: inFlight.signal });
        if (mine !== seq) return latest;
        editor.show(res.body);
        latest = { ok: res.body.ok };
      } catch (err) {
        if (mine !== seq || err?.name === 'AbortError') return latest;
        editor.showError(errorText(err));
        latest = { ok: false, failed: true };
      } finally {
        signal.removeEventListener('abort', stop);
      }
      return latest;
    }
    function schedule() {
      latest = null;
      editor.pending();
      clearTimeout(timer);
      timer = setTimeout(runCheck, CHECK_DELAY_MS);
    }
    signal.addEventListener('abort', () => clearTimeout(timer));
    timezone.addEventListener('input', schedule);
    runCheck();

    const save = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { action: 'save-station' } }, station ? t('se.save') : t('se.create'));

    async function submit(e) {
      e.preventDefault();
      note.clear();
      const missing = [
        !station && !/^\d{5}$/.test(code.value.trim()) ? [code, t('se.needCode')] : null,
        !name.value.trim() ? [name, t('se.needName')] : null,
      ].filter(Boolean);
      if (missing.length) {
        note.show('bad', missing.map(([, text]) => h('span', { class: 'small' }, text)));
        missing[0][0].focus();
        return;
      }
      // The grid as last typed, judged before it is sent: a refused slot is fixed here, not after a round trip.
      const check = latest ?? (await runCheck());
      if (signal.aborted) return;
      if (!check?.ok) {
        note.show('bad', check?.failed ? t('se.checkFailed') : t('se.fixGrid'));
        (editor.firstRefused() ?? save).focus();
        return;
      }
      const payload = {
        name: name.value.trim(),
        ...(area.value ? { areaId: area.value } : {}),
        timezone: timezone.value.trim() || DEFAULT_TIMEZONE,
        webhookUrl: webhookUrl.value.trim() || null,
        grid: editor.value(),
        rendition: rendition.value,
      };
      try {
        if (station) {
          const res = await busy(save, t('se.saving'), () => request('PATCH', `/stations/${encodeURIComponent(station.id)}`, { body: payload, signal }));
          station = res.body;
          note.show('ok', t('se.saved', { name: station.name }));
        } else {
          const res = await busy(save, t('se.saving'), () => post('/stations', { code: code.value.trim(), ...payload }, { signal }));
          const created = res.body;
          secretsDialog({ station: created, signal, onClose: () => navigate(`#/stations/${encodeURIComponent(created.id)}`) });
        }
      } catch (err) {
        if (signal.aborted) return;
        // The save's own judgement of the grid (the rules may have changed meanwhile) lands on the slots too.
        if (err instanceof ApiError && err.code === 'GRID_RULE_VIOLATED' && Array.isArray(err.details)) {
          editor.show({ ok: false, problems: err.details });
        }
        note.show('bad', errorText(err));
      }
    }

    const facts = [
      h(
        'div',
        { class: 'form-grid form-grid-2' },
        field(t('st.col.code'), code, station ? t('se.codeFixed') : t('se.codeHint')),
        field(t('st.col.name'), name),
        field(t('se.area'), area, t('se.areaHint')),
        field(t('se.timezone'), timezone, t('se.timezoneHint')),
        field(t('se.webhook'), webhookUrl, t('se.webhookHint')),
        field(t('st.col.rendition'), rendition),
      ),
    ];
    return h(
      'div',
      {},
      h(
        'form',
        { class: 'panel station-form', novalidate: true, onsubmit: submit, dataset: { testid: 'station-form' } },
        facts,
        editor.el,
        note.el,
        h('div', { class: 'actions' }, save, h('a', { class: 'btn', href: station ? `#/stations/${encodeURIComponent(station.id)}` : '#/stations' }, t('se.cancel'))),
      ),
      station ? manageSection(station) : null,
    );
  }

  /** Deactivation and new tokens: separate from the form, each confirmed, each new secret shown once. */
  function manageSection(station) {
    const note = notice();
    const rotate = h('button', { type: 'button', class: 'btn', dataset: { action: 'rotate-token' } }, t('se.rotateToken'));
    const rotateSecret = h('button', { type: 'button', class: 'btn', dataset: { action: 'rotate-webhook-secret' } }, t('se.rotateSecret'));
    const deactivate = h('button', { type: 'button', class: 'btn btn-danger', dataset: { action: 'deactivate' }, disabled: !station.active }, t('se.deactivate'));
    const base = `/stations/${encodeURIComponent(station.id)}`;
    rotate.addEventListener('click', () => {
      if (!window.confirm(t('se.rotateConfirm', { name: station.name }))) return;
      busy(rotate, null, async () => {
        try {
          const res = await post(`${base}/rotate-token`, {}, { signal });
          tokenDialog({ name: station.name, token: res.body.token, signal });
        } catch (err) {
          if (!signal.aborted) note.show('bad', errorText(err));
        }
      });
    });
    rotateSecret.addEventListener('click', () => {
      if (!window.confirm(t('se.rotateSecretConfirm', { name: station.name }))) return;
      busy(rotateSecret, null, async () => {
        try {
          const res = await post(`${base}/rotate-webhook-secret`, {}, { signal });
          secretsDialog({ station: { name: station.name, token: undefined, webhookSecret: res.body.webhookSecret }, signal });
        } catch (err) {
          if (!signal.aborted) note.show('bad', errorText(err));
        }
      });
    });
    deactivate.addEventListener('click', () => {
      if (!window.confirm(t('se.deactivateConfirm', { name: station.name }))) return;
      busy(deactivate, null, async () => {
        try {
          await post(`${base}/deactivate`, {}, { signal });
          note.show('ok', t('se.deactivated', { name: station.name }));
          deactivate.disabled = true;
        } catch (err) {
          if (!signal.aborted) note.show('bad', errorText(err));
        }
      });
    });
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'station-manage' },
      h('h2', { id: 'station-manage' }, t('se.manage')),
      station.active ? null : h('p', {}, badge('muted', t('st.inactive'))),
      note.el,
      h('div', { class: 'actions' }, rotate, rotateSecret, deactivate),
    );
  }

  load();
  return h('div', { class: 'view-station-edit' }, h('p', { class: 'back' }, h('a', { href: id ? `#/stations/${encodeURIComponent(id)}` : '#/stations' }, id ? t('se.backStation') : t('st.back'))), heading, body);
}
