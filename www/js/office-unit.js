// A unit's details, in a modal dialog opened from the ranking: its summary, components,
// indicator breakdown, strengths and weaknesses, expert and public scores, team and cadres,
// the experts' agreement and its warnings, all as the engine computed them.
import { tr } from './i18n.js';
import { h } from './dom.js';
import { barChart, profileChart, mountChart } from './charts.js';
import { td, num } from './office-view.js';
import { state, t, view, nextId } from './office-state.js';
import { gradeBadge, renderAgreement, renderQuality, renderWarnings, warningsOf } from './office-tables.js';
import { cadreColumns } from './office-cadres.js';

const {
  scrollTable, fmt, fmtUpTo, fmtInt, fmtPct, fmtInterval, yesNo, label,
  unitName, categoryName, indicatorName, groupName, itemName, vetoText,
} = view;

/** The keys of the state the dialog reads. */
export const unitKeys = ['lang', 'result', 'satisfaction', 'levels', 'orientations', 'unit'];

let opener = null;

function dialogEl() {
  let d = document.getElementById('unit-dialog');
  if (!d) {
    d = h('dialog', { id: 'unit-dialog', class: 'unit-dialog', 'aria-labelledby': 'unit-h' });
    d.addEventListener('close', () => {
      state.unit = null;
      const back = opener?.isConnected ? opener
        : document.querySelector(`button[data-unit="${CSS.escape(d.dataset.unit ?? '')}"]`);
      back?.focus();
    });
    document.body.append(d);
  }
  return d;
}

/** Opens the dialog of unit `id`; the focus goes back to `from` when it closes. */
export function openUnit(id, from) {
  opener = from;
  state.unit = id;
  const d = dialogEl();
  d.dataset.unit = id;
  renderUnit(d);
  if (!d.open) d.showModal();
  document.getElementById('unit-h')?.focus();
}

/** The store's region: redraws the dialog when it is open. Draws nothing into the page. */
export function redrawUnit() {
  const d = document.getElementById('unit-dialog');
  if (d?.open && state.unit) renderUnit(d);
  return null;
}

function dl(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', {}, v))));
}

/** A subsection with its own heading. */
function sub(title, ...content) {
  const id = nextId('u-');
  return h('section', { 'aria-labelledby': id }, h('h3', { id, text: title }), ...content);
}

const intervalHead = (T, level) => (level ? T.officeInterval(level) : T.officeIntervalCol);

function summaryOf(T, u) {
  return sub(T.officeUnitSummary, dl([
    [T.officeUnitCategory, categoryName(u.category)],
    [T.officeRank, u.rank !== null && u.rank !== undefined ? String(u.rank) : T.officeNoRank],
    [T.officeComposite, fmt(u.composite_rounded)],
    [T.officeGrade, gradeBadge(u.grade)],
    [T.officeVeto, u.vetoes.length ? h('span', { class: 'veto', text: vetoText(u) }) : T.officeNone],
    [T.officeRectification, yesNo(u.rectification_required)],
    [T.officeYearsRunning, fmtInt(u.non_compliant_years_running)],
    [`${T.officeAdmonition}${T.officeParen(T.officeTeamHeading)}`, yesNo(u.team.admonition_talk)],
    [T.officeReorganisation, yesNo(u.team.reorganisation)],
  ]));
}

function componentsOf(T, c, level) {
  const comps = ['indicators', 'expert', 'public', 'leadership'].map((k) => {
    const s = c[k];
    return h('tr', {},
      h('th', { scope: 'row', text: label(T.officeComponents, k) }),
      num(fmtUpTo(s.weight)), num(fmtUpTo(s.weight_used)), num(fmt(s.value)), num(fmtInt(s.n)),
      num(fmtInterval(s.interval)), num(fmt(s.contribution)), td(label(T.officeStatus, s.status)));
  });
  return sub(T.officeComponentsHeading, scrollTable(T.officeComponentsHeading, null,
    [T.officeComponent, T.officeWeight, T.officeWeightUsed, T.officeValue, T.officeN,
      intervalHead(T, level), T.officeContribution, T.officeStatusCol], comps));
}

