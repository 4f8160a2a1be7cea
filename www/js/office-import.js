// A questionnaire from another tool (an XLSForm workbook, a SurveyJS JSON) imported into the
// plan on the office page: the engine's `importForm` does the whole of it (the form read, the
// instrument added, the new plan checked); this draws what it returned — what the instrument
// holds, every item not imported with its reason, the new plan's problems — previews the new
// instrument, and on the office's word makes the new plan the page's plan (kept as a loaded
// plan is: IndexedDB, then checked).
import { errorText, tr } from './i18n.js';
import './i18n-office-forms.js';
import { h } from './dom.js';
import { td, dropZone } from './office-view.js';
import { engineClass } from './engine.js';
import { state, t, view, update, announce, persist } from './office-state.js';
import { frameOf } from './office-forms.js';
import { checkPlan } from './office-plan.js';

const { scrollTable, fmtInt } = view;

let importId = ''; // the instrument id typed for the next import (kept across redraws)

async function importFile(file) {
  if (!file) return;
  update({ importing: { busy: true, file: file.name } });
  const T = t();
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const Engine = await engineClass(true);
    const planText = state.planText ?? Engine.demoPlanJson();
    const id = importId.trim();
    const result = Engine.importForm(bytes, file.name, planText, id ? { id } : undefined);
    let engine = null;
    let previewError = null;
    try {
      engine = new Engine(result.plan_json);
    } catch (err) {
      previewError = err;
    }
    update({ importing: { file: file.name, result, engine, previewError } });
    announce(T.officeImportDone(file.name, result.skipped.length));
  } catch (err) {
    update({ importing: { file: file.name, error: err } });
    announce(T.officeImportFailed + errorText(err, state.lang));
  }
  document.getElementById('import-result')?.focus();
}

async function addToPlan() {
  const { result, file } = state.importing;
  Object.assign(state, {
    planText: result.plan_json,
    planSource: `${state.planSource ?? t().officePlanDemo} + ${file}`,
    loadError: null, run: null, lastRun: null,
  });
  persist();
  update({ importing: null, forms: { ...state.forms, instrument: result.instrument, trying: false } });
  await checkPlan({ focus: true });
}

function skippedTable(T, list) {
  const rows = list.map((s) => h('tr', {},
    h('th', { scope: 'row', class: 'mono', text: s.item }), td(s.what, 'mono'), td(tr(s.reason, state.lang))));
  return scrollTable(T.officeImportSkippedCaption, T.officeImportSkippedCaption,
    [T.officeImportItem, T.officeImportWhat, T.officeImportReason], rows, { cls: 'skipped' });
}

function questionsTable(T, ins) {
  const rows = (ins.sections ?? []).flatMap((s) => s.questions.map((q) => h('tr', {},
    h('th', { scope: 'row', class: 'mono', text: q.id }), td(q.type, 'mono'), td(tr(q.label, state.lang)))));
  return scrollTable(T.officeImportMappedCaption, T.officeImportMappedCaption,
    [T.officeImportQuestion, T.officeImportType, T.officeImportLabel], rows, { cls: 'mapped' });
}

function problemsList(T, problems) {
  return h('div', { class: 'notice warn' },
    h('p', { text: T.officeImportInvalid(problems.length) }),
    h('ul', {}, problems.map((p) => h('li', {}, h('code', { text: p.path || '/' }), ` ${tr(p.message, state.lang)}`))));
}

function resultBox(T, imp) {
  const box = h('div', { id: 'import-result', class: 'import-result', tabindex: '-1' });
  if (imp.busy) {
    box.append(h('p', { class: 'hint', text: T.officeImportBusy(imp.file) }));
    return box;
  }
  if (imp.error) {
    box.append(h('p', { class: 'error-message', text: T.officeImportFailed + errorText(imp.error, state.lang) }));
    return box;
  }
  const r = imp.result;
  box.append(h('h4', { text: T.officeImportHeading(imp.file) }),
    h('p', {}, T.officeImportSummary(r.instrument, fmtInt(r.sections), fmtInt(r.questions))),
    h('p', { class: 'hint', hidden: !r.texts_filled, text: T.officeImportFilled(r.texts_filled) }),
    h('h4', { class: r.skipped.length ? 'flag' : null, text: r.skipped.length ? T.officeImportSkipped(r.skipped.length) : T.officeImportAllMapped }),
    ...[r.skipped.length ? skippedTable(T, r.skipped) : null,
      r.report.ok ? null : problemsList(T, r.report.problems)].filter(Boolean));
  const ins = imp.engine?.plan().instruments.find((i) => i.id === r.instrument);
  if (ins) {
    box.append(h('details', {}, h('summary', { text: T.officeImportMappedCaption }), questionsTable(T, ins)),
      h('h4', { text: T.officeImportPreview }),
      frameOf('import-frame', `import:${imp.file}:${r.plan_json.length}`, imp.engine, ins, { ...state.forms, trying: false, attempt: 0 }));
  } else if (imp.previewError) {
    box.append(h('p', { class: 'error-message', text: T.officeFormsFailed + errorText(imp.previewError, state.lang) }));
  }
  box.append(h('div', { class: 'actions' },
    r.report.ok ? h('button', { type: 'button', class: 'primary', onclick: addToPlan, text: T.officeImportAdd(r.instrument) }) : null,
    h('button', { type: 'button', class: 'secondary', onclick: () => update({ importing: null }), text: T.officeImportDiscard })));
  return box;
}

/** The import part of the preview step. */
export function renderImport() {
  const T = t();
  const input = h('input', {
    type: 'file', id: 'import-file', accept: '.xlsx,.json,application/json', class: 'visually-hidden', tabindex: '-1',
    'aria-label': T.officeImportFileLabel,
    onchange: (e) => { importFile(e.target.files[0]); e.target.value = ''; },
  });
  const part = h('div', { class: 'import' }, dropZone('dropzone', [
    h('h3', { id: 'import-h', text: T.officeImportTitle }),
    h('p', {}, T.officeImportHint),
    h('div', { class: 'field' },
      h('label', { for: 'import-id', class: 'label', text: T.officeImportId }),
      h('p', { class: 'hint', id: 'import-id-hint', text: T.officeImportIdHint }),
      h('input', { type: 'text', id: 'import-id', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'import-id-hint', value: importId, oninput: (e) => { importId = e.target.value; } })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => input.click(), text: T.officeImportChoose })),
    input], (files) => importFile(files?.[0])));
  if (state.importing) part.append(resultBox(T, state.importing));
  return part;
}
