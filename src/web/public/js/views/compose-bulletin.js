// Soạn bản tin: type the announcement, choose the reading speed, listen to the first seconds in the page, save.
// A saved bulletin is an episode like an upload; the page follows it until it is ready, and an admin can send it
// straight to "Phát ngay". The API is the judge of the text (length, markup, nothing to read) and of who may do this.
import { ApiError, get, post, postForBlob } from '../api.js';
import { h, replace } from '../dom.js';
import { apiMessage, t } from '../i18n.js';
import { fmtNumber } from '../format.js';
import { can } from '../session.js';
import { busy, episodeStatusBadge, errorPanel, errorText, field, notice, pageHeading } from '../ui.js';

export const title = () => t('bt.title');

/** TTS_MAX_CHARS's default; the API answers with the deployment's own limit when it differs. */
const MAX_CHARS = 5000;
const POLL_MS = 1000;
/** Words per minute sent for each choice; "normal" sends none, so the deployment's TTS_RATE applies. */
const RATES = [
  { key: 'slow', rate: 120 },
  { key: 'normal', rate: null },
  { key: 'fast', rate: 180 },
];
const FIELD_LABELS = { title: 'bt.field.title', text: 'bt.field.text', rate: 'bt.field.rate', urgent: 'bt.field.urgent' };

/** Characters as the API counts them: code points of the NFC form, trimmed. */
const countChars = (text) => [...text.normalize('NFC').trim()].length;

function refusalText(err, key) {
  if (!(err instanceof ApiError)) return t(key, { message: String(err) });
  let message = errorText(err);
  const fieldName = Array.isArray(err.details) ? err.details[0]?.field : null;
  // The API's Vietnamese message names the field already; the English one gets the reader's label.
  if (fieldName && FIELD_LABELS[fieldName] && !message.includes(`(${fieldName})`)) message = `${message} (${t(FIELD_LABELS[fieldName])})`;
  return t(key, { message });
}

/** The saved bulletin, followed until it is ready (or failed); then "Phát ngay" for those who may. */
function savedPanel(episode, { me, signal }) {
  const status = h('p', { class: 'status-cell', dataset: { testid: 'bt-status' } });
  const actions = h('div', { class: 'actions' });
  const heading = h('h2', { tabindex: '-1' }, t('bt.savedTitle'));
  const panel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'bt-saved-heading', dataset: { episodeId: episode.id } },
    heading,
    h('p', { class: 'title-cell' }, h('strong', {}, episode.title)),
    status,
    actions,
  );
  heading.id = 'bt-saved-heading';
  let timer = null;
  signal.addEventListener('abort', () => clearTimeout(timer));

  const show = (e) => {
    replace(
      status,
      episodeStatusBadge(e.status),
      ' ',
      e.status === 'ready' ? t('bt.readyNow') : e.status === 'failed' ? t('bt.failed', { message: apiMessage(e.error) || e.error?.code || '' }) : t('bt.processing'),
    );
    replace(
      actions,
      e.status === 'ready' && can.playNow(me)
        ? h('a', { class: 'btn btn-emergency', href: `#/play-now?episodeId=${encodeURIComponent(e.id)}`, dataset: { action: 'play-now' } }, t('bt.playNow'))
        : null,
      h('a', { class: 'btn', href: '#/episodes' }, t('bt.toList')),
    );
  };
  const poll = async () => {
    let e;
    try {
      e = await get(`/episodes/${encodeURIComponent(episode.id)}`, undefined, { signal });
    } catch (err) {
      if (signal.aborted) return;
      // A passing failure: the next poll may get through.
      timer = setTimeout(poll, POLL_MS * 3);
      return;
    }
    if (signal.aborted) return;
    show(e);
    if (e.status === 'processing') timer = setTimeout(poll, POLL_MS);
  };
  show(episode);
  timer = setTimeout(poll, POLL_MS);
  return { el: panel, focus: () => heading.focus() };
}

