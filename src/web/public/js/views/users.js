// Người dùng: the accounts the caller may manage (the API narrows the list to the caller's area). An admin adds a
// person with a login, a display name, a temporary password (changed at first sign-in), a role and an area, and
// for a commune operator a station; disables or enables an account, resets its password, or changes role or area.
import { get, post, request } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { t } from '../i18n.js';
import { badge, busy, dataTable, errorPanel, errorText, field, loading, modal, notice, pageHeading, pagerControls } from '../ui.js';
import { areaLabel, areaSelect, loadAreas } from './area-parts.js';

export const title = () => t('usr.title');

const ROLES = ['admin', 'editor', 'operator', 'viewer'];
const PAGE = 100;
const MIN_PASSWORD = 10;

const mayManage = (me) => me.role === 'admin';

function roleSelect(selected, id) {
  return h('select', { name: 'role', required: true, id }, ROLES.map((r) => h('option', { value: r, selected: r === selected }, t(`role.${r}`))));
}

function stationSelect(stations, selected, id) {
  return h(
    'select',
    { name: 'stationId', id },
    h('option', { value: '' }, t('usr.noStation')),
    stations.map((s) => h('option', { value: s.id, selected: s.id === selected, dataset: { areaId: s.areaId ?? undefined } }, `${s.name} (${s.code})`)),
  );
}

/** What the API's rules would say of a password, said before sending (the API still judges). */
function passwordHint(password, login) {
  if ([...password].length < MIN_PASSWORD) return t('usr.pwTooShort', { n: MIN_PASSWORD });
  if (login && password.trim().toLowerCase() === login.trim().toLowerCase()) return t('usr.pwSameAsLogin');
  return null;
}

