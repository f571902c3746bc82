// A station's "Cụm loa" section: its devices (as cards) with their health, refreshed while the page is shown; for an admin,
// add (the new token shown once), rename, issue a new token and revoke. Revoked devices stay listed apart:
// their plays and history remain theirs.
import { get, post, request } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { t } from '../i18n.js';
import { fmtAt, fmtNumber } from '../format.js';
import { can } from '../session.js';
import { badge, busy, errorText, field, notice } from '../ui.js';
import { agentLine, freeDiskCell, isOnline, lastSeenText, nextAiringCell, nowPlayingCell, pendingCell, presenceCell, problemsCell, tokenDialog } from './device-parts.js';

const REFRESH_MS = 15_000;

/** "1/2 đang kết nối" for the station's facts. */
export function devicesSummary(devices) {
  const active = (devices ?? []).filter((d) => !d.revokedAt);
  if (active.length === 0) return h('span', { class: 'muted' }, t('dev.none'));
  const online = active.filter(isOnline).length;
  return h(
    'span',
    { dataset: { devicesOnline: online, devicesTotal: active.length } },
    badge(online === active.length ? 'ok' : 'bad', `${fmtNumber(online)}/${fmtNumber(active.length)}`),
    ' ',
    t('dev.online').toLocaleLowerCase(),
  );
}