export function render(ctx) {
  const { me, signal } = ctx;
  if (!can.upload(me)) {
    return h('div', { class: 'view-compose' }, pageHeading(t('bt.title')), errorPanel(new ApiError(403, null), { home: ctx.home }));
  }
  const note = notice();
  const savedBox = h('div', {});
  const titleInput = h('input', { type: 'text', name: 'title', required: true, maxlength: '300', autocomplete: 'off', class: 'input-wide' });
  const textInput = h('textarea', { name: 'text', rows: '10', required: true, class: 'input-wide bulletin-text', spellcheck: 'true', lang: 'vi' });
  const counter = h('p', { class: 'hint char-count', dataset: { testid: 'bt-count' } });
  const rateSelect = h(
    'select',
    { name: 'rate' },
    RATES.map((r) => h('option', { value: r.key, selected: r.key === 'normal' }, t(`bt.rate.${r.key}`))),
  );
  const urgentBox = h('input', { type: 'checkbox', name: 'urgent' });
  const audio = h('audio', { controls: true, preload: 'auto', class: 'bulletin-preview', hidden: true, 'aria-label': t('bt.previewLabel'), dataset: { testid: 'bt-audio' } });
  const previewNote = h('p', { class: 'hint', 'aria-live': 'polite' });
  const previewButton = h('button', { type: 'button', class: 'btn' }, t('bt.preview'));
  const saveButton = h('button', { type: 'submit', class: 'btn btn-primary' }, t('bt.save'));
  let audioUrl = null;

  const dropAudio = () => {
    if (audioUrl) URL.revokeObjectURL(audioUrl);
    audioUrl = null;
  };
  signal.addEventListener('abort', () => {
    audio.pause();
    dropAudio();
  });

  const updateCount = () => {
    const n = countChars(textInput.value);
    replace(counter, t('bt.count', { n: fmtNumber(n), max: fmtNumber(MAX_CHARS) }), n > MAX_CHARS ? [' — ', t('bt.countOver', { over: fmtNumber(n - MAX_CHARS) })] : null);
    if (n > MAX_CHARS) counter.dataset.over = 'true';
    else delete counter.dataset.over;
  };
  textInput.addEventListener('input', updateCount);
  updateCount();

  const rateValue = () => RATES.find((r) => r.key === rateSelect.value)?.rate ?? undefined;

  /** The text may go to the API: something in it, not over the limit (the API checks the rest). */
  const textReady = () => {
    const n = countChars(textInput.value);
    if (n === 0) {
      note.show('bad', t('bt.needText'));
      textInput.focus();
      return false;
    }
    if (n > MAX_CHARS) {
      note.show('bad', t('bt.tooLong', { max: fmtNumber(MAX_CHARS) }));
      textInput.focus();
      return false;
    }
    return true;
  };

  previewButton.addEventListener('click', () => {
    note.clear();
    if (!textReady()) return;
    busy(previewButton, t('bt.previewing'), async () => {
      try {
        const { blob, headers } = await postForBlob('/bulletins/preview', { text: textInput.value, rate: rateValue() }, { signal });
        if (signal.aborted) return;
        dropAudio();
        audioUrl = URL.createObjectURL(blob);
        audio.src = audioUrl;
        audio.hidden = false;
        const sec = fmtNumber(Math.round(Number(headers.get('x-preview-seconds')) || 0));
        replace(previewNote, headers.get('x-preview-truncated') === 'true' ? t('bt.previewStart', { sec }) : t('bt.previewWhole', { sec }));
        // The click that asked for it may be a few seconds old: a browser that refuses to start leaves the controls.
        audio.play().catch(() => replace(previewNote, previewNote.textContent, ' ', t('bt.pressPlay')));
      } catch (err) {
        if (!signal.aborted) note.show('bad', refusalText(err, 'bt.previewRefused'));
      }
    });
  });

  const form = h(
    'form',
    {
      class: 'compose-form',
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        note.clear();
        const titleValue = titleInput.value.trim();
        if (!titleValue) {
          note.show('bad', t('bt.needTitle'));
          titleInput.focus();
          return;
        }
        if (!textReady()) return;
        busy(saveButton, t('bt.saving'), async () => {
          try {
            const res = await post('/bulletins', { title: titleValue, text: textInput.value, language: 'vi', rate: rateValue(), urgent: urgentBox.checked }, { signal });
            if (signal.aborted) return;
            note.show('ok', t('bt.saved', { title: res.body.title }));
            const saved = savedPanel(res.body, { me, signal });
            replace(savedBox, saved.el);
            form.reset();
            rateSelect.value = 'normal';
            updateCount();
            audio.pause();
            audio.hidden = true;
            audio.removeAttribute('src');
            dropAudio();
            replace(previewNote);
            saved.focus();
          } catch (err) {
            if (!signal.aborted) note.show('bad', refusalText(err, 'bt.refused'));
          }
        });
      },
    },
    field(t('bt.field.title'), titleInput),
    field(t('bt.field.text'), textInput, t('bt.field.textHint', { max: fmtNumber(MAX_CHARS) })),
    counter,
    h(
      'div',
      { class: 'inline-fields' },
      field(t('bt.field.rate'), rateSelect),
      h('label', { class: 'check field-button' }, urgentBox, ' ', t('bt.field.urgent')),
    ),
    h('div', { class: 'actions' }, previewButton, saveButton),
    audio,
    previewNote,
    note.el,
  );
  // The counter belongs to the text box for screen readers, after its hint.
  textInput.setAttribute('aria-describedby', `${textInput.getAttribute('aria-describedby') ?? ''} bt-count`.trim());
  counter.id = 'bt-count';

  return h(
    'div',
    { class: 'view-compose' },
    pageHeading(t('bt.title')),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'bt-form-heading' },
      h('h2', { id: 'bt-form-heading', class: 'visually-hidden' }, t('bt.title')),
      h('p', { class: 'hint' }, t('bt.intro')),
      me.role === 'operator' ? h('p', { class: 'hint' }, t('bt.ownNote')) : null,
      form,
    ),
    savedBox,
  );
}