function inputText(T, it) {
  const v = it.input;
  if (!v) return '—';
  if (it.kind === 'data') return T.officeInputData(fmtUpTo(v.actual, 4), fmtUpTo(v.target, 4));
  if (it.kind === 'project') return T.officeInputProject(v.milestones_done, v.milestones_total);
  const verdict = v.passed ? T.officeInputPassed : T.officeInputFailed;
  return v.reason ? T.officeColon(verdict, tr(v.reason, state.lang)) : verdict;
}

/** The indicator breakdown with its profile chart; `mounts` gets the chart to draw once placed. */
function breakdownOf(T, u, means, mounts) {
  const items = u.components.indicators.items;
  const host = h('div', { class: 'chart-host' });
  mounts.push(() => mountChart(host, (width) => profileChart({
    width,
    title: T.officeChartProfile(unitName(u.unit)),
    rows: items.map((it) => ({ label: indicatorName(it.indicator), value: it.score, mean: means[it.indicator] })),
    format: { tick: (x) => fmtUpTo(x, 0), value: (x) => fmt(x) },
    legend: { unit: T.officeLegendUnit, mean: T.officeLegendMean },
  })));
  return sub(T.officeBreakdownHeading,
    h('figure', { class: 'chart-figure' }, host, h('figcaption', { text: T.officeChartProfileCaption })),
    scrollTable(T.officeBreakdownHeading, null,
      [T.officeIndicator, T.officeKind, T.officeInput, T.officeRatio, T.officePanel, T.officeScore,
        T.officeCategoryMean, T.officeWeight, T.officeWeightUsed, T.officeContribution],
      items.map((it) => h('tr', {},
        h('th', { scope: 'row', text: indicatorName(it.indicator) }),
        td(label(T.officeKinds, it.kind)), td(inputText(T, it)), num(fmtUpTo(it.ratio)), num(fmt(it.expert)),
        num(fmt(it.score)), num(fmt(means[it.indicator])), num(fmtUpTo(it.weight)), num(fmtUpTo(it.weight_used)),
        num(fmt(it.contribution)))),
      { cls: 'breakdown' }));
}

/** The unit's subtotals by orientation against its category's means (Engine.orientationSubtotals). */
function orientationsOf(T, u) {
  const o = (state.orientations ?? []).find((x) => x.category === u.category);
  const mine = o?.units.find((x) => x.unit === u.unit);
  if (!mine || !mine.subtotals.length) return null;
  return sub(T.officeOrientationHeading,
    h('p', { class: 'hint', text: T.officeOrientationHint }),
    scrollTable(T.officeOrientationHeading, null,
      [T.officeOrientation, T.officeOrientationScored, T.officeWeight, T.officeScore, T.officeCategoryMean, T.officeContribution],
      mine.subtotals.map((s, k) => h('tr', {},
        h('th', { scope: 'row', text: label(T.officeOrientations, s.orientation) }),
        num(`${s.scored} / ${s.indicators}`), num(fmtUpTo(s.weight)), num(fmt(s.score)), num(fmt(o.means[k])), num(fmt(s.contribution)))),
      { cls: 'orientation' }));
}

function listsOf(T, u) {
  const listTable = (title, list) => h('div', { class: 'list-col' }, h('h4', { text: title }),
    list.length ? scrollTable(title, null, [T.officeIndicator, T.officeScore, T.officeCategoryMean, T.officeDifference],
      list.map((li) => h('tr', {}, h('th', { scope: 'row', text: indicatorName(li.indicator) }),
        num(fmt(li.score)), num(fmt(li.category_mean)), num(fmt(li.difference))))) : h('p', { class: 'muted', text: T.officeNone }));
  return sub(T.officeListsHeading, h('div', { class: 'lists' },
    listTable(T.officePositive, u.positive), listTable(T.officeNegative, u.negative)));
}

