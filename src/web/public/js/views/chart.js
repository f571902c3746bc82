// Rebroadcasts per month as an inline SVG bar chart (no library): one horizontal bar per month,
// so it reads the same on a phone and a desktop; drawn at the box's real width, redrawn on resize.
import { h, s, uid } from '../dom.js';

const LABEL_W = 68;
const VALUE_W = 76;
const ROW_H = 32;
const BAR_H = 18;
const PAD = 8;

/**
 * rows: [{ key, label, value, target, valueText }] — value and target are the API's numbers.
 * Returns the chart element; `signal` stops the resize observer when the view goes away.
 */
export function barChart({ rows, title, desc, valueLabel, targetLabel, signal }) {
  const box = h('div', { class: 'chart' });
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  let drawnWidth = 0;

  function draw() {
    const width = Math.max(260, Math.floor(box.clientWidth));
    if (width === drawnWidth) return;
    drawnWidth = width;
    const plotW = width - LABEL_W - VALUE_W;
    const max = Math.max(1, ...rows.map((r) => Math.max(r.value, r.target)));
    const x = (v) => LABEL_W + (v / max) * plotW;
    const height = PAD * 2 + rows.length * ROW_H + 20;

    const svg = s(
      'svg',
      { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, class: 'chart-svg' },
      s('title', { id: titleId }, title),
      s('desc', { id: descId }, desc),
      rows.map((r, i) => {
        const y = PAD + i * ROW_H;
        const mid = y + ROW_H / 2;
        return s(
          'g',
          { class: 'chart-row', 'data-month': r.key },
          s('text', { x: LABEL_W - 8, y: mid, 'text-anchor': 'end', 'dominant-baseline': 'central', class: 'chart-label' }, r.label),
          s('rect', { x: LABEL_W, y: mid - BAR_H / 2, width: plotW, height: BAR_H, class: 'chart-track' }),
          s('rect', { x: LABEL_W, y: mid - BAR_H / 2, width: Math.max(0, x(r.value) - LABEL_W), height: BAR_H, class: 'chart-bar' }),
          r.target > 0 ? s('line', { x1: x(r.target), x2: x(r.target), y1: mid - BAR_H / 2 - 4, y2: mid + BAR_H / 2 + 4, class: 'chart-target' }) : null,
          s('text', { x: LABEL_W + plotW + 6, y: mid, 'dominant-baseline': 'central', class: 'chart-value', 'data-field': 'aired' }, r.valueText),
        );
      }),
      // Legend: the bar and the target mark.
      s(
        'g',
        { class: 'chart-legend', transform: `translate(${LABEL_W}, ${PAD + rows.length * ROW_H + 8})` },
        s('rect', { x: 0, y: 0, width: 14, height: 10, class: 'chart-bar' }),
        s('text', { x: 20, y: 5, 'dominant-baseline': 'central', class: 'chart-label' }, valueLabel),
        s('line', { x1: 120, x2: 120, y1: -2, y2: 12, class: 'chart-target' }),
        s('text', { x: 128, y: 5, 'dominant-baseline': 'central', class: 'chart-label' }, targetLabel),
      ),
    );
    box.replaceChildren(svg);
  }

  const observer = new ResizeObserver(() => draw());
  observer.observe(box);
  signal?.addEventListener('abort', () => observer.disconnect());
  return box;
}
