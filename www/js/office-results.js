// Step 3 of the office page: the results. The exports (made by the engine in the worker), and
// per category the ranking, its chart and the experts' agreement; a unit's name opens its
// dialog (office-unit.js).
import { errorText, tr } from './i18n.js';
import { h } from './dom.js';
import { barChart, mountChart } from './charts.js';
import { td, num } from './office-view.js';
import { download } from './page.js';
import { state, t, view } from './office-state.js';
import { runner } from './office-runner.js';
import { gradeBadge, renderAgreement, renderQuality, renderWarnings, warningsOf } from './office-tables.js';
import { openUnit } from './office-unit.js';
import { renderCadresSection } from './office-cadres.js';

const { scrollTable, fmt, fmtUpTo, unitName, categoryName, vetoText } = view;

/** The keys of the state this step reads. */
export const resultsKeys = ['lang', 'result', 'orientations', 'ingest', 'manifest', 'outputs', 'lastRun'];

export function renderResults() {
  const T = t();
  const r = state.result;
  const sec = h('section', { class: 'office-step results', 'aria-labelledby': 'results-h' },
    h('h2', { id: 'results-h', tabindex: '-1', text: T.officeResultsHeading }));
  if (!r) {
    sec.append(h('p', { class: 'hint', text: T.officeResultsNone }));
    return sec;
  }
  sec.append(h('p', { class: 'hint' }, T.officeResultsFor(`${r.plan_id} ${r.plan_version}`, r.plan_sha256.slice(0, 12), r.precision)));
  const units = new Map(r.units.map((u) => [u.unit, u]));
  sec.append(renderExports());
  for (const cat of r.categories) sec.append(renderCategory(cat, units));
  sec.append(renderCadresSection(r));
  sec.append(renderQualitySection(r));
  sec.append(renderWarnings(r.warnings));
  return sec;
}

// Exports are made by the engine in the worker, for the result and the page's language, the
// first time the results are drawn in that language.
let exportsFor = null;

function requestExports() {
  const key = { result: state.result, lang: state.lang };
  if (exportsFor && exportsFor.result === key.result && exportsFor.lang === key.lang) return;
  exportsFor = { ...key, files: null, error: null };
  const r = state.result;
  runner.request({ type: 'exports', text: state.planText, result: r, ingest: state.ingest, lang: state.lang,
    base: `kaoping-${r.plan_id}-${r.plan_version}` })
    .then((files) => { if (exportsFor?.result === key.result && exportsFor.lang === key.lang) exportsFor.files = files; })
    .catch((err) => { if (exportsFor?.result === key.result) exportsFor.error = errorText(err, key.lang); })
    .finally(() => {
      const box = document.getElementById('exports');
      if (box && exportsFor?.result === state.result) box.replaceWith(renderExports());
    });
}