function expertOf(T, e, level) {
  return sub(T.officeExpertHeading, scrollTable(T.officeExpertHeading, null,
    [T.officeGroup, T.officeWeight, T.officeWeightUsed, T.officeN, T.officeUnable, T.officeValue, T.officeStatusCol],
    e.groups.map((g) => h('tr', {}, h('th', { scope: 'row', text: groupName(g.group) }),
      num(fmtUpTo(g.weight)), num(fmtUpTo(g.weight_used)), num(fmtInt(g.n)), num(fmtInt(g.unable_to_judge)),
      num(fmt(g.value)), td(label(T.officeStatus, g.status))))),
  e.indicators.length ? scrollTable(T.officeExpertByIndicator, T.officeExpertByIndicator,
    [T.officeIndicator, T.officeValue, ...e.groups.map((g) => groupName(g.group)), intervalHead(T, level), T.officeRange],
    e.indicators.map((ei) => h('tr', {}, h('th', { scope: 'row', text: indicatorName(ei.indicator) }),
      num(fmt(ei.value)), ...e.groups.map((g) => {
        const x = ei.groups.find((y) => y.group === g.group);
        return num(x ? `${fmt(x.value)}${T.officeParen(`n = ${fmtInt(x.n)}`)}` : '—');
      }),
      num(fmtInterval(ei.interval)),
      num(ei.distribution?.length ? `${fmtUpTo(ei.distribution[0].value)} – ${fmtUpTo(ei.distribution.at(-1).value)}` : '—')))) : null);
}

/** The panel's comments on the unit, as the engine keeps them (no reviewer named). */
function commentsOf(T, u) {
  const comments = u.comments ?? [];
  return sub(T.officeCommentsHeading, comments.length ? scrollTable(T.officeCommentsHeading, null,
    [T.officeIndicator, T.officeGroup, T.officeScore, T.officeComment],
    comments.map((c) => h('tr', {}, h('th', { scope: 'row', text: indicatorName(c.indicator) }),
      td(groupName(c.group)), num(c.score === null || c.score === undefined ? T.officeUnable : fmtUpTo(c.score)), td(c.text))))
    : h('p', { class: 'muted', text: T.officeNone }));
}

/**
 * The unit's answers to the satisfaction question as the engine gives them with the result:
 * how many gave each score and their share, highest first, each named by the scale point's
 * label, else the answer, else the score.
 */
function satisfactionOf(unit) {
  const s = (state.satisfaction ?? []).find((x) => x.unit === unit);
  if (!s) return null;
  const rows = s.answers.map((d) => ({
    label: d.label ? tr(d.label, state.lang) : fmtUpTo(d.answer ?? d.value),
    value: d.value, count: d.count, share: d.share,
  }));
  return { item: s.question, rows };
}

