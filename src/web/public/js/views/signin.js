// Sign in (Đăng nhập) with a login name and password; an access token (scripts, ADMIN_TOKEN) as a second way.
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { signIn } from '../session.js';
import { busy, errorText, field, notice, pageHeading } from '../ui.js';

export const title = () => t('auth.title');

function passwordMethod(ctx, note) {
  const login = h('input', { type: 'text', name: 'username', autocomplete: 'username', autocapitalize: 'off', spellcheck: 'false', required: true, class: 'input-wide' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true, class: 'input-wide' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('auth.submit'));
  return h(
    'form',
    {
      class: 'stack-form',
      novalidate: true,
      dataset: { testid: 'signin-password' },
      onsubmit: async (e) => {
        e.preventDefault();
        const name = login.value.trim();
        if (!name || !password.value) {
          note.show('bad', t('auth.emptyPair'));
          (name ? password : login).focus();
          return;
        }
        note.clear();
        try {
          await busy(submit, t('auth.signingIn'), () => signIn.password(name, password.value));
          ctx.onSignedIn();
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) note.show('bad', t('auth.badPair'));
          else note.show('bad', errorText(err));
          password.value = '';
          password.focus();
        }
      },
    },
    field(t('auth.login'), login),
    field(t('auth.password'), password),
    h('div', { class: 'actions' }, submit),
  );
}

function tokenMethod(ctx, note) {
  const input = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    required: true,
    class: 'input-wide',
  });
  const show = h('input', {
    type: 'checkbox',
    onchange: (e) => (input.type = e.target.checked ? 'text' : 'password'),
  });
  const submit = h('button', { type: 'submit', class: 'btn' }, t('auth.submitToken'));
  return h(
    'form',
    {
      class: 'stack-form',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const value = input.value.trim();
        if (!value) {
          note.show('bad', t('auth.empty'));
          input.focus();
          return;
        }
        note.clear();
        try {
          await busy(submit, t('auth.signingIn'), () => signIn.token(value));
          ctx.onSignedIn();
        } catch (err) {
          if (err instanceof ApiError && err.code === 'STATION_TOKEN') note.show('bad', t('auth.stationToken'));
          else if (err instanceof ApiError && err.status === 401) note.show('bad', t('auth.invalid'));
          else note.show('bad', errorText(err));
          input.focus();
        }
      },
    },
    h('p', { class: 'hint' }, t('auth.tokenIntro')),
    field(t('auth.token'), input, t('auth.tokenHint')),
    h('label', { class: 'check' }, show, ' ', t('auth.show')),
    h('div', { class: 'actions' }, submit),
  );
}

export function render(ctx) {
  const note = notice();
  if (ctx.notice) note.show('info', t(ctx.notice));
  return h(
    'div',
    { class: 'signin' },
    h(
      'section',
      { class: 'panel signin-panel' },
      pageHeading(t('auth.title')),
      h('p', { class: 'lead' }, t('auth.intro')),
      note.el,
      passwordMethod(ctx, note),
      h('details', { class: 'signin-token' }, h('summary', {}, t('auth.useToken')), tokenMethod(ctx, note)),
    ),
  );
}
