// The upload form (Tải lên): a real progress bar from XMLHttpRequest's upload events, the API's own
// message when it refuses a file (413 too large, 415 not audio, 422 empty or invalid field).
import { ApiError } from '../api.js';
import { tusUpload } from '../tus-upload.js';
import { h, replace } from '../dom.js';
import { apiMessage, EPISODE_LANGUAGES, languageName, t } from '../i18n.js';
import { fmtBytes, fmtPercent } from '../format.js';
import { field, notice } from '../ui.js';

const FIELD_LABELS = { title: 'up.field.title', series: 'up.field.series', language: 'up.field.language', description: 'up.field.description', audio: 'up.field.file' };

function refusalText(err) {
  if (err.status === 0) return t('err.uploadBroken');
  if (err.status === -1) return t('up.aborted');
  let message = apiMessage(err) || (err.status === 413 ? t('err.tooLarge') : t('err.generic', { code: err.code }));
  // A validation error names the field in `details`: say which one, in the reader's words.
  const fieldName = Array.isArray(err.details) ? err.details[0]?.field : null;
  if (fieldName && FIELD_LABELS[fieldName]) message = `${message} (${t(FIELD_LABELS[fieldName])})`;
  return t('up.refused', { message });
}

/** The file field: the real input stays focusable and labelled; a button in the page's language opens it. */
function fileField(input, picker) {
  const f = field(t('up.field.file'), input, t('up.field.fileHint'));
  input.replaceWith(picker);
  picker.prepend(input);
  return f;
}

/** own: the uploader is a commune operator (the upload counts as its own programme). */
export function uploadForm({ own, onUploaded }) {
  const note = notice();
  const titleInput = h('input', { type: 'text', name: 'title', required: true, maxlength: '300', autocomplete: 'off', class: 'input-wide' });
  const seriesInput = h('input', { type: 'text', name: 'series', maxlength: '120', autocomplete: 'off' });
  const languageSelect = h(
    'select',
    { name: 'language' },
    EPISODE_LANGUAGES.map((code) => h('option', { value: code }, `${languageName(code)} (${code})`)),
  );
  const descriptionInput = h('textarea', { name: 'description', rows: '2', maxlength: '5000', class: 'input-wide' });
  // The native file control speaks the browser's language; this one speaks the page's.
  const fileInput = h('input', {
    type: 'file',
    name: 'audio',
    required: true,
    class: 'file-native',
    accept: 'audio/*,video/mp4,.m4a,.mp3,.wav,.ogg,.oga,.opus,.flac,.aac,.wma,.amr,.3gp',
  });
  const fileName = h('span', { class: 'file-name', 'aria-live': 'polite' }, t('up.noFile'));
  const showFile = () => {
    const f = fileInput.files?.[0];
    replace(fileName, f ? `${f.name} (${fmtBytes(f.size)})` : t('up.noFile'));
  };
  fileInput.addEventListener('change', showFile);
  const filePicker = h(
    'div',
    { class: 'file-picker' },
    h('button', { type: 'button', class: 'btn', 'aria-hidden': 'true', tabindex: '-1', onclick: () => fileInput.click() }, t('up.choose')),
    fileName,
  );
  const bar = h('progress', { max: '100', value: '0', 'aria-label': t('up.progressLabel') });
  const barText = h('span', { class: 'progress-text' });
  const progress = h('div', { class: 'upload-progress', hidden: true }, bar, barText);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('up.submit'));
  const cancel = h('button', { type: 'button', class: 'btn', hidden: true }, t('up.cancel'));
  let running = null;

  const setProgress = (loaded, total) => {
    const pct = total > 0 ? Math.floor((loaded / total) * 100) : 0;
    bar.value = pct;
    replace(barText, t('up.progress', { pct: fmtPercent(pct) }));
  };

  cancel.addEventListener('click', () => running?.abort());

  const form = h(
    'form',
    {
      class: 'upload-form',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        if (running) return;
        note.clear();
        const title = titleInput.value.trim();
        const file = fileInput.files?.[0];
        if (!title) {
          note.show('bad', t('up.needTitle'));
          titleInput.focus();
          return;
        }
        if (!file) {
          note.show('bad', t('up.needFile'));
          fileInput.focus();
          return;
        }
        const data = new FormData();
        data.append('title', title);
        if (seriesInput.value.trim()) data.append('series', seriesInput.value.trim());
        data.append('language', languageSelect.value);
        if (descriptionInput.value.trim()) data.append('description', descriptionInput.value.trim());
        data.append('audio', file, file.name);

        // Resumable (tus): a cut link or a reload loses only what was in flight.
        running = tusUpload(data, setProgress, () => note.show('info', t('up.resumed')));
        setProgress(0, file.size);
        progress.hidden = false;
        submit.disabled = true;
        cancel.hidden = false;
        try {
          const { body } = await running.promise;
          bar.value = 100;
          replace(barText, t('up.sent', { pct: fmtPercent(100) }));
          note.show('ok', t('up.done', { title: body?.title ?? title }));
          form.reset();
          showFile();
          onUploaded?.(body);
        } catch (err) {
          progress.hidden = true;
          note.show(err instanceof ApiError && err.status === -1 ? 'info' : 'bad', err instanceof ApiError ? refusalText(err) : String(err));
        } finally {
          running = null;
          submit.disabled = false;
          cancel.hidden = true;
        }
      },
    },
    h(
      'div',
      { class: 'form-grid' },
      field(t('up.field.title'), titleInput),
      field(t('up.field.series'), seriesInput, t('up.field.seriesHint')),
      field(t('up.field.language'), languageSelect),
      fileField(fileInput, filePicker),
      h('div', { class: 'span-all' }, field(t('up.field.description'), descriptionInput)),
    ),
    progress,
    h('div', { class: 'actions' }, submit, cancel),
    note.el,
  );

  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'upload-heading' },
    h('h2', { id: 'upload-heading' }, own ? t('up.titleOwn') : t('up.title')),
    own ? h('p', { class: 'hint' }, t('ep.ownProgrammeNote')) : null,
    form,
  );
}