function renderExports() {
  const T = t();
  requestExports();
  const box = h('section', { class: 'exports', id: 'exports', 'aria-labelledby': 'exports-h' },
    h('h3', { id: 'exports-h', text: T.officeExportHeading }),
    h('p', { class: 'hint', text: T.officeExportHint }));
  const files = exportsFor?.files;
  const button = (f, text, id) => h('button', { type: 'button', class: 'secondary', id,
    onclick: () => download(f.name, new Blob([f.bytes], { type: f.type })), text });
  const report = h('a', { class: 'button secondary', href: `report.html${state.lang === 'en' ? '?lang=en' : ''}`, target: '_blank', id: 'open-report', text: T.officeExportReport });
  if (exportsFor?.error) {
    box.append(h('p', { class: 'error-message', text: T.officeExportFailed + exportsFor.error }), h('div', { class: 'actions' }, report));
    return box;
  }
  if (!files) {
    box.append(h('p', { class: 'hint', role: 'status', text: T.officeExportPreparing }), h('div', { class: 'actions' }, report));
    return box;
  }
  const of = (kind) => files.filter((f) => f.kind === kind);
  const main = h('div', { class: 'actions' },
    ...of('xlsx').map((f) => button(f, T.officeExportXlsx, 'export-xlsx')),
    ...of('json').map((f) => button(f, T.officeExportJson, 'export-json')),
    ...of('rejections').map((f) => button(f, T.officeExportRejections, 'export-rejections')),
    state.manifest && state.lastRun === 'files' ? h('button', { type: 'button', class: 'secondary', id: 'export-manifest',
      onclick: () => download('manifest.json', new Blob([`${JSON.stringify(state.manifest, null, 2)}\n`], { type: 'application/json' })),
      text: T.officeExportManifest }) : null,
    report);
  const pub = of('public');
  const publicBox = pub.length ? [h('h4', { text: T.officeExportPublicHeading }), h('p', { class: 'hint', text: T.officeExportPublicHint }),
    h('div', { class: 'actions' }, ...pub.map((f) => button(f, T.officeExportPublic, 'export-public')),
      ...of('letters').map((f) => button(f, T.officeExportLetters, 'export-letters')))] : [];
  const csv = of('csv');
  const list = h('ul', { class: 'csv-list' }, csv.map((f) => h('li', {},
    h('button', { type: 'button', class: 'linklike', 'aria-label': T.officeExportCsvOne(f.title),
      onclick: () => download(f.name, new Blob([f.bytes], { type: f.type })) }, f.title), ' ',
    h('span', { class: 'muted', text: f.name }))));
  box.append(main, ...publicBox, h('h4', { text: T.officeExportCsvHeading }), h('p', { class: 'hint', text: T.officeExportCsvHint }), list);
  // The run's own output files, byte for byte as the manifest hashes them (in the run's
  // language), under the manifest's names: what `kaoping verify` and the check below compare.
  if (state.manifest && state.lastRun === 'files' && state.outputs?.length) {
    const type = (name) => (name.endsWith('.csv') ? 'text/csv;charset=utf-8' : name.endsWith('.json') ? 'application/json'
      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    box.append(h('h4', { text: T.officeAuditedHeading }), h('p', { class: 'hint', text: T.officeAuditedHint }),
      h('ul', { class: 'csv-list', id: 'audited-files' }, state.outputs.map((f) => h('li', {},
        h('button', { type: 'button', class: 'linklike', 'aria-label': T.officeAuditedOne(f.name),
          onclick: () => download(f.name, new Blob([f.bytes], { type: type(f.name) })) }, f.name)))));
  }
  return box;
}

function renderCategory(cat, units) {
  const T = t();
  const name = categoryName(cat.category);
  const hid = `cat-${cat.category}`;
  const box = h('section', { class: 'category', 'aria-labelledby': hid }, h('h3', { id: hid, text: name }));
  const rows = cat.ranking.map((e) => {
    const u = units.get(e.unit);
    const nw = warningsOf(e.unit).length;
    return h('tr', { class: u.vetoes.length ? 'vetoed' : null },
      num(e.rank ?? T.officeNoRank),
      h('th', { scope: 'row' }, h('button', {
        type: 'button', class: 'linklike', 'data-unit': e.unit, 'aria-haspopup': 'dialog',
        'aria-label': T.officeDetails(unitName(e.unit)), onclick: (ev) => openUnit(e.unit, ev.currentTarget),
      }, unitName(e.unit))),
      num(fmt(e.score)),
      h('td', {}, gradeBadge(e.grade)),
      td(u.vetoes.length ? vetoText(u) : T.officeNone, u.vetoes.length ? 'veto' : 'muted'),
      td(nw ? T.officeWarningsCount(nw) : T.officeNone, nw ? null : 'muted'));
  });
  box.append(scrollTable(T.officeRankingRegion(name), T.officeRankingCaption(name),
    [T.officeRank, T.officeUnit, T.officeComposite, T.officeGrade, T.officeVeto, T.officeWarnings], rows, { cls: 'ranking' }));

  const refs = (state.result.rules?.grades ?? [])
    .filter((g) => g.min_score !== null && g.min_score !== undefined)
    .map((g) => ({ value: g.min_score, label: `${tr(g.name, state.lang)} ${fmtUpTo(g.min_score)}` }));
  const host = h('div', { class: 'chart-host' });
  box.append(h('figure', { class: 'chart-figure' }, host,
    h('figcaption', { text: T.officeChartRankingCaption(name) })));
  mountChart(host, (width) => barChart({
    width,
    title: T.officeChartRanking(name),
    rows: cat.ranking.map((e) => ({ label: unitName(e.unit), value: e.score, valueText: fmt(e.score), cls: `grade-${e.grade}` })),
    format: { tick: (x) => fmtUpTo(x, 0) },
    refs: refs.length < 4 ? refs.map((x) => ({ ...x, label: fmtUpTo(x.value) })) : [],
  }));

  box.append(renderOrientations(cat, name));
  box.append(renderAgreement(cat.category, name));
  return box;
}

/** The category's subtotals by orientation (the engine's, Engine.orientationSubtotals), units in ranking order. */
function renderOrientations(cat, name) {
  const T = t();
  const o = (state.orientations ?? []).find((x) => x.category === cat.category);
  if (!o || !o.orientations.length) return null;
  const byUnit = new Map(o.units.map((u) => [u.unit, u.subtotals]));
  const rows = cat.ranking.filter((e) => byUnit.has(e.unit)).map((e) => h('tr', {},
    h('th', { scope: 'row', text: unitName(e.unit) }),
    ...byUnit.get(e.unit).map((s) => num(fmt(s.score)))));
  rows.push(h('tr', { class: 'mean-row' }, h('th', { scope: 'row', text: T.officeCategoryMean }), ...o.means.map((m) => num(fmt(m)))));
  return h('div', { class: 'orientations' },
    h('h4', { text: T.officeOrientationHeading }),
    scrollTable(T.officeOrientationRegion(name), T.officeOrientationCaption(name),
      [T.officeUnit, ...o.orientations.map((x) => T.officeOrientations[x] ?? x)], rows, { cls: 'orientation' }));
}

/** What the quality rules did, per unit and in total (nothing without rules in the plan). */
function renderQualitySection(r) {
  const T = t();
  const rows = [
    ...r.units.flatMap((u) => (u.quality ?? []).map((q) => [u.unit, q])),
    ...(r.quality ?? []).map((q) => [null, q]),
  ];
  const table = renderQuality(rows);
  if (!table) return '';
  return h('section', { class: 'quality-rules', 'aria-labelledby': 'quality-h' },
    h('h3', { id: 'quality-h', text: T.officeQualityHeading }),
    h('p', { class: 'hint', text: T.officeQualityHint }), table);
}
