// Step 1 of the office page: the plan. Check it in the worker (the demo plan or a file the
// office loads) and show the engine's verdict and problems.
import { errorText, tr } from './i18n.js';
import { h } from './dom.js';
import { td, dropZone } from './office-view.js';
import { state, t, view, announce, update, persist, loadMapping, loadCollector } from './office-state.js';
import { runner, Cancelled } from './office-runner.js';
import { placeOf, showPlace } from './office-forms.js';
import { download } from './page.js';
import { offerAmend, amendAction, renderAmend } from './office-amend.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const { scrollTable, fmtInt, label } = view;

/** The keys of the state this step reads. */
export const planKeys = ['lang', 'checking', 'report', 'plan', 'loadError', 'planSource', 'bookProblems', 'amend', 'amendDone'];

/** Checks the plan of the state in the worker; `focus`: move the focus to its verdict after. */
export async function checkPlan({ focus = false } = {}) {
  update({ checking: true, report: null, plan: null, trust: null, result: null, runMessage: null });
  const after = { checking: false };
  try {
    const { report, plan, trust } = await runner.request({ type: 'validate', text: state.planText });
    state.report = report;
    await loadMapping();
    await loadCollector();
    Object.assign(after, { report, plan, trust, mapping: state.mapping, encodings: state.encodings, collector: state.collector });
  } catch (err) {
    if (err instanceof Cancelled) return;
    after.loadError = errorText(err, state.lang);
  }
  update(after);
  const verdict = document.getElementById('plan-status')?.textContent;
  if (verdict) announce(verdict);
  if (focus) document.getElementById('plan-status')?.focus();
}

async function loadFile(file) {
  if (!file) return;
  if (state.run) runner.cancel();
  let read;
  try {
    // A JSON text or a plan workbook: the engine reads either into the plan's JSON text.
    read = await runner.request({ type: 'planFile', name: file.name, blob: file });
  } catch (err) {
    if (err instanceof Cancelled) return;
    update({ loadError: t().officePlanReadFailed + errorText(err, state.lang) });
    return;
  }
  if (!read.ok) {
    update({ loadError: null, report: null, plan: null, trust: null, planSource: file.name, bookProblems: read.problems, amend: null, amendDone: null });
    announce(t().officeBookInvalid(read.problems.length));
    document.getElementById('plan-status')?.focus();
    return;
  }
  const bookProblems = read.problems.length ? read.problems : null;
  // Another version of the plan in use: its changes first, and the choice to record them.
  if (state.report?.ok && await offerAmend(read.json, file.name)) return;
  await usePlan(read.json, file.name, { bookProblems });
}

/**
 * `planText` (the file `source`) becomes the plan in use, kept across reloads, and is
 * checked; `patch`: more of the state to change with it.
 */
export async function usePlan(planText, source, patch = {}) {
  if (state.run) runner.cancel();
  Object.assign(state, {
    loadError: null, planText, planSource: source, run: null, lastRun: null, bookProblems: null, amend: null, amendDone: null, ...patch,
  });
  persist();
  await checkPlan({ focus: !patch.amendDone });
}

async function saveBook(type) {
  const T = t();
  try {
    const bytes = await runner.request({ type, text: state.planText, lang: state.lang });
    const name = { planBook: `${state.plan?.id ?? 'plan'}.xlsx`, planJson: `${state.plan?.id ?? 'plan'}.json` }[type] ?? 'plan-template.xlsx';
    download(name, new Blob([bytes], { type: type === 'planJson' ? 'application/json' : XLSX }));
    announce(T.officeBookSaved(name));
  } catch (err) {
    if (err instanceof Cancelled) return;
    update({ loadError: T.officeBookSaveFailed + errorText(err, state.lang) });
  }
}

function useDemo() {
  if (state.run) runner.cancel();
  Object.assign(state, { run: null, planText: null, planSource: null, loadError: null, lastRun: null, bookProblems: null, amend: null, amendDone: null });
  persist();
  checkPlan({ focus: true });
}

function planStatus(T) {
  const report = state.report;
  const status = h('div', { id: 'plan-status', class: 'plan-status', tabindex: '-1' });
  if (state.checking) {
    status.append(h('p', { class: 'hint', text: T.officePlanChecking }));
  } else if (state.bookProblems && !report) {
    status.classList.add('bad');
    status.append(h('p', { class: 'verdict' }, h('strong', { text: T.officeBookInvalid(state.bookProblems.length) })));
  } else if (state.loadError) {
    status.classList.add('bad');
    status.append(h('p', { class: 'error-message', text: state.loadError }));
  } else if (report?.ok) {
    status.classList.add('good');
    status.append(h('p', { class: 'verdict' }, h('strong', { text: T.officePlanValid }),
      h('span', { class: 'sha' }, `${T.officePlanSha} `, h('span', { class: 'mono', text: report.sha256 }))));
  } else if (report) {
    status.classList.add('bad');
    status.append(h('p', { class: 'verdict' }, h('strong', { text: T.officePlanInvalid(report.problems.length) })));
  }
  return status;
}