export function devicesSection({ station, me, signal, onDevices }) {
  const tz = station.timezone;
  const manage = can.manageDevices(me);
  const note = notice();
  const listBox = h('div', {});
  let devices = station.devices ?? [];
  let timer = null;
  /** While a rename is being typed or a token shown, the list is not redrawn under the user's hands. */
  let holds = 0;

  const base = `/stations/${encodeURIComponent(station.id)}/devices`;

  async function refresh() {
    clearTimeout(timer);
    try {
      const fresh = await get(`/stations/${encodeURIComponent(station.id)}`, undefined, { signal });
      if (signal.aborted) return;
      devices = fresh.devices ?? [];
      onDevices?.(devices);
      if (holds === 0) draw();
    } catch (err) {
      if (!signal.aborted) note.show('bad', errorText(err));
    }
    if (!signal.aborted) timer = setTimeout(tick, REFRESH_MS);
  }
  const tick = () => (document.hidden || holds > 0 ? (timer = setTimeout(tick, REFRESH_MS)) : refresh());
  signal.addEventListener('abort', () => clearTimeout(timer));

  function showToken(name, token) {
    holds++;
    tokenDialog({
      name,
      token,
      signal,
      onClose: () => {
        holds--;
        draw();
      },
    });
  }

  function renameForm(d, nameCell) {
    holds++;
    const input = h('input', { type: 'text', name: 'name', value: d.name, maxlength: '100', required: true, id: uid('rename') });
    const save = h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, t('dev.save'));
    const cancel = h('button', { type: 'button', class: 'btn btn-small' }, t('dev.cancel'));
    const done = () => {
      holds--;
      draw();
    };
    cancel.addEventListener('click', done);
    const form = h(
      'form',
      {
        class: 'rename-form',
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          const name = input.value.trim();
          if (!name) {
            note.show('bad', t('dev.needName'));
            input.focus();
            return;
          }
          try {
            await busy(save, null, () => request('PATCH', `${base}/${encodeURIComponent(d.id)}`, { body: { name }, signal }));
            note.show('ok', t('dev.renamed', { name }));
            holds--;
            await refresh();
          } catch (err) {
            if (!signal.aborted) note.show('bad', errorText(err));
          }
        },
      },
      h('label', { for: input.id, class: 'visually-hidden' }, t('dev.renameLabel', { name: d.name })),
      input,
      h('span', { class: 'actions' }, save, cancel),
    );
    replace(nameCell, form);
    input.focus();
    input.select();
  }

  function actionsCell(d, nameCell) {
    const rename = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'rename' } }, t('dev.rename'));
    const rotate = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'rotate' } }, t('dev.rotate'));
    const revoke = h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { action: 'revoke' } }, t('dev.revoke'));
    rename.addEventListener('click', () => renameForm(d, nameCell));
    rotate.addEventListener('click', () => {
      if (!window.confirm(t('dev.rotateConfirm', { name: d.name }))) return;
      busy(rotate, null, async () => {
        try {
          const res = await post(`${base}/${encodeURIComponent(d.id)}/rotate-token`, {}, { signal });
          showToken(d.name, res.body.token);
        } catch (err) {
          if (!signal.aborted) note.show('bad', errorText(err));
        }
      });
    });
    revoke.addEventListener('click', () => {
      if (!window.confirm(t('dev.revokeConfirm', { name: d.name }))) return;
      busy(revoke, null, async () => {
        try {
          await post(`${base}/${encodeURIComponent(d.id)}/revoke`, {}, { signal });
          note.show('ok', t('dev.revokedDone', { name: d.name }));
          await refresh();
        } catch (err) {
          if (!signal.aborted) note.show('bad', errorText(err));
        }
      });
    });
    return h('div', { class: 'actions device-actions' }, rename, rotate, revoke);
  }

  /** One cluster as a card: a station has a handful, and a card keeps every fact labelled at any width. */
  function deviceCard(d, now) {
    // The rename form takes the heading's place (a form may not sit inside a heading).
    const nameEl = h('div', { class: 'device-name-box' }, h('h3', { class: 'device-name' }, d.name));
    const fact = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
    return h(
      'article',
      { class: ['device-card', isOnline(d) ? 'card-online' : 'card-offline'], dataset: { deviceId: d.id, online: String(isOnline(d)) } },
      h('div', { class: 'device-card-head' }, nameEl, presenceCell(d.health, tz, now)),
      d.primary ? h('span', { class: 'small muted' }, t('dev.primary')) : null,
      agentLine(d.health),
      h(
        'dl',
        { class: 'device-facts' },
        fact(t('dev.lastSeen'), lastSeenText(d.health, tz)),
        fact(t('dev.nowPlaying'), nowPlayingCell(d.health, tz)),
        fact(t('dev.next'), nextAiringCell(d.health, tz)),
        fact(t('dev.pending'), pendingCell(d.health)),
        fact(t('dev.freeDisk'), freeDiskCell(d.health)),
        fact(t('dev.lastError'), problemsCell(d.health)),
      ),
      manage ? actionsCell(d, nameEl) : null,
    );
  }

  function draw() {
    const now = Date.now();
    const active = devices.filter((d) => !d.revokedAt);
    const revoked = devices.filter((d) => d.revokedAt);
    replace(
      listBox,
      active.length === 0 ? h('p', { class: 'empty' }, t('dev.none')) : h('div', { class: 'device-cards' }, active.map((d) => deviceCard(d, now))),
      revoked.length
        ? h(
            'details',
            { class: 'revoked-devices' },
            h('summary', {}, t('dev.revokedList', { n: fmtNumber(revoked.length) })),
            h('ul', { class: 'plain' }, revoked.map((d) => h('li', { dataset: { deviceId: d.id, revoked: 'true' } }, h('span', { class: 'device-name' }, d.name), ' ', badge('muted', t('dev.revokedAt', { at: fmtAt(d.revokedAt, tz) }))))),
          )
        : null,
    );
  }

  function addForm() {
    const input = h('input', { type: 'text', name: 'name', maxlength: '100', required: true, autocomplete: 'off' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('dev.add'));
    return h(
      'form',
      {
        class: 'add-device',
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          note.clear();
          const name = input.value.trim();
          if (!name) {
            note.show('bad', t('dev.needName'));
            input.focus();
            return;
          }
          try {
            const res = await busy(submit, t('dev.adding'), () => post(base, { name }, { signal }));
            input.value = '';
            note.show('ok', t('dev.added', { name: res.body.name ?? name }));
            showToken(res.body.name ?? name, res.body.token);
            refresh();
          } catch (err) {
            if (!signal.aborted) note.show('bad', errorText(err));
          }
        },
      },
      h('div', { class: 'inline-fields' }, field(t('dev.name'), input, t('dev.nameHint')), h('div', { class: 'field field-button' }, submit)),
    );
  }

  draw();
  timer = setTimeout(tick, REFRESH_MS);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'devices-heading', dataset: { section: 'devices' } },
    h('h2', { id: 'devices-heading' }, t('dev.section')),
    note.el,
    listBox,
    manage ? h('div', { class: 'add-device-box' }, h('h3', {}, t('dev.add')), addForm()) : null,
  );
}
