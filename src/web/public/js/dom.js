// Small DOM helpers. Text always goes in as text nodes or attributes, never as HTML,
// so strings from the API (titles, station names, error messages) cannot inject markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Only same-page links and blob: downloads; anything else (javascript:, data:) is dropped. */
function safeHref(value) {
  const s = String(value);
  return s.startsWith('#') || s.startsWith('/') || s.startsWith('blob:') ? s : null;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) el.dataset[k] = String(v);
    } else if (key === 'href') {
      const href = safeHref(value);
      if (href !== null) el.setAttribute('href', href);
    } else if (key === 'value' && 'value' in el) {
      el.value = String(value);
    } else if (key === 'checked' || key === 'selected') {
      el[key] = Boolean(value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

/** Appends children: nodes as they are, anything else as text; null/false/undefined are skipped. */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** h('button', { class: 'btn', onclick }, 'Text', otherNode) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  return append(el, children);
}

/** The same for SVG elements (the chart). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    el.setAttribute(key === 'className' ? 'class' : key, String(value));
  }
  return append(el, children);
}

/** Replaces an element's content. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let idCounter = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
