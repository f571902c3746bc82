// Pieces shared by the area tree, the user forms and the station form: the areas as a tree, and a <select> of them
// indented by depth so a commune is seen under its province.
import { get } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** Every area the caller may see, as the API lists them (the tree is built here). */
export async function loadAreas(signal) {
  const res = await get('/areas', { shape: 'flat' }, { signal });
  return res.items ?? [];
}

/** The areas in tree order (parents before their children, siblings by name), each with its depth. */
export function treeOrder(areas) {
  const ids = new Set(areas.map((a) => a.id));
  const children = new Map();
  for (const a of areas) {
    // An area whose parent the caller cannot see is a root of the caller's part of the tree.
    const parent = a.parentId && ids.has(a.parentId) ? a.parentId : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(a);
  }
  for (const list of children.values()) list.sort((x, y) => x.name.localeCompare(y.name, 'vi'));
  const out = [];
  const walk = (parent, depth) => {
    for (const a of children.get(parent) ?? []) {
      out.push({ area: a, depth });
      walk(a.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** "Xã Bản Hồ (10279)": an area as people name it. */
export function areaLabel(area) {
  return area.code ? `${area.name} (${area.code})` : area.name;
}

export function kindLabel(kind) {
  return kind ? t(`area.kind.${kind}`) : '';
}

/** Where an area of a kind may sit (the API's rule): a province under the root, a grouping in a province, a commune in either. */
const PARENT_KINDS = { province: ['root'], grouping: ['province'], commune: ['province', 'grouping'] };
export const mayHoldKind = (parent, kind) => (kind ? (PARENT_KINDS[kind] ?? []).includes(parent.kind) : parent.kind !== 'commune');

/**
 * A <select> of areas, indented by depth. `only` keeps some (the others stay as disabled headings, so the tree is
 * still readable); inactive areas are left out unless selected already.
 */
export function areaSelect({ areas, name = 'areaId', selected, only, placeholder, required = true, id }) {
  const select = h('select', { name, required, id });
  if (placeholder) select.append(h('option', { value: '' }, placeholder));
  for (const { area, depth } of treeOrder(areas)) {
    if (area.active === false && area.id !== selected) continue;
    const pick = only ? only(area) : true;
    const label = `${'\u00a0\u00a0'.repeat(depth)}${depth > 0 ? '└ ' : ''}${areaLabel(area)}${area.kind ? ` · ${kindLabel(area.kind)}` : ''}`;
    select.append(h('option', { value: area.id, selected: area.id === selected, disabled: !pick, dataset: { code: area.code ?? undefined, kind: area.kind ?? undefined } }, label));
  }
  return select;
}
