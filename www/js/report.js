// The printable results report (zh-CN or en): the office's last result, as the office page
// saved it in this browser, laid out for paper and PDF. It computes nothing: every figure is
// the engine's.
import { pickLang, tr } from './i18n.js';
import { h } from './dom.js';
import { applyChrome } from './page.js';
import { td, num, bind } from './office-view.js';
import * as saved from './office-store.js';

const params = new URLSearchParams(location.search);
const main = document.getElementById('main');
const switcher = document.getElementById('lang-switch');

const state = {
  lang: pickLang(params.get('lang') || localStorage.getItem('kaoping:lang') || 'zh-CN'),
  plan: null,
  result: null,
  ingest: null,
  at: null,
};
const {
  t, scrollTable, fmt, fmtUpTo, fmtInt, label, unitName, categoryName, indicatorName, groupName, gradeName, vetoText,
} = bind(state);

function category(cat, units) {
  const T = t();
  const name = categoryName(cat.category);
  const id = `cat-${cat.category}`;
  const rows = cat.ranking.map((e) => {
    const u = units.get(e.unit);
    return h('tr', {},
      num(e.rank ?? T.officeNoRank),
      h('th', { scope: 'row', text: unitName(e.unit) }),
      num(fmt(e.score)),
      td(gradeName(e.grade)),
      td(u.vetoes.length ? vetoText(u) : T.officeNone));
  });
  const agreement = state.result.agreement.filter((a) => a.category === cat.category);
  return h('section', { class: 'category', 'aria-labelledby': id },
    h('h2', { id, text: name }),
    scrollTable(T.officeRankingRegion(name), T.officeRankingCaption(name),
      [T.officeRank, T.officeUnit, T.officeComposite, T.officeGrade, T.officeVeto], rows, { cls: 'ranking' }),
    agreement.length ? scrollTable(T.officeAgreementRegion(name), T.officeAgreementCaption(name),
      [T.officeIndicator, T.officeAlpha, T.officeKendall, T.officeIccSingle, T.officeIccAverage, T.officeStatusCol],
      agreement.map((a) => h('tr', {}, h('th', { scope: 'row', text: indicatorName(a.indicator) }),
        num(fmtUpTo(a.alpha)), num(fmtUpTo(a.kendall_w)), num(fmtUpTo(a.icc_single)), num(fmtUpTo(a.icc_average)),
        td(a.low_agreement ? T.officeLowAgreement : T.officeAgreementOk))), { cls: 'agreement' }) : null);
}

function unitSection(u) {
  const T = t();
  const id = `unit-${u.unit}`;
  const c = u.components;
  const comps = ['indicators', 'expert', 'public', 'leadership'].map((k) => h('tr', {},
    h('th', { scope: 'row', text: label(T.officeComponents, k) }),
    num(fmtUpTo(c[k].weight_used)), num(fmt(c[k].value)), num(fmtInt(c[k].n)), num(fmt(c[k].contribution)),
    td(label(T.officeStatus, c[k].status))));
  const list = (title, items) => h('div', {}, h('h4', { text: title }),
    items.length ? h('ul', {}, items.map((li) => h('li', {},
      `${indicatorName(li.indicator)}: ${fmt(li.score)}${T.officeParen(`${T.officeCategoryMean} ${fmt(li.category_mean)}`)}`)))
      : h('p', { class: 'muted', text: T.officeNone }));
  const warnings = state.result.warnings.filter((w) => w.unit === u.unit);
  // The panel's comments as the engine keeps them (no reviewer named), as in the unit dialog.
  const comments = u.comments ?? [];
  const commentTable = comments.length ? h('div', { class: 'comments' }, h('h4', { text: T.officeCommentsHeading }),
    scrollTable(`${unitName(u.unit)}${T.officeCommentsHeading}`, null,
      [T.officeIndicator, T.officeGroup, T.officeScore, T.officeComment],
      comments.map((c) => h('tr', {}, h('th', { scope: 'row', text: indicatorName(c.indicator) }), td(groupName(c.group)),
        num(c.score === null || c.score === undefined ? T.officeUnable : fmtUpTo(c.score)), td(c.text))))) : null;
  return h('section', { class: 'unit', 'aria-labelledby': id },
    h('h3', { id, text: `${unitName(u.unit)}${T.officeParen(categoryName(u.category))}` }),
    h('p', { class: 'unit-line' },
      `${T.officeRank} ${u.rank ?? T.officeNoRank} · ${T.officeComposite} ${fmt(u.composite_rounded)} · ${T.officeGrade} ${gradeName(u.grade)}`
      + (u.vetoes.length ? ` · ${T.officeVeto} ${vetoText(u)}` : '')
      + (u.rectification_required ? ` · ${T.officeRectification}` : '')),
    scrollTable(T.officeComponentsHeading, null,
      [T.officeComponent, T.officeWeightUsed, T.officeValue, T.officeN, T.officeContribution, T.officeStatusCol], comps),
    h('div', { class: 'lists' }, list(T.officePositive, u.positive), list(T.officeNegative, u.negative)),
    commentTable,
    warnings.length ? h('ul', { class: 'warning-list' }, warnings.map((w) => h('li', { text: tr(w.message, state.lang) }))) : null);
}

function render() {
  const T = t();
  applyChrome(T, state.lang, T.reportTitle);
  const back = h('a', { href: `office.html${state.lang === 'en' ? '?lang=en' : ''}`, text: T.reportBack });
  const r = state.result;
  if (!r) {
    main.replaceChildren(h('h1', { text: T.reportTitle }), h('p', {}, T.reportNone, ' ', back));
    return;
  }
  const units = new Map(r.units.map((u) => [u.unit, u]));
  const ing = state.ingest;
  main.replaceChildren(
    h('h1', { text: `${tr(state.plan?.title, state.lang) || r.plan_id}：${T.reportTitle}`.replace('：', state.lang === 'en' ? ': ' : '：') }),
    h('p', { class: 'report-meta' },
      T.reportMeta(`${r.plan_id} ${r.plan_version}`, new Date(state.at).toLocaleString(state.lang)), h('br'),
      `${T.officePlanSha}: `, h('span', { class: 'mono', text: r.plan_sha256 }),
      ing ? h('br') : null,
      ing ? T.officeRecordsRead(fmtInt(ing.read), fmtInt(ing.accepted), fmtInt(ing.rejected.length)) : null),
    h('div', { class: 'report-actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => window.print(), text: T.reportPrint }), back),
    ...r.categories.map((c) => category(c, units)),
    h('section', { class: 'units-detail', 'aria-labelledby': 'units-h' },
      h('h2', { id: 'units-h', text: T.reportUnits }),
      ...r.categories.flatMap((c) => c.ranking.map((e) => unitSection(units.get(e.unit))))),
    h('section', { 'aria-labelledby': 'warn-h' },
      h('h2', { id: 'warn-h', text: `${T.officeAllWarnings}${T.officeParen(r.warnings.length)}` }),
      r.warnings.length ? h('ul', { class: 'warning-list' }, r.warnings.map((w) => h('li', {},
        w.unit ? `${unitName(w.unit)}：`.replace('：', state.lang === 'en' ? ': ' : '：') : '', tr(w.message, state.lang))))
        : h('p', { class: 'muted', text: T.officeNone })),
  );
}

switcher.addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem('kaoping:lang', state.lang);
  render();
  switcher.focus();
});

saved.get('result').then((last) => {
  if (last?.result) Object.assign(state, { result: last.result, plan: last.plan, ingest: last.ingest, at: last.at });
  render();
});