export function renderPlan() {
  const T = t();
  const sec = h('section', { class: 'office-step', 'aria-labelledby': 'plan-h' },
    h('h2', { id: 'plan-h', text: T.officePlanHeading }), planStatus(T));

  const plan = state.plan;
  const facts = [[T.officePlanSource, state.planSource ?? T.officePlanDemo]];
  if (plan) {
    facts.push(
      [T.officePlanTitle, tr(plan.title, state.lang)],
      [T.officePlanYear, String(plan.year)],
      [T.officePlanUnits, fmtInt(plan.units.length)],
      [T.officePlanIndicators, fmtInt(plan.indicators.length)],
      [T.officePlanInstruments, fmtInt(plan.instruments.length)],
    );
  }
  sec.append(h('dl', { class: 'facts' }, facts.map(([k, v]) => h('div', {},
    h('dt', { text: k }), h('dd', { text: v })))));

  const report = state.report;
  if (state.bookProblems) sec.append(renderProblems(state.bookProblems, T.officeBookProblemsCaption));
  if (report && !report.ok) sec.append(renderProblems(report.problems, T.officeProblemsCaption));

  // Loading another plan: a drop zone with a real button and the file input behind it.
  const input = h('input', {
    type: 'file', id: 'plan-file', accept: `.json,application/json,.xlsx,${XLSX}`, class: 'visually-hidden', tabindex: '-1',
    'aria-label': T.officePlanFileLabel,
    onchange: (e) => { loadFile(e.target.files[0]); e.target.value = ''; },
  });
  sec.append(dropZone('dropzone', [
    h('h3', { text: T.officePlanLoad }),
    h('p', {}, T.officePlanDrop),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => input.click(), text: T.officePlanChoose }),
      state.planSource !== null
        ? h('button', { type: 'button', class: 'secondary', onclick: useDemo, text: T.officePlanUseDemo }) : null,
      report?.ok
        ? h('button', { type: 'button', class: 'secondary', onclick: () => saveBook('planBook'), text: T.officeBookDownload }) : null,
      report?.ok
        ? h('button', { type: 'button', class: 'secondary', onclick: () => saveBook('planJson'), text: T.officePlanJsonDownload }) : null,
      h('button', { type: 'button', class: 'secondary', onclick: () => saveBook('planTemplate'), text: T.officeBookTemplate })),
    input], (files) => loadFile(files?.[0])));
  if (report?.ok) {
    sec.append(h('div', { class: 'amend-action' },
      h('p', { class: 'hint', id: 'amend-hint', text: T.amendHint }),
      h('div', { class: 'actions' }, amendAction(T, !!state.amend?.busy))));
  }
  const amend = renderAmend();
  if (amend) sec.append(amend);
  return sec;
}

/** A button to the place of a problem in the forms' preview, when the engine placed it in an instrument. */
function placeLink(T, problem) {
  const place = placeOf(problem);
  if (!place) return null;
  const text = place.question === null ? T.officeProblemShowForm : T.officeProblemShowQuestion;
  return [' ', h('button', { type: 'button', class: 'linklike', onclick: () => showPlace(place), text })];
}

function renderProblems(problems, caption) {
  const T = t();
  const groups = new Map();
  for (const p of problems) {
    if (!groups.has(p.code)) groups.set(p.code, []);
    groups.get(p.code).push(p);
  }
  // A workbook's problem names its cell (指标!D7); a JSON text's its line:column.
  const where = (p) => p.cell ?? (p.line ? (p.column ? `${p.line}:${p.column}` : String(p.line)) : null);
  const bodies = [...groups].map(([code, list]) => h('tbody', {},
    h('tr', { class: 'group' }, h('th', { scope: 'colgroup', colspan: '3' },
      T.officeProblemKind(label(T.officeProblemKinds, code), list.length), ' ', h('code', { text: code }))),
    list.map((p) => h('tr', {},
      td(where(p) || T.officeNoLine, 'num nowrap mono'),
      td(p.path || '/', 'mono'),
      h('td', {}, tr(p.message, state.lang), placeLink(T, p))))));
  return scrollTable(T.officeProblemsRegion, caption,
    [T.officeProblemWhere, T.officeProblemPath, T.officeProblemMessage], null, { bodies, cls: 'problems' });
}
