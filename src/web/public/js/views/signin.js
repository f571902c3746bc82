// Sign in (Đăng nhập) with an access token. Built as a list of methods so a name + password
// form can be added beside the token later without changing the rest of the app.
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { signIn } from '../session.js';
import { busy, errorText, field, notice, pageHeading } from '../ui.js';

export const title = () => t('auth.title');

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
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('auth.submit'));
  const form = h(
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
    field(t('auth.token'), input, t('auth.tokenHint')),
    h('label', { class: 'check' }, show, ' ', t('auth.show')),
    h('div', { class: 'actions' }, submit),
  );
  return form;
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
      tokenMethod(ctx, note),
    ),
  );
}
