// The year-end step of the tracking page (年终指标数据): the engine makes the year's indicator
// figures from the loaded tracking files in one call (Engine.yearEnd), with the office's
// overrides, and gives the file that the aggregation reads. This module draws the figures with
// their sources and gaps, collects overrides (field, value, reason) and offers the file; the
// engine decides every value, which fields an override may set, and refuses an override
// without a reason.
import { errorText, strings, tr } from './i18n.js';
import { h } from './dom.js';

/**
 * The step, over the page's state and helpers: `ctx` = { state, rerender, announce, download,
 * section, scrollTable, td, rowHead, unitName, indicatorName, fmt }.
 */
export function yearEndStep(ctx) {
  const { state } = ctx;
  const T = () => strings(state.lang);
  const ye = () => (state.yearEnd ??= { out: null, error: null, overrides: [] });

  // One call: the files as loaded, the overrides so far; on a refusal nothing is kept.
  function run(overrides) {
    const s = ye();
    try {
      s.out = state.engine.yearEnd({
        files: { ...state.files, through: state.through, lang: state.lang },
        overrides: overrides.map((o, i) => ({ ...o, row: i + 1 })),
      });
      s.overrides = overrides;
      s.error = null;
      return true;
    } catch (err) {
      s.error = errorText(err, state.lang);
      return false;
    }
  }

  function make() {
    const ok = run(ye().overrides);
    if (!ok) ye().out = null;
    ctx.rerender();
    const s = ye();
    if (s.error) {
      document.getElementById('yearend-error')?.focus();
      ctx.announce(s.error);
    } else {
      document.getElementById('yearend-result-h')?.focus();
      ctx.announce(T().trackYeDone(s.out.figures.indicators.length, s.out.figures.gaps));
    }
  }

  // What is typed in the form, kept across redraws (a refused override stays to be corrected).
  function keepDraft() {
    const value = (id) => document.getElementById(id)?.value ?? '';
    ye().draft = { field: value('ye-field'), value: value('ye-value'), reason: value('ye-reason') };
  }

  function addOverride() {
    keepDraft();
    const d = ye().draft;
    const fig = ye().out.figures.figures[ye().pick ?? 0];
    const next = [...ye().overrides, { unit: fig.unit, indicator: fig.indicator, ...d }];
    const ok = run(next);
    if (ok) ye().draft = null;
    ctx.rerender();
    if (ok) {
      ctx.announce(T().trackYeAdded(next.length));
      document.getElementById('ye-overrides-h')?.focus();
    } else {
      document.getElementById('yearend-error')?.focus();
      ctx.announce(ye().error);
    }
  }

  function removeOverride(i) {
    const next = ye().overrides.filter((_, k) => k !== i);
    run(next);
    ctx.rerender();
    ctx.announce(T().trackYeRemoved);
    document.getElementById('ye-overrides-h')?.focus();
  }

  const shown = (v) => (v === null || v === undefined ? '—'
    : typeof v === 'boolean' ? (v ? T().trackYes : T().trackNo) : ctx.fmt(v, 6));

  function overrideForm(figures) {
    const t = T();
    const pick = ye().pick ?? 0;
    const draft = ye().draft ?? {};
    const fig = figures[pick] ?? figures[0];
    const figSelect = h('select', {
      id: 'ye-figure',
      onchange: (e) => {
        keepDraft();
        ye().pick = Number(e.target.value);
        ctx.rerender();
        document.getElementById('ye-figure')?.focus();
      },
    }, figures.map((f, i) => h('option', { value: String(i), selected: i === pick, text: `${ctx.unitName(f.unit)} — ${ctx.indicatorName(f.indicator)}` })));
    const fieldSelect = h('select', { id: 'ye-field' },
      fig.fields.map((k) => h('option', { value: k, selected: k === draft.field, text: t.trackYeFields[k] ?? k })));
    const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id, text: label }), control);
    return h('form', {
      class: 'track-inputs ye-form',
      'aria-labelledby': 'ye-form-h',
      onsubmit: (e) => { e.preventDefault(); addOverride(); },
    },
    h('h3', { id: 'ye-form-h', text: t.trackYeFormHeading }),
    h('p', { class: 'hint', text: t.trackYeFormHint }),
    field('ye-figure', t.trackYeFigure, figSelect),
    h('p', { class: 'muted', id: 'ye-current', text: t.trackYeCurrent(tr(fig.value_text, state.lang) || tr(fig.gap, state.lang) || '—') }),
    field('ye-field', t.trackYeField, fieldSelect),
    field('ye-value', t.trackYeValue, h('input', { id: 'ye-value', type: 'text', autocomplete: 'off', value: draft.value ?? '' })),
    field('ye-reason', t.trackYeReason, h('input', { id: 'ye-reason', type: 'text', autocomplete: 'off', 'aria-describedby': 'ye-reason-hint', value: draft.reason ?? '' })),
    h('p', { class: 'hint', id: 'ye-reason-hint', text: t.trackYeReasonHint }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', id: 'ye-add', text: t.trackYeAdd })));
  }

  function result(out) {
    const t = T();
    const y = out.figures;
    const fact = (k, v) => h('div', {}, h('dt', { text: k }), h('dd', { text: v }));
    const facts = h('dl', { class: 'facts' },
      fact(t.trackAsOf, y.through),
      fact(t.trackYeAll, ctx.fmt(y.figures.length)),
      fact(t.trackYeScored, ctx.fmt(y.indicators.length)),
      fact(t.trackYeGaps, ctx.fmt(y.gaps)),
      fact(t.trackYeOverridesN, ctx.fmt(y.overrides.length)));
    const dl = h('button', {
      type: 'button', class: 'primary', id: 'ye-download',
      onclick: () => ctx.download(out.name, out.json, 'application/json;charset=utf-8'),
      text: t.trackYeDownload(out.name),
    });
    const overrides = y.overrides.length ? [
      h('h3', { id: 'ye-overrides-h', tabindex: '-1', text: t.trackYeOverridesHeading }),
      ctx.scrollTable(t.trackYeOverridesHeading, [t.trackUnit, t.trackIndicator, t.trackYeField, t.trackYeBefore, t.trackYeAfter, t.trackYeReason, ''],
        y.overrides.map((o, i) => h('tr', {},
          ctx.rowHead(ctx.unitName(o.unit)), ctx.td(ctx.indicatorName(o.indicator)), ctx.td(t.trackYeFields[o.field] ?? o.field),
          ctx.td(shown(o.original), 'num'), ctx.td(shown(o.value), 'num'), ctx.td(o.reason),
          h('td', {}, h('button', {
            type: 'button', class: 'linklike', id: `ye-remove-${i}`,
            'aria-label': t.trackYeRemoveOf(ctx.unitName(o.unit), ctx.indicatorName(o.indicator)),
            onclick: () => removeOverride(i), text: t.trackYeRemove,
          }))))),
    ] : [h('h3', { id: 'ye-overrides-h', tabindex: '-1', text: t.trackYeOverridesHeading }), h('p', { text: t.trackYeNoOverrides })];
    const rows = y.figures.map((f) => h('tr', { class: f.value ? (f.overridden ? 'overridden' : null) : 'gap' },
      ctx.rowHead(ctx.unitName(f.unit)), ctx.td(ctx.indicatorName(f.indicator)),
      ctx.td(f.derived_text ? tr(f.derived_text, state.lang) : `${t.trackYeGap}：${tr(f.gap, state.lang)}`, f.derived_text ? '' : 'behind'),
      ctx.td(f.value_text ? tr(f.value_text, state.lang) : '—'),
      ctx.td(f.sources.map((s) => tr(s.text, state.lang) + (s.source ? ` [${s.source.file}:${s.source.row}]` : '')).join('；'))));
    return [
      h('h3', { id: 'yearend-result-h', tabindex: '-1', text: t.trackYeResultHeading }),
      facts,
      h('div', { class: 'actions' }, dl),
      ...overrides,
      overrideForm(y.figures),
      h('h3', { text: t.trackYeFiguresHeading }),
      ctx.scrollTable(t.trackYeFiguresHeading, [t.trackUnit, t.trackIndicator, t.trackYeDerived, t.trackYeUsed, t.trackYeSources], rows, 'ye-table'),
    ];
  }

  function render() {
    const t = T();
    const s = ye();
    const error = s.error
      ? h('div', { class: 'error-summary', id: 'yearend-error', tabindex: '-1', role: 'alert' }, h('p', { text: s.error }))
      : null;
    return ctx.section('yearend-h', t.trackYeHeading,
      h('p', { class: 'hint', text: t.trackYeHint }),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: s.out ? 'secondary' : 'primary', id: 'make-year-end', onclick: make, text: t.trackYeMake })),
      error,
      s.out ? result(s.out) : null);
  }

  return { render };
}
