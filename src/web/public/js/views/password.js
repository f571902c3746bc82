// Đổi mật khẩu: one's own password (required before anything else after an administrator reset it), and one's
// personal access tokens for scripts (shown once).
import { ApiError, get, post, request } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { passwordChanged, session } from '../session.js';
import { busy, errorText, field, notice, pageHeading } from '../ui.js';

export const title = () => t('pw.title');

const MIN_CHARS = 10;

/** The same rules as the server's (domain/people/password-rules.ts), said while the person types. */
function problemOf(value, login) {
  const n = [...value].length;
  if (n < MIN_CHARS) return t('pw.tooShort', { min: MIN_CHARS, n });
  if (login && value.trim().toLowerCase() === login.trim().toLowerCase()) return t('pw.sameAsLogin');
  return null;
}

export function render(ctx) {
  const note = notice();
  const required = Boolean(ctx.me?.mustChangePassword);
  if (required) note.show('info', t('pw.required'));
  const current = h('input', { type: 'password', name: 'current-password', autocomplete: 'current-password', class: 'input-wide' });
  const next = h('input', { type: 'password', name: 'new-password', autocomplete: 'new-password', class: 'input-wide' });
  const again = h('input', { type: 'password', name: 'new-password-again', autocomplete: 'new-password', class: 'input-wide' });
  const rule = h('p', { class: 'hint', role: 'status', dataset: { testid: 'password-rule' } }, t('pw.rules'));
  next.addEventListener('input', () => {
    rule.textContent = next.value ? problemOf(next.value, ctx.me?.login) ?? t('pw.ok') : t('pw.rules');
    rule.classList.toggle('bad', Boolean(next.value && problemOf(next.value, ctx.me?.login)));
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('pw.submit'));
  const form = h(
    'form',
    {
      class: 'stack-form',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const problem = !current.value ? t('pw.currentEmpty') : problemOf(next.value, ctx.me?.login) ?? (next.value !== again.value ? t('pw.mismatch') : null);
        if (problem) {
          note.show('bad', problem);
          return;
        }
        note.clear();
        try {
          await busy(submit, t('pw.saving'), () => post('/me/password', { currentPassword: current.value, newPassword: next.value }));
          passwordChanged();
          current.value = next.value = again.value = '';
          note.show('ok', t('pw.done'));
          if (required) ctx.onSignedIn();
        } catch (err) {
          note.show('bad', err instanceof ApiError && err.code === 'WRONG_PASSWORD' ? t('pw.wrongCurrent') : errorText(err));
        }
      },
    },
    field(t('pw.current'), current),
    field(t('pw.new'), next),
    rule,
    field(t('pw.again'), again),
    h('div', { class: 'actions' }, submit),
  );
  const panels = [h('section', { class: 'panel signin-panel' }, pageHeading(t('pw.title')), note.el, form)];
  if (!required && session()?.via === 'session') panels.push(tokensPanel(ctx));
  return h('div', { class: 'signin' }, panels);
}

/** Personal tokens: made here, shown once, revoked here. */
function tokensPanel(ctx) {
  const note = notice();
  const list = h('ul', { class: 'token-list', dataset: { testid: 'personal-tokens' } });
  async function load() {
    try {
      const { tokens } = await get('/me/tokens', undefined, { signal: ctx.signal });
      replace(
        list,
        tokens.length
          ? tokens.map((tk) =>
              h(
                'li',
                {},
                h('span', {}, tk.label || t('tok.noLabel')),
                ' · ',
                h('span', { class: 'hint' }, new Date(tk.createdAt).toLocaleString('vi-VN')),
                ' ',
                h('button', { type: 'button', class: 'btn btn-quiet', onclick: async () => {
                  try {
                    await request('DELETE', `/me/tokens/${tk.id}`);
                    note.show('ok', t('tok.revoked'));
                    await load();
                  } catch (err) {
                    note.show('bad', errorText(err));
                  }
                } }, t('tok.revoke')),
              ),
            )
          : h('li', { class: 'hint' }, t('tok.none')),
      );
    } catch (err) {
      if (err?.name !== 'AbortError') note.show('bad', errorText(err));
    }
  }
  const label = h('input', { type: 'text', name: 'token-label', maxlength: 100, class: 'input-wide' });
  const make = h('button', { type: 'submit', class: 'btn' }, t('tok.create'));
  const form = h(
    'form',
    {
      class: 'stack-form',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const made = await busy(make, t('pw.saving'), () => post('/me/tokens', { label: label.value.trim() || null }));
          label.value = '';
          note.show('ok', t('tok.made'), ' ', h('code', { dataset: { testid: 'new-token' } }, made.body.token));
          await load();
        } catch (err) {
          note.show('bad', errorText(err));
        }
      },
    },
    field(t('tok.label'), label, t('tok.hint')),
    h('div', { class: 'actions' }, make),
  );
  load();
  return h('section', { class: 'panel signin-panel' }, h('h2', {}, t('tok.title')), note.el, list, form);
}
