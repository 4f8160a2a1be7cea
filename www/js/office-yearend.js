// The year-end files in the data step: the templates of indicator figures and history
// pre-filled with the plan's units and indicators (CSV or XLSX, made by the engine in the
// worker), next year's history from the result and this year's history files, and what the
// run made of a year-end table (its role, the rows used and left blank, from the manifest).
import { errorText, tr } from './i18n.js';
import './i18n-office-files.js';
import { h } from './dom.js';
import { download } from './page.js';
import { state, t, view, announce } from './office-state.js';
import { runner } from './office-runner.js';

const { fmtInt, label } = view;

const TYPES = {
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The manifest's entry of an input file of the last file run. */
const entryOf = (name) => (state.lastRun === 'files' ? state.manifest?.inputs?.find((f) => f.name === name) : undefined);

/** What the run made of a file: its role, and for a year-end table its rows used and blank. */
export function roleText(name) {
  const e = entryOf(name);
  if (!e?.role) return '—';
  const T = t();
  const role = label(T.officeRoles, e.role);
  return e.table_rows ? T.officeColon(role, T.officeTableRows(fmtInt(e.table_rows.used), fmtInt(e.table_rows.blank))) : role;
}

// The message under the year-end buttons (a failure), kept across redraws of the step.
let message = null;

function showMessage(text) {
  message = text;
  const el = document.getElementById('yearend-message');
  if (el) el.textContent = text ?? '';
}

async function fetchAndSave(request, name, done) {
  showMessage(null);
  try {
    const out = await runner.request(request);
    const bytes = out.bytes ?? out;
    download(name, new Blob([bytes], { type: TYPES[name.split('.').pop()] }));
    announce(done(out));
  } catch (err) {
    const T = t();
    const failed = { carry: T.officeCarryFailed, nextYear: T.officeNextFailed }[request.type] ?? T.officeTemplateFailed;
    const text = failed + errorText(err, state.lang);
    showMessage(text);
    announce(text);
  }
}

const base = () => `kaoping-${state.plan.id}-${state.plan.year}`;

function template(kind, ext) {
  const name = `${base()}-${kind}-template.${ext}`;
  return fetchAndSave({ type: 'template', text: state.planText, kind, lang: state.lang, fileName: name }, name,
    () => t().officeTemplateDone(name));
}

/** The history files of the last file run, as the manifest found them. */
const historyFiles = () => state.files.filter((f) => entryOf(f.name)?.role === 'history');

function carry(ext) {
  const name = `kaoping-${state.plan.id}-${state.result.year + 1}-history.${ext}`;
  const resultJson = state.lastRun === 'files' ? state.outputs?.find((o) => o.name === 'result.json') : null;
  return fetchAndSave({
    type: 'carry', text: state.planText, result: resultJson ? null : state.result, resultBytes: resultJson?.bytes ?? null,
    history: historyFiles().map(({ name: n, blob }) => ({ name: n, blob })), lang: state.lang, outName: name,
  }, name, (out) => t().officeCarryDone(name, out.entries.length));
}

// Next year's plan as last downloaded: { name, changes }, listed under its buttons.
let nextPlan = null;

function nextYear(ext) {
  const name = `kaoping-plan-${state.plan.year + 1}.${ext}`;
  return fetchAndSave({ type: 'nextYear', text: state.planText, lang: state.lang, book: ext === 'xlsx' }, name, (out) => {
    nextPlan = { name, changes: out.changes };
    const list = document.getElementById('next-changes');
    if (list) list.replaceWith(nextChanges());
    return t().officeNextDone(name, out.changes.length);
  });
}

function nextChanges() {
  if (!nextPlan) return h('div', { id: 'next-changes' });
  return h('div', { id: 'next-changes' },
    h('h5', { id: 'next-changes-h', text: t().officeNextChanges(nextPlan.name) }),
    h('ul', { 'aria-labelledby': 'next-changes-h' }, nextPlan.changes.map((c) => h('li', { text: tr(c, state.lang) }))));
}

/** The year-end part of the data step: templates, and next year's history once a result exists. */
export function renderYearEnd() {
  if (!state.plan) return null;
  const T = t();
  const busy = !!state.run;
  const button = (id, text, onclick) => h('button', { type: 'button', class: 'secondary', id, disabled: busy, onclick, text });
  const box = h('section', { class: 'yearend', 'aria-labelledby': 'yearend-h' },
    h('h3', { id: 'yearend-h', text: T.officeYearEndHeading }),
    h('p', { class: 'hint', id: 'yearend-hint', text: T.officeYearEndHint }),
    h('div', { class: 'actions' },
      button('template-figures-csv', T.officeTemplateFigures('CSV'), () => template('figures', 'csv')),
      button('template-figures-xlsx', T.officeTemplateFigures('XLSX'), () => template('figures', 'xlsx')),
      button('template-history-csv', T.officeTemplateHistory('CSV'), () => template('history', 'csv')),
      button('template-history-xlsx', T.officeTemplateHistory('XLSX'), () => template('history', 'xlsx'))));
  if (state.result) {
    box.append(h('h4', { id: 'carry-h', text: T.officeCarryHeading }),
      h('p', { class: 'hint', text: T.officeCarryHint(historyFiles().length) }),
      h('div', { class: 'actions', role: 'group', 'aria-labelledby': 'carry-h' },
        button('carry-csv', T.officeCarryButton('CSV'), () => carry('csv')),
        button('carry-xlsx', T.officeCarryButton('XLSX'), () => carry('xlsx'))));
  }
  box.append(h('h4', { id: 'next-h', text: T.officeNextHeading }),
    h('p', { class: 'hint', text: T.officeNextHint }),
    h('div', { class: 'actions', role: 'group', 'aria-labelledby': 'next-h' },
      button('next-xlsx', T.officeNextButton('XLSX'), () => nextYear('xlsx')),
      button('next-json', T.officeNextButton('JSON'), () => nextYear('json'))),
    nextChanges());
  box.append(h('p', { id: 'yearend-message', class: 'error-message', text: message ?? '' }));
  return box;
}