/** The public's scores, with the satisfaction question's chart (into `mounts`). */
function publicOf(T, u, level, mounts) {
  const p = u.components.public;
  const sat = satisfactionOf(u.unit);
  const distHost = h('div', { class: 'chart-host' });
  if (sat) {
    mounts.push(() => mountChart(distHost, (width) => barChart({
      width,
      title: T.officeChartDistribution(unitName(u.unit), itemName(sat.item)),
      rows: sat.rows.map((d) => ({ label: d.label, value: d.share * 100, valueText: `${fmtInt(d.count)}${T.officeParen(fmtPct(d.share))}` })),
      format: { tick: (x) => `${fmtUpTo(x, 0)}%` },
    })));
  }
  return sub(T.officePublicHeading,
    p.n ? dl([
      [T.officeValue, `${fmt(p.value)}${T.officeParen(`${fmtInterval(p.interval)}, n = ${fmtInt(p.n)}${p.n_eff != null ? `, n_eff = ${fmtUpTo(p.n_eff, 1)}` : ''}`)}`],
      [T.officeSatisfaction, p.satisfaction_rate
        ? `${fmtPct(p.satisfaction_rate.estimate)}${T.officeParen(fmtInterval(p.satisfaction_rate, fmtPct))}` : '—'],
      [T.officeNps, p.nps ? `${fmt(p.nps.nps)}${T.officeParen(`n = ${fmtInt(p.nps.n)}`)}` : '—'],
      [T.officeCronbach, p.cronbach_alpha != null ? `${fmtUpTo(p.cronbach_alpha)}${T.officeParen(`n = ${fmtInt(p.cronbach_n)}`)}` : '—'],
    ]) : h('p', { class: 'muted', text: `${T.officeNoPublic}${T.officeParen(label(T.officeStatus, p.status))}` }),
    sat ? h('figure', { class: 'chart-figure' }, distHost,
      h('figcaption', { text: T.officeChartDistributionCaption(itemName(sat.item)) })) : null,
    sat ? scrollTable(T.officeDistribution(itemName(sat.item)), T.officeDistribution(itemName(sat.item)),
      [T.officeAnswer, T.officeScore, T.officeCount, T.officeShare],
      sat.rows.map((d) => h('tr', {}, h('th', { scope: 'row', text: d.label }), num(fmtUpTo(d.value)), num(fmtInt(d.count)), num(fmtPct(d.share))))) : null,
    p.items.length ? scrollTable(T.officePublicHeading, null,
      [T.officeIndicator, T.officeN, T.officeUnable, T.officeValue, intervalHead(T, level)],
      p.items.map((it) => h('tr', {}, h('th', { scope: 'row', text: itemName(it.item) }),
        num(fmtInt(it.n)), num(fmtInt(it.unable_to_judge)), num(fmt(it.mean)), num(fmtInterval(it.interval)))), { cls: 'narrow' }) : null,
    p.priorities ? scrollTable(T.officePriorities(fmtInt(p.priorities.n)), null,
      [T.officeAnswer, T.officeCount, T.officeShare],
      p.priorities.options.map((o) => h('tr', {}, h('th', { scope: 'row', text: tr(o.label, state.lang) }),
        num(fmtInt(o.count)), num(fmtPct(o.share)))), { cls: 'narrow' }) : null);
}

function teamOf(T, u) {
  return sub(T.officeTeamHeading, dl([
    [T.officeTeamScore, fmt(u.team.score)],
    [T.officeTeamGrade, label(T.officeTeamGrades, u.team.grade)],
    [T.officePreviousGrade, u.team.previous_grade ? label(T.officeTeamGrades, u.team.previous_grade) : '—'],
    [T.officeAdmonition, yesNo(u.team.admonition_talk)],
    [T.officeReorganisation, yesNo(u.team.reorganisation)],
  ]));
}

function cadresOf(T, u) {
  const { head, cells } = cadreColumns(T, state.result);
  return sub(T.officeCadresHeading, scrollTable(T.officeCadresHeading, null, head,
    u.cadres.map((cd) => h('tr', { class: cd.admonition_talk ? 'flagged' : null }, ...cells(cd)))));
}

function renderUnit(d) {
  const T = t();
  const r = state.result;
  const u = r.units.find((x) => x.unit === state.unit);
  if (!u) return;
  const means = r.categories.find((c) => c.category === u.category)?.indicator_means ?? {};
  const c = u.components;
  const level = state.levels?.[u.unit]; // the engine's (Engine.unitConfidences)
  const mounts = [];

  const head = h('div', { class: 'dialog-head' },
    h('h2', { id: 'unit-h', tabindex: '-1', text: unitName(u.unit) }),
    h('button', { type: 'button', class: 'secondary small', onclick: () => d.close(), text: T.officeClose }));
  const agreement = sub(T.officeAgreementHeading, renderAgreement(u.category, categoryName(u.category)) ?? h('p', { class: 'muted', text: T.officeNone }));
  const warnings = renderWarnings(warningsOf(u.unit), T.officeUnitWarnings, { subjects: false });
  const quality = u.quality?.length ? sub(T.officeQualityHeading, renderQuality(u.quality.map((q) => [u.unit, q]), { units: false })) : null;

  d.replaceChildren(head, h('div', { class: 'dialog-body' },
    summaryOf(T, u), componentsOf(T, c, level), breakdownOf(T, u, means, mounts), orientationsOf(T, u), listsOf(T, u),
    expertOf(T, c.expert, level), commentsOf(T, u), publicOf(T, u, level, mounts), quality, teamOf(T, u), cadresOf(T, u), agreement, warnings));
  for (const mount of mounts) mount();
}
