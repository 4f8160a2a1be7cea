// What the results and a unit's dialog both draw: a grade badge, the agreement of the
// experts in a category, what the quality rules did and a list of warnings, from the engine's
// result.
import { tr } from './i18n.js';
import { h } from './dom.js';
import { td, num } from './office-view.js';
import { state, t, view, nextId } from './office-state.js';

const { scrollTable, fmtUpTo, fmtInt, label, unitName, indicatorName, gradeName, instrumentName } = view;

/** The engine's warnings about `unit`. */
export const warningsOf = (unit) => state.result.warnings.filter((w) => w.unit === unit);

export function gradeBadge(grade) {
  return h('span', { class: `grade grade-${grade}`, text: gradeName(grade) });
}

export function renderAgreement(category, name) {
  const T = t();
  const rows = state.result.agreement.filter((a) => a.category === category).map((a) => h('tr', { class: a.low_agreement ? 'low' : null },
    h('th', { scope: 'row', text: indicatorName(a.indicator) }),
    num(fmtUpTo(a.alpha)),
    num(fmtUpTo(a.kendall_w)),
    num(fmtUpTo(a.icc_single)),
    num(fmtUpTo(a.icc_average)),
    num(`${fmtInt(a.raters)} / ${fmtInt(a.kendall_raters)}`),
    td(a.low_agreement ? `⚠ ${T.officeLowAgreement}` : T.officeAgreementOk, a.low_agreement ? 'flag' : 'muted')));
  if (!rows.length) return null;
  return scrollTable(T.officeAgreementRegion(name), T.officeAgreementCaption(name),
    [T.officeIndicator, T.officeAlpha, T.officeKendall, T.officeIccSingle, T.officeIccAverage, T.officeRaters, T.officeStatusCol], rows, { cls: 'agreement' });
}

export function renderWarnings(warnings, heading = t().officeAllWarnings, { level = 'h3', subjects = true } = {}) {
  const T = t();
  const id = nextId('w-');
  const box = h('section', { class: 'warnings', 'aria-labelledby': id }, h(level, { id, text: `${heading}${T.officeParen(warnings.length)}` }));
  if (!warnings.length) {
    box.append(h('p', { class: 'muted', text: T.officeNone }));
    return box;
  }
  box.append(h('ul', { class: 'warning-list' }, warnings.map((w) => h('li', {},
    subjects ? h('span', { class: 'subject', text: w.unit ? unitName(w.unit) : T.officeGeneral }) : null, subjects ? ' ' : null,
    tr(w.message, state.lang)))));
  return box;
}

/** One quality rule's cell: records touched, and the rule's action (with its weight). */
function ruleCell(T, rule) {
  const action = label(T.officeQualityActions, rule.action);
  return num(`${fmtInt(rule.touched)}${T.officeParen(rule.weight != null ? `${action} ×${fmtUpTo(rule.weight)}` : action)}`);
}

/**
 * What the quality rules did, as the engine counted it: `rows` are `[unit or null, entry]`
 * (an entry of a unit's `quality`, or of the result's totals: unit null), or null without rows.
 */
export function renderQuality(rows, { units = true, heading = t().officeQualityHeading } = {}) {
  const T = t();
  if (!rows.length) return null;
  const head = [...(units ? [T.officeUnit] : []), T.officeQualityInstrument, T.officeQualityRecords,
    ...rows[0][1].rules.map((r) => label(T.officeQualityRules, r.rule)), T.officeQualityExcluded, T.officeQualityDownWeighted];
  const body = rows.map(([unit, q]) => h('tr', { class: unit ? null : 'total' },
    ...(units ? [h('th', { scope: 'row', text: unit ? unitName(unit) : T.officeQualityTotal })] : []),
    units ? td(instrumentName(q.instrument)) : h('th', { scope: 'row', text: instrumentName(q.instrument) }),
    num(fmtInt(q.records)), ...q.rules.map((r) => ruleCell(T, r)),
    num(fmtInt(q.excluded)), num(fmtInt(q.down_weighted))));
  return scrollTable(heading, T.officeQualityCaption, head, body, { cls: 'quality' });
}
