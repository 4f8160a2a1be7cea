// What the office page and the printable report share: table helpers, how numbers look (the
// values come from the engine) and names from the plan and the result. No rule about scores
// lives here.
import { strings, tr } from './i18n.js';
import './i18n-office.js';
import { h } from './dom.js';

/** A drop zone with a real button and a file input behind it; `onFiles(FileList)`. */
export function dropZone(cls, content, onFiles, accepts = () => true) {
  const zone = h('div', { class: cls }, ...content);
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (accepts()) onFiles(e.dataTransfer?.files);
  });
  return zone;
}

export const td = (text, cls) => h('td', { class: cls, text: text ?? '' });
export const num = (text) => td(text, 'num');

/**
 * Helpers bound to a view's state (`{ lang, plan, result }`, read at each call, so the
 * caller may change it later).
 */
export function bind(state) {
  const t = () => strings(state.lang);
  /** A table inside its own labelled, focusable scroll container. */
  function scrollTable(label, caption, head, rows, { cls = '', bodies } = {}) {
    const table = h('table', { class: `data ${cls}` },
      caption ? h('caption', { text: caption }) : null,
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col', text: c })))),
      bodies ?? h('tbody', {}, rows));
    return h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': t().officeRegion(label) }, table);
  }

  // ---- formatting (only how numbers look; the values come from the engine) -------------------

  function fmt(x, decimals = state.result?.precision ?? 2) {
    if (x === null || x === undefined || Number.isNaN(x)) return '—';
    return new Intl.NumberFormat(state.lang, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(x);
  }
  const fmtUpTo = (x, d = 3) => (x === null || x === undefined ? '—'
    : new Intl.NumberFormat(state.lang, { maximumFractionDigits: d }).format(x));
  const fmtInt = (x) => (x === null || x === undefined ? '—' : new Intl.NumberFormat(state.lang).format(x));
  const fmtPct = (x) => (x === null || x === undefined ? '—' : `${fmt(x * 100)}%`);
  const fmtInterval = (iv, f = fmt) => (iv ? `${f(iv.lower)} – ${f(iv.upper)}` : '—');
  const yesNo = (b) => (b ? t().officeYes : t().officeNo);

  // ---- names from the plan and the result ----------------------------------------------------

  const planOf = () => state.plan;
  const unitName = (id) => tr(planOf()?.units.find((u) => u.id === id)?.name, state.lang) || id;
  const categoryName = (id) => tr(planOf()?.categories.find((c) => c.id === id)?.name, state.lang) || id;
  const indicatorName = (id) => tr(planOf()?.indicators.find((i) => i.id === id)?.name, state.lang) || id;
  const label = (map, id) => map[id] ?? id;

  function gradeName(id) {
    const rule = state.result?.rules?.grades?.find((g) => g.id === id);
    return rule ? tr(rule.name, state.lang) : label(t().officeGrades, id);
  }

  function groupName(id) {
    const ins = planOf()?.instruments.find((i) => i.id === state.result?.rules?.expert?.instrument);
    return tr(ins?.review?.groups.find((g) => g.id === id)?.name, state.lang) || id;
  }

  function questionOf(instrumentId, questionId) {
    const ins = planOf()?.instruments.find((i) => i.id === instrumentId);
    for (const s of ins?.sections ?? []) for (const q of s.questions) if (q.id === questionId) return q;
    return null;
  }

  function cadreName(id) {
    const rules = state.result?.rules?.leadership;
    const q = questionOf(rules?.instrument, rules?.cadre_question);
    return tr(q?.rows?.find((r) => r.value === id)?.label, state.lang) || id;
  }

  function itemName(id) {
    const [qid, row] = id.split('/');
    const q = questionOf(state.result?.rules?.public?.instrument, qid);
    if (!q) return id;
    const rowLabel = row ? tr(q.rows?.find((r) => r.value === row)?.label, state.lang) : '';
    return rowLabel || tr(q.label, state.lang);
  }

  function instrumentName(id) {
    return tr(planOf()?.instruments.find((i) => i.id === id)?.title, state.lang) || id;
  }

  /** A unit's vetoes in one line: each indicator with the engine's reason. */
  function vetoText(u) {
    return u.vetoes.map((v) => t().officeVetoReason(indicatorName(v.indicator), tr(v.reason, state.lang) || '—')).join(t().officeSep);
  }

  return {
    t, scrollTable, fmt, fmtUpTo, fmtInt, fmtPct, fmtInterval, yesNo, label,
    unitName, categoryName, indicatorName, gradeName, groupName, questionOf, cadreName, itemName, instrumentName,
    vetoText,
  };
}
