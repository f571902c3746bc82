// Địa bàn: the tree of areas (province → optional grouping → commune) with their official codes. An admin adds an
// area under another, renames it, moves it elsewhere in the tree, or stops using it (its history stays).
import { post, request } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { t } from '../i18n.js';
import { badge, busy, errorPanel, errorText, field, loading, notice, pageHeading } from '../ui.js';
import { areaLabel, areaSelect, kindLabel, loadAreas, mayHoldKind, treeOrder } from './area-parts.js';

export const title = () => t('area.title');

const mayManage = (me) => me.role === 'admin';

export function render(ctx) {
  const { me, signal } = ctx;
  const note = notice();
  const treeBox = h('div', { class: 'area-tree-box' }, loading());
  const formBox = h('div', {});
  let areas = [];
  /** While a rename or move is open, a reload does not redraw the tree under the person's hands. */
  let editing = null;

  async function load() {
    try {
      areas = await loadAreas(signal);
    } catch (err) {
      if (!signal.aborted) replace(treeBox, errorPanel(err, { retry: load, home: ctx.home }));
      return;
    }
    if (signal.aborted) return;
    editing = null;
    drawTree();
    if (mayManage(me)) replace(formBox, createForm());
  }

  /** The tree as nested lists: each area with its code and kind, and its children below it. */
  function drawTree() {
    if (areas.length === 0) {
      replace(treeBox, h('p', { class: 'empty' }, t('area.none')));
      return;
    }
    const byParent = new Map();
    const ids = new Set(areas.map((a) => a.id));
    for (const { area } of treeOrder(areas)) {
      const parent = area.parentId && ids.has(area.parentId) ? area.parentId : null;
      if (!byParent.has(parent)) byParent.set(parent, []);
      byParent.get(parent).push(area);
    }
    const branch = (parent, level) => {
      const kids = byParent.get(parent) ?? [];
      if (!kids.length) return null;
      return h('ul', { class: level === 1 ? 'area-tree' : 'area-children', role: level === 1 ? 'tree' : 'group', 'aria-label': level === 1 ? t('area.title') : undefined }, kids.map((a) => node(a, level)));
    };
    const node = (a, level) => {
      const line = h(
        'div',
        { class: 'area-line' },
        h('span', { class: 'area-name' }, a.name),
        a.code ? h('span', { class: 'code area-code' }, a.code) : null,
        a.kind ? badge('info', kindLabel(a.kind), { dataset: { kind: a.kind } }) : null,
        a.active === false ? badge('muted', t('area.inactive')) : null,
        mayManage(me) && a.kind !== 'root' ? actions(a) : null,
      );
      const kids = branch(a.id, level + 1);
      return h('li', { role: 'treeitem', 'aria-level': String(level), 'aria-expanded': kids ? 'true' : undefined, dataset: { areaId: a.id, code: a.code ?? undefined } }, line, kids);
    };
    replace(treeBox, branch(null, 1));
  }

  function actions(a) {
    const rename = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'rename' } }, t('area.rename'));
    const move = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'move' } }, t('area.move'));
    const deactivate = h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { action: 'deactivate' } }, t('area.deactivate'));
    const box = h('span', { class: 'actions area-actions' }, rename, move, a.active === false ? null : deactivate);
    rename.addEventListener('click', () => inlineForm(a, box, 'rename'));
    move.addEventListener('click', () => inlineForm(a, box, 'move'));
    deactivate.addEventListener('click', () => {
      if (!window.confirm(t('area.deactivateConfirm', { name: areaLabel(a) }))) return;
      busy(deactivate, null, () => change(a, { active: false }, t('area.deactivated', { name: areaLabel(a) })));
    });
    return box;
  }

  async function change(a, patch, done) {
    note.clear();
    try {
      await request('PATCH', `/areas/${encodeURIComponent(a.id)}`, { body: patch, signal });
      note.show('ok', done);
      await load();
    } catch (err) {
      if (!signal.aborted) note.show('bad', errorText(err));
    }
  }

  /** Rename or move in place of the area's buttons. */
  function inlineForm(a, box, kind) {
    if (editing) return;
    editing = a.id;
    const below = (x) => x.path && a.path ? x.path.startsWith(a.path) : x.id === a.id;
    const control =
      kind === 'rename'
        ? h('input', { type: 'text', name: 'name', value: a.name, maxlength: '200', required: true, id: uid('area-name') })
        : areaSelect({ areas, name: 'parentId', selected: a.parentId, only: (x) => !below(x) && x.active !== false && mayHoldKind(x, a.kind), id: uid('area-parent') });
    const save = h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, t('area.save'));
    const cancel = h('button', { type: 'button', class: 'btn btn-small' }, t('area.cancel'));
    const restore = () => {
      editing = null;
      drawTree();
    };
    cancel.addEventListener('click', restore);
    const form = h(
      'form',
      {
        class: 'area-inline-form',
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          const value = control.value.trim();
          if (!value) {
            note.show('bad', kind === 'rename' ? t('area.needName') : t('area.needParent'));
            control.focus();
            return;
          }
          const patch = kind === 'rename' ? { name: value } : { parentId: value };
          await busy(save, null, () => change(a, patch, kind === 'rename' ? t('area.renamed', { name: value }) : t('area.moved', { name: areaLabel(a) })));
        },
      },
      h('label', { for: control.id, class: 'visually-hidden' }, kind === 'rename' ? t('area.renameLabel', { name: a.name }) : t('area.moveLabel', { name: a.name })),
      control,
      save,
      cancel,
    );
    replace(box, form);
    control.focus();
  }

  function createForm() {
    const name = h('input', { type: 'text', name: 'name', maxlength: '200', required: true, autocomplete: 'off' });
    const code = h('input', { type: 'text', name: 'code', maxlength: '5', inputmode: 'numeric', autocomplete: 'off', class: 'code-input' });
    const parent = areaSelect({ areas, name: 'parentId', only: (a) => a.kind !== 'commune' && a.active !== false });
    const kind = h('select', { name: 'kind' }, h('option', { value: '' }, t('area.kindAuto')), ['province', 'grouping', 'commune'].map((k) => h('option', { value: k }, kindLabel(k))));
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { action: 'create-area' } }, t('area.create'));
    return h(
      'form',
      {
        class: 'panel area-form',
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          note.clear();
          const body = {
            name: name.value.trim(),
            ...(code.value.trim() ? { code: code.value.trim() } : {}),
            ...(parent.value ? { parentId: parent.value } : {}),
            ...(kind.value ? { kind: kind.value } : {}),
          };
          if (!body.name) {
            note.show('bad', t('area.needName'));
            name.focus();
            return;
          }
          try {
            const res = await busy(submit, t('area.creating'), () => post('/areas', body, { signal }));
            note.show('ok', t('area.created', { name: areaLabel(res.body) }));
            await load();
          } catch (err) {
            if (!signal.aborted) note.show('bad', errorText(err));
          }
        },
      },
      h('h2', {}, t('area.create')),
      h(
        'div',
        { class: 'form-grid form-grid-3' },
        field(t('area.name'), name, t('area.nameHint')),
        field(t('area.code'), code, t('area.codeHint')),
        field(t('area.parent'), parent),
        field(t('area.kind'), kind, t('area.kindHint')),
      ),
      h('div', { class: 'actions' }, submit),
    );
  }

  load();
  return h(
    'div',
    { class: 'view-areas' },
    pageHeading(t('area.title')),
    note.el,
    h('section', { class: 'panel', 'aria-labelledby': 'area-tree-heading' }, h('h2', { id: 'area-tree-heading', class: 'visually-hidden' }, t('area.tree')), treeBox),
    formBox,
  );
}
