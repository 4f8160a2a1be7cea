// The tracking trend chart: one unit's completion per period with the time-progress line and
// the target (100%) line. It computes only positions; every value comes from the engine.
// An <svg role="img"> with a label; the caller puts a real data table beside it.
import { svg as s } from './dom.js';

/**
 * points: [{label, completion (number|null), progress}], title, width, keys {completion,
 * progress, target}, format(x) for ticks.
 */
export function trendChart({ points, title, width, keys, format }) {
  const top = 30;
  const left = 44;
  const right = 12;
  const plotH = 200;
  const h = top + plotH + 28;
  const x1 = Math.max(left + 40, width - right);
  const values = points.flatMap((p) => [p.completion ?? 0, p.progress ?? 0]);
  const max = Math.max(100, Math.ceil(Math.max(...values) / 20) * 20);
  const y = (v) => top + plotH - (plotH * v) / max;
  const step = points.length > 1 ? (x1 - left) / (points.length - 1) : 0;
  const x = (i) => (points.length > 1 ? left + i * step : (left + x1) / 2);
  const svg = s('svg', { width, height: h, viewBox: `0 0 ${width} ${h}`, role: 'img', 'aria-label': title, class: 'chart' });
  svg.append(s('title', {}, title));
  for (let t = 0; t <= max; t += max > 120 ? 40 : 20) {
    svg.append(s('line', { x1: left, x2: x1, y1: y(t), y2: y(t), class: 'chart-grid' }));
    svg.append(s('text', { x: left - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'chart-tick' }, format(t)));
  }
  const every = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor((x1 - left) / 56))));
  points.forEach((p, i) => {
    if (i % every === 0 || i === points.length - 1) {
      svg.append(s('text', { x: x(i), y: top + plotH + 18, 'text-anchor': 'middle', class: 'chart-tick' }, p.label));
    }
  });
  svg.append(s('line', { x1: left, x2: x1, y1: y(100), y2: y(100), class: 'chart-line target' }));
  const path = (key) => {
    let d = '';
    let pen = false;
    points.forEach((p, i) => {
      const v = p[key];
      if (v === null || v === undefined) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)} `;
      pen = true;
    });
    return d.trim();
  };
  const pd = path('progress');
  if (pd) svg.append(s('path', { d: pd, class: 'chart-line progress' }));
  const cd = path('completion');
  if (cd) svg.append(s('path', { d: cd, class: 'chart-line' }));
  points.forEach((p, i) => {
    if (p.completion !== null && p.completion !== undefined) {
      svg.append(s('circle', { cx: x(i), cy: y(p.completion), r: 3.5, class: 'chart-dot' }));
    }
  });
  // key
  let kx = left;
  for (const [cls, text] of [['', keys.completion], ['progress', keys.progress], ['target', keys.target]]) {
    svg.append(s('line', { x1: kx, x2: kx + 22, y1: 12, y2: 12, class: `chart-line ${cls}` }));
    svg.append(s('text', { x: kx + 28, y: 16, class: 'chart-key' }, text));
    let w = 0;
    for (const ch of text) w += ch.charCodeAt(0) > 0x2e80 ? 12 : 7.5;
    kx += 28 + w + 18;
  }
  return svg;
}
