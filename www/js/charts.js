// Small SVG charts drawn from numbers the engine returned. They compute only positions;
// every value and every class (grade) is given by the caller from the result.
// Each chart is an <svg role="img"> with a label; the caller puts it in a <figure> with a
// <figcaption> next to a real data table.
import { svg as s } from './dom.js';

/** A "nice" upper end for an axis that shows 0..max (at least 100: scores are out of 100). */
function niceMax(max) {
  if (!(max > 100)) return 100;
  return Math.ceil(max / 20) * 20;
}

/** Tick values: 0..max in steps of 10, 20, 25 or 50, about one per 70 px. */
function ticksFor(max, px) {
  const want = Math.max(2, Math.floor(px / 70));
  const step = [10, 20, 25, 50, 100].find((st) => max / st <= want && max % st === 0) ?? max;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

/** Rough text width in px (CJK at full width, Latin at about 0.62 em). */
function textWidth(text, font = 12) {
  let w = 0;
  for (const ch of text) w += ch.charCodeAt(0) > 0x2e80 ? font : font * 0.62;
  return w;
}

/** Truncates a label to fit roughly `px` pixels (CJK counts double). */
function fit(label, px, font = 13) {
  let w = 0;
  let out = '';
  for (const ch of label) {
    w += ch.charCodeAt(0) > 0x2e80 ? font : font * 0.62;
    if (w > px - font) return [...label].length > [...out].length + 1 ? `${out}…` : label;
    out += ch;
  }
  return out;
}

function axis(g, x0, x1, y, max, fmt) {
  for (const t of ticksFor(max, x1 - x0)) {
    const x = x0 + ((x1 - x0) * t) / max;
    g.append(s('line', { x1: x, x2: x, y1: 0, y2: y, class: 'chart-grid' }));
    g.append(s('text', { x, y: y + 14, 'text-anchor': 'middle', class: 'chart-tick' }, fmt(t)));
  }
}

/**
 * What the charts share: an <svg> named `title` (a <title> inside, then `legend` if any) and
 * in it the group `g`, moved down by `top`, with the axis from 0 to `max` between `x0` and `x1`
 * and, per row of height `row`, its label right-aligned at `labelW`, then what `draw(g, r, y)`
 * adds for row `r` at its top `y`.
 */
function plot({ title, width, top, rows, row, labelW, x0, x1, max, tick, legend }, draw) {
  const h = top + rows.length * row + 22;
  const svg = s('svg', { width, height: h, viewBox: `0 0 ${width} ${h}`, role: 'img', 'aria-label': title, class: 'chart' });
  svg.append(s('title', {}, title));
  if (legend) svg.append(legend);
  const g = s('g', { transform: `translate(0 ${top})` });
  svg.append(g);
  axis(g, x0, x1, rows.length * row, max, tick);
  rows.forEach((r, i) => {
    const y = i * row;
    g.append(s('text', { x: labelW, y: y + row / 2 + 4, 'text-anchor': 'end', class: 'chart-label' }, fit(r.label, labelW - 4)));
    draw(g, r, y);
  });
  return { svg, g };
}

/**
 * Horizontal bars: rows [{label, value (number|null), valueText, cls}], a title for the
 * accessible name, width in px. `refs` are vertical reference lines [{value, label}].
 */
export function barChart({ rows, title, width, format, refs = [] }) {
  const row = 28;
  const labelW = Math.min(Math.max(width * 0.34, 84), 190);
  const valueW = 52;
  const top = refs.length ? 18 : 6;
  const x0 = labelW + 8;
  const x1 = Math.max(x0 + 40, width - valueW);
  const max = niceMax(Math.max(100, ...rows.map((r) => r.value ?? 0)));
  const { svg, g } = plot({ title, width, top, rows, row, labelW, x0, x1, max, tick: format.tick }, (g, r, y) => {
    if (r.value !== null && r.value !== undefined) {
      const w = ((x1 - x0) * r.value) / max;
      g.append(s('rect', { x: x0, y: y + 5, width: Math.max(w, 1), height: row - 10, class: `chart-bar ${r.cls ?? ''}` }));
      g.append(s('text', { x: x0 + w + 4, y: y + row / 2 + 4, class: 'chart-value' }, r.valueText));
    } else {
      g.append(s('text', { x: x0 + 4, y: y + row / 2 + 4, class: 'chart-value' }, r.valueText));
    }
  });
  for (const ref of refs) {
    const x = x0 + ((x1 - x0) * ref.value) / max;
    g.append(s('line', { x1: x, x2: x, y1: -4, y2: rows.length * row, class: 'chart-ref' }));
    svg.append(s('text', { x, y: 12, 'text-anchor': 'middle', class: 'chart-ref-label' }, ref.label));
  }
  return svg;
}

/**
 * A unit's indicator profile: rows [{label, value, mean}] drawn as bars (the unit) and
 * short vertical lines (the category mean).
 */
export function profileChart({ rows, title, width, format, legend }) {
  const row = 30;
  const labelW = Math.min(Math.max(width * 0.34, 84), 200);
  const x0 = labelW + 8;
  const x1 = Math.max(x0 + 40, width - 46);
  const top = 26;
  const max = niceMax(Math.max(100, ...rows.flatMap((r) => [r.value ?? 0, r.mean ?? 0])));
  const lg = s('g', { transform: 'translate(0 4)' });
  lg.append(s('rect', { x: x0, y: 2, width: 14, height: 12, class: 'chart-bar' }));
  lg.append(s('text', { x: x0 + 20, y: 13, class: 'chart-tick' }, legend.unit));
  const mx = x0 + 36 + textWidth(legend.unit);
  lg.append(s('line', { x1: mx, x2: mx, y1: 0, y2: 16, class: 'chart-mean' }));
  lg.append(s('text', { x: mx + 8, y: 13, class: 'chart-tick' }, legend.mean));
  return plot({ title, width, top, rows, row, labelW, x0, x1, max, tick: format.tick, legend: lg }, (g, r, y) => {
    if (r.value !== null && r.value !== undefined) {
      const w = ((x1 - x0) * r.value) / max;
      g.append(s('rect', { x: x0, y: y + 7, width: Math.max(w, 1), height: row - 14, class: 'chart-bar' }));
      g.append(s('text', { x: x0 + Math.max(w, 1) + 4, y: y + row / 2 + 4, class: 'chart-value' }, format.value(r.value)));
    }
    if (r.mean !== null && r.mean !== undefined) {
      const x = x0 + ((x1 - x0) * r.mean) / max;
      g.append(s('line', { x1: x, x2: x, y1: y + 3, y2: y + row - 3, class: 'chart-mean' }));
    }
  }).svg;
}

/**
 * Draws `make(width)` into `host` now and again whenever the host's width changes, so that
 * text stays at its real size on a phone and on a desktop.
 */
export function mountChart(host, make) {
  let last = 0;
  const draw = () => {
    const w = Math.floor(host.clientWidth);
    if (!w || w === last) return;
    last = w;
    host.replaceChildren(make(w));
  };
  draw();
  if (!last) requestAnimationFrame(draw);
  new ResizeObserver(draw).observe(host);
}