export function render(ctx) {
  const { me, signal } = ctx;
  const note = notice();
  const listBox = h('div', {}, loading());
  const pager = h('div', { class: 'pager' });
  const formBox = h('div', {});
  let offset = 0;
  let areas = [];
  let stations = [];
  const areaById = () => new Map(areas.map((a) => [a.id, a]));
  const stationById = () => new Map(stations.map((s) => [s.id, s]));

  async function loadChoices() {
    [areas, stations] = await Promise.all([
      loadAreas(signal),
      get('/stations', { active: 'true', limit: 1000 }, { signal }).then((r) => r.items).catch(() => []),
    ]);
  }

  async function loadList() {
    let data;
    try {
      data = await get('/users', { limit: PAGE, offset }, { signal });
    } catch (err) {
      if (!signal.aborted) replace(listBox, errorPanel(err, { retry: loadList, home: ctx.home }));
      return;
    }
    if (signal.aborted) return;
    drawList(data);
  }

  async function load() {
    try {
      await loadChoices();
    } catch (err) {
      if (!signal.aborted) replace(listBox, errorPanel(err, { retry: load, home: ctx.home }));
      return;
    }
    if (signal.aborted) return;
    if (mayManage(me)) replace(formBox, createForm());
    await loadList();
  }

  function statusCell(u) {
    return h(
      'span',
      { class: 'user-status' },
      u.disabled ? badge('muted', t('usr.disabled'), { dataset: { status: 'disabled' } }) : badge('ok', t('usr.active'), { dataset: { status: 'active' } }),
      u.mustChangePassword ? [' ', badge('warn', t('usr.mustChange'))] : null,
    );
  }

  function drawList(data) {
    const items = data.items ?? [];
    if (items.length === 0) {
      replace(listBox, h('p', { class: 'empty' }, t('usr.none')));
      replace(pager);
      return;
    }
    const aMap = areaById();
    const sMap = stationById();
    replace(
      listBox,
      h(
        'div',
        { class: 'table-wrap' },
        dataTable({
          className: 'users',
          columns: [
            { label: t('usr.login') },
            { label: t('usr.displayName') },
            { label: t('usr.role') },
            { label: t('usr.area') },
            { label: t('usr.station') },
            { label: t('usr.status') },
            ...(mayManage(me) ? [{ label: t('st.col.action') }] : []),
          ],
          rows: items.map((u) => ({
            attrs: { dataset: { userId: u.id, login: u.login } },
            cells: [
              h('span', { class: 'code' }, u.login),
              u.displayName ?? u.name,
              h('span', { dataset: { role: u.role } }, t(`role.${u.role}`)),
              aMap.get(u.areaId) ? areaLabel(aMap.get(u.areaId)) : '—',
              u.stationId ? (sMap.get(u.stationId) ? `${sMap.get(u.stationId).name} (${sMap.get(u.stationId).code})` : u.stationId.slice(0, 8)) : '—',
              statusCell(u),
              ...(mayManage(me) ? [actionsCell(u)] : []),
            ],
          })),
        }),
      ),
    );
    const onPage = (o) => {
      offset = o;
      loadList();
    };
    replace(pager, ...pagerControls({ offset, pageSize: PAGE, count: items.length, total: data.total ?? items.length, labelKey: 'usr.page', onPage }));
  }

  async function patchUser(u, body, done) {
    note.clear();
    try {
      await request('PATCH', `/users/${encodeURIComponent(u.id)}`, { body, signal });
      note.show('ok', done);
      await loadList();
    } catch (err) {
      if (!signal.aborted) note.show('bad', errorText(err));
    }
  }

  function actionsCell(u) {
    const who = u.displayName ?? u.login;
    const self = u.id === me.id || u.login === me.login;
    const toggle = h(
      'button',
      { type: 'button', class: ['btn', 'btn-small', u.disabled ? null : 'btn-danger'], dataset: { action: u.disabled ? 'enable' : 'disable' }, disabled: self },
      u.disabled ? t('usr.enable') : t('usr.disable'),
    );
    const reset = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'reset-password' } }, t('usr.reset'));
    const edit = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'change' } }, t('usr.change'));
    toggle.addEventListener('click', () => {
      if (!u.disabled && !window.confirm(t('usr.disableConfirm', { name: who }))) return;
      busy(toggle, null, () => patchUser(u, { disabled: !u.disabled }, u.disabled ? t('usr.enabled', { name: who }) : t('usr.disabledDone', { name: who })));
    });
    reset.addEventListener('click', () => resetDialog(u));
    edit.addEventListener('click', () => changeDialog(u));
    return h('div', { class: 'actions user-actions' }, edit, reset, toggle);
  }

  function resetDialog(u) {
    const who = u.displayName ?? u.login;
    const password = h('input', { type: 'text', name: 'password', autocomplete: 'new-password', spellcheck: 'false', minlength: String(MIN_PASSWORD), required: true, class: 'input-wide', id: uid('reset-pw') });
    const problem = h('p', { class: 'error-text', role: 'alert' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('usr.resetDo'));
    const cancel = h('button', { type: 'button', class: 'btn' }, t('area.cancel'));
    const form = h(
      'form',
      {
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          const p = passwordHint(password.value, u.login);
          if (p) {
            problem.textContent = p;
            password.focus();
            return;
          }
          try {
            await busy(save, null, () => post(`/users/${encodeURIComponent(u.id)}/reset-password`, { password: password.value }, { signal }));
            dlg.close();
            note.show('ok', t('usr.resetDone', { name: who }));
            loadList();
          } catch (err) {
            if (!signal.aborted) problem.textContent = errorText(err);
          }
        },
      },
      h('p', {}, t('usr.resetIntro', { name: who })),
      field(t('usr.tempPassword'), password, t('usr.tempPasswordHint', { n: MIN_PASSWORD })),
      problem,
      h('div', { class: 'actions' }, save, cancel),
    );
    const dlg = modal({ title: t('usr.resetTitle', { name: who }), content: form, signal });
    cancel.addEventListener('click', () => dlg.close());
    password.focus();
  }

  function changeDialog(u) {
    const who = u.displayName ?? u.login;
    const role = roleSelect(u.role, uid('role'));
    const area = areaSelect({ areas, selected: u.areaId, id: uid('area') });
    const station = stationSelect(stations, u.stationId, uid('station'));
    const displayName = h('input', { type: 'text', name: 'displayName', value: u.displayName ?? '', maxlength: '100', required: true, id: uid('dn') });
    const problem = h('p', { class: 'error-text', role: 'alert' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('area.save'));
    const cancel = h('button', { type: 'button', class: 'btn' }, t('area.cancel'));
    const stationField = field(t('usr.station'), station, t('usr.stationHint'));
    const sync = () => (stationField.hidden = role.value !== 'operator');
    role.addEventListener('change', sync);
    sync();
    const form = h(
      'form',
      {
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          const body = {};
          if (displayName.value.trim() && displayName.value.trim() !== u.displayName) body.displayName = displayName.value.trim();
          if (role.value !== u.role) body.role = role.value;
          if (area.value && area.value !== u.areaId) body.areaId = area.value;
          const wantStation = role.value === 'operator' ? station.value || null : null;
          if (wantStation !== (u.stationId ?? null)) body.stationId = wantStation;
          if (Object.keys(body).length === 0) {
            dlg.close();
            return;
          }
          try {
            await busy(save, null, () => request('PATCH', `/users/${encodeURIComponent(u.id)}`, { body, signal }));
            dlg.close();
            note.show('ok', t('usr.changed', { name: who }));
            loadList();
          } catch (err) {
            if (!signal.aborted) problem.textContent = errorText(err);
          }
        },
      },
      field(t('usr.displayName'), displayName),
      field(t('usr.role'), role),
      field(t('usr.area'), area, t('usr.areaHint')),
      stationField,
      problem,
      h('div', { class: 'actions' }, save, cancel),
    );
    const dlg = modal({ title: t('usr.changeTitle', { name: who }), content: form, signal });
    cancel.addEventListener('click', () => dlg.close());
    role.focus();
  }

  function createForm() {
    const login = h('input', { type: 'text', name: 'login', maxlength: '64', required: true, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false' });
    const displayName = h('input', { type: 'text', name: 'displayName', maxlength: '100', required: true, autocomplete: 'off' });
    const password = h('input', { type: 'text', name: 'password', autocomplete: 'new-password', spellcheck: 'false', required: true });
    const role = roleSelect('viewer');
    const area = areaSelect({ areas, placeholder: t('usr.pickArea') });
    const station = stationSelect(stations, null);
    const stationField = field(t('usr.station'), station, t('usr.stationHint'));
    const pwNote = h('p', { class: 'hint', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { action: 'create-user' } }, t('usr.create'));
    const sync = () => (stationField.hidden = role.value !== 'operator');
    role.addEventListener('change', sync);
    sync();
    // An operator's station decides its area: picking one fills the area in.
    station.addEventListener('change', () => {
      const areaId = station.selectedOptions[0]?.dataset.areaId;
      if (areaId) area.value = areaId;
    });
    const updatePw = () => {
      const p = password.value ? passwordHint(password.value, login.value) : null;
      pwNote.textContent = p ?? (password.value ? t('usr.pwOk') : '');
      pwNote.className = p ? 'hint error-text' : 'hint';
    };
    password.addEventListener('input', updatePw);
    login.addEventListener('input', updatePw);
    const form = h(
      'form',
      {
        class: 'panel user-form',
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          note.clear();
          const missing = [
            !login.value.trim() ? [login, t('usr.needLogin')] : null,
            !displayName.value.trim() ? [displayName, t('usr.needDisplayName')] : null,
            passwordHint(password.value, login.value) ? [password, passwordHint(password.value, login.value)] : null,
            !area.value ? [area, t('usr.needArea')] : null,
          ].filter(Boolean);
          if (missing.length) {
            note.show('bad', missing.map(([, text]) => h('span', { class: 'small' }, text)));
            missing[0][0].focus();
            return;
          }
          const body = {
            login: login.value.trim(),
            displayName: displayName.value.trim(),
            password: password.value,
            role: role.value,
            areaId: area.value,
            ...(role.value === 'operator' && station.value ? { stationId: station.value } : {}),
          };
          try {
            const res = await busy(submit, t('usr.creating'), () => post('/users', body, { signal }));
            note.show('ok', t('usr.created', { name: res.body.displayName ?? body.displayName, login: res.body.login ?? body.login }));
            form.reset();
            sync();
            updatePw();
            offset = 0;
            await loadList();
          } catch (err) {
            if (!signal.aborted) note.show('bad', errorText(err));
          }
        },
      },
      h('h2', {}, t('usr.create')),
      h(
        'div',
        { class: 'form-grid form-grid-3' },
        field(t('usr.login'), login, t('usr.loginHint')),
        field(t('usr.displayName'), displayName),
        h('div', {}, field(t('usr.tempPassword'), password, t('usr.tempPasswordHint', { n: MIN_PASSWORD })), pwNote),
        field(t('usr.role'), role),
        field(t('usr.area'), area, t('usr.areaHint')),
        stationField,
      ),
      h('div', { class: 'actions' }, submit),
    );
    return form;
  }

  load();
  return h(
    'div',
    { class: 'view-users' },
    pageHeading(t('usr.title')),
    note.el,
    formBox,
    h('section', { class: 'panel', 'aria-labelledby': 'users-list-heading' }, h('h2', { id: 'users-list-heading' }, t('usr.list')), listBox, pager),
  );
}
