// The evaluation office's page (考评办): check a plan, score data, read the results, check an
// audit. Validation and scoring run in a module worker (office-worker.js); this page only
// draws what the engine returns. No rule about scores or grades lives here.
//
// One state object (office-state.js) changed through `update(patch)`, which redraws only the
// steps that read a changed key: the plan, the data, the results, the audit check and a unit's
// dialog. The language switch redraws them all.
import { tr } from './i18n.js';
import { h } from './dom.js';
import { barChart, profileChart, mountChart } from './charts.js';
import { td, num, dropZone } from './office-view.js';
import { applyChrome, download } from './page.js';
import {
  state, t, view, announce, update, persist, saveResult, saveMapping, loadMapping, nextId, region, drawAll, restore,
} from './office-state.js';
import { runner, Cancelled } from './office-runner.js';

const {
  scrollTable, fmtInt, label, instrumentName, fmtUpTo, unitName, indicatorName, gradeName, fmt,
  fmtPct, fmtInterval, yesNo, categoryName, groupName, cadreName, itemName, vetoText,
} = view;

// ---- plan -------------------------------------------------------------------------------

/** The keys of the state this step reads. */
const planKeys = ['lang', 'checking', 'report', 'plan', 'loadError', 'planSource'];

/** Checks the plan of the state in the worker; `focus`: move the focus to its verdict after. */
async function checkPlan({ focus = false } = {}) {
  update({ checking: true, report: null, plan: null, result: null, runMessage: null });
  const after = { checking: false };
  try {
    const { report, plan } = await runner.request({ type: 'validate', text: state.planText });
    state.report = report;
    await loadMapping();
    Object.assign(after, { report, plan, mapping: state.mapping, encodings: state.encodings });
  } catch (err) {
    if (err instanceof Cancelled) return;
    after.loadError = String(err?.message ?? err);
  }
  update(after);
  const verdict = document.getElementById('plan-status')?.textContent;
  if (verdict) announce(verdict);
  if (focus) document.getElementById('plan-status')?.focus();
}

async function loadFile(file) {
  if (!file) return;
  let planText;
  try {
    planText = await file.text();
  } catch (err) {
    update({ loadError: t().officePlanReadFailed + (err?.message ?? err) });
    return;
  }
  if (state.run) runner.cancel();
  Object.assign(state, { loadError: null, planText, planSource: file.name, run: null, lastRun: null });
  persist();
  await checkPlan({ focus: true });
}

function useDemo() {
  if (state.run) runner.cancel();
  Object.assign(state, { run: null, planText: null, planSource: null, loadError: null, lastRun: null });
  persist();
  checkPlan({ focus: true });
}

function planStatus(T) {
  const report = state.report;
  const status = h('div', { id: 'plan-status', class: 'plan-status', tabindex: '-1' });
  if (state.checking) {
    status.append(h('p', { class: 'hint', text: T.officePlanChecking }));
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

function renderPlan() {
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
  if (report && !report.ok) sec.append(renderProblems(report.problems));

  // Loading another plan: a drop zone with a real button and the file input behind it.
  const input = h('input', {
    type: 'file', id: 'plan-file', accept: '.json,application/json', class: 'visually-hidden', tabindex: '-1',
    'aria-label': T.officePlanFileLabel,
    onchange: (e) => { loadFile(e.target.files[0]); e.target.value = ''; },
  });
  sec.append(dropZone('dropzone', [
    h('h3', { text: T.officePlanLoad }),
    h('p', {}, T.officePlanDrop),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => input.click(), text: T.officePlanChoose }),
      state.planSource !== null
        ? h('button', { type: 'button', class: 'secondary', onclick: useDemo, text: T.officePlanUseDemo }) : null),
    input], (files) => loadFile(files?.[0])));
  return sec;
}

function renderProblems(problems) {
  const T = t();
  const groups = new Map();
  for (const p of problems) {
    if (!groups.has(p.code)) groups.set(p.code, []);
    groups.get(p.code).push(p);
  }
  const bodies = [...groups].map(([code, list]) => h('tbody', {},
    h('tr', { class: 'group' }, h('th', { scope: 'colgroup', colspan: '3' },
      T.officeProblemKind(label(T.officeProblemKinds, code), list.length), ' ', h('code', { text: code }))),
    list.map((p) => h('tr', {},
      td(p.line ? (p.column ? `${p.line}:${p.column}` : String(p.line)) : T.officeNoLine, 'num nowrap'),
      td(p.path || '/', 'mono'),
      td(tr(p.message, state.lang))))));
  return scrollTable(T.officeProblemsRegion, T.officeProblemsCaption,
    [T.officeProblemWhere, T.officeProblemPath, T.officeProblemMessage], null, { bodies, cls: 'problems' });
}

// ---- data -------------------------------------------------------------------------------

/** The keys of the state this step reads. */
const dataKeys = ['lang', 'plan', 'run', 'runMessage', 'inputError', 'n', 'seed', 'result', 'files', 'ingest', 'mapping', 'encodings'];

let tick = null;

async function generate(e) {
  e.preventDefault();
  const form = e.target;
  const n = form.elements.n.value.trim();
  const seed = form.elements.seed.value.trim();
  const ok = (v) => /^\d+$/.test(v) && Number(v) <= 0xffffffff;
  const inputError = ok(n) ? (ok(seed) ? null : 'seed') : 'n';
  Object.assign(state, { n, seed, inputError });
  if (inputError) {
    update({ runMessage: null });
    document.getElementById(inputError)?.focus();
    return;
  }
  await runDemo();
}

/** Follows a progress message of the worker into `state.run` and its status line. */
function onProgress(p) {
  const r = state.run;
  r.stage = p.stage;
  if (p.records !== undefined) r.records = p.records;
  if (p.file !== undefined) r.file = p.file;
  if (p.bytes !== undefined) r.bytes = p.bytes;
  if (p.read !== undefined) r.counts = { read: p.read, accepted: p.accepted, rejected: p.rejected };
  updateRun();
}

/**
 * One scoring run in the worker: clears the old result, shows progress with Cancel, then
 * the result (`done(out)` returns the patch to the state and what to announce) or the reason
 * it stopped. `kind` is what a reload redoes.
 */
async function scoreRun(kind, request, { total = 0, done, focusAfter, focusOnError }) {
  const T = t();
  if (state.run) runner.cancel();
  state.lastRun = kind;
  persist();
  update({
    result: null, ingest: null, runMessage: null, lastRun: kind,
    run: { stage: 'start', records: null, started: performance.now(), total, bytes: 0, counts: null, file: null },
  });
  document.getElementById('cancel')?.focus();
  tick = setInterval(updateElapsed, 250);
  try {
    const out = await runner.request(request, onProgress);
    const { patch, say } = done(out);
    Object.assign(state, { run: null, ...patch });
    announce(say);
    saveResult();
    update({ run: null, ...patch });
    document.getElementById(focusAfter)?.focus();
  } catch (err) {
    state.lastRun = null; // a reload does not start a cancelled or failed run again
    persist();
    const runMessage = err instanceof Cancelled
      ? { kind: 'cancelled', text: T.officeCancelled }
      : { kind: 'error', text: T.officeScoreFailed + (err?.message ?? err) };
    update({ run: null, lastRun: null, runMessage });
    announce(runMessage.text);
    if (focusOnError) document.getElementById(focusOnError)?.focus();
  } finally {
    clearInterval(tick);
  }
}

function runDemo() {
  return scoreRun('demo', { type: 'demo', text: state.planText, seed: Number(state.seed), n: Number(state.n) }, {
    focusAfter: 'results-h',
    focusOnError: 'generate',
    done: (result) => ({ patch: { result }, say: t().officeScored(result.units.length) }),
  });
}

function addFiles(list) {
  const added = [...(list ?? [])];
  if (!added.length) return;
  const files = [...state.files];
  for (const f of added) {
    const i = files.findIndex((x) => x.name === f.name);
    const entry = { name: f.name, size: f.size, blob: f };
    if (i >= 0) files[i] = entry;
    else files.push(entry);
  }
  state.files = files;
  persist();
  announce(t().officeFilesAdded(added.length));
  if (state.plan) runFiles();
  else update({ files });
}

function removeFile(name) {
  const patch = { files: state.files.filter((f) => f.name !== name), ingest: null };
  if (state.lastRun === 'files') Object.assign(patch, { result: null, lastRun: null });
  Object.assign(state, patch);
  persist();
  update(patch);
  announce(t().officeFileRemoved(name));
  document.getElementById(state.files.length ? 'run-files' : 'data-files')?.focus();
}

function runFiles() {
  if (!state.files.length || !state.plan) return undefined;
  return scoreRun('files', { type: 'records', text: state.planText, files: state.files.map(({ name, blob }) => ({ name, blob })), options: fileOptions(),
    planName: state.planSource ?? 'plan.json', lang: state.lang }, {
    total: state.files.reduce((n, f) => n + f.size, 0),
    focusAfter: 'ingest-h',
    done: (out) => ({
      patch: { ingest: out.ingest, result: out.result, manifest: out.manifest ?? null, outputs: out.outputs ?? null },
      say: t().officeRecordsRead(fmtInt(out.ingest.read), fmtInt(out.ingest.accepted), fmtInt(out.ingest.rejected.length)),
    }),
  });
}

const fmtBytes = (n) => {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${new Intl.NumberFormat(state.lang, { maximumFractionDigits: i ? 1 : 0 }).format(n)} ${units[i]}`;
};

function filesTable(T, busy) {
  const total = state.files.reduce((n, f) => n + f.size, 0);
  const perFile = new Map((state.ingest?.files ?? []).map((f) => [f.file, f]));
  return scrollTable(T.officeFilesLoaded, T.officeFilesCaption(state.files.length, fmtBytes(total)),
    [T.officeRecordsFile, T.officeFileSize, T.officeRecordsReadCol, T.officeRecordsAccepted, T.officeRecordsRejected, T.officeFileAction],
    state.files.map((f) => {
      const c = perFile.get(f.name);
      return h('tr', {}, h('th', { scope: 'row', text: f.name }), num(fmtBytes(f.size)),
        num(c ? fmtInt(c.read) : '—'), num(c ? fmtInt(c.accepted) : '—'), num(c ? fmtInt(c.rejected) : '—'),
        h('td', {}, h('button', { type: 'button', class: 'secondary small', disabled: busy,
          'aria-label': T.officeFileRemove(f.name), onclick: () => removeFile(f.name), text: T.officeFileRemoveShort })));
    }), { cls: 'files' });
}

function renderRecordFiles() {
  const T = t();
  const busy = !!state.run;
  const input = h('input', {
    type: 'file', id: 'data-files', multiple: true, class: 'visually-hidden', tabindex: '-1',
    accept: '.json,.jsonl,.ndjson,.csv,.tsv,.txt,.xlsx,application/json,text/csv',
    'aria-label': T.officeFilesInputLabel,
    onchange: (e) => { addFiles(e.target.files); e.target.value = ''; },
  });
  const zone = dropZone('dropzone data-drop', [
    h('h3', { text: T.officeRecordsHeading }),
    h('p', { class: 'hint', id: 'records-hint', text: T.officeRecordsHint }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'choose-files', disabled: busy,
        'aria-describedby': 'records-hint', onclick: () => input.click(), text: T.officeRecordsChoose })),
    input], addFiles, () => !busy);
  const box = h('div', { class: 'record-files' }, zone);

  if (state.files.length) {
    box.append(filesTable(T, busy), h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'run-files', class: 'primary', disabled: busy || !state.plan, onclick: runFiles, text: T.officeFilesRun })));
  }

  const ing = state.ingest;
  if (ing) {
    box.append(h('h3', { id: 'ingest-h', tabindex: '-1', text: T.officeRecordsRead(fmtInt(ing.read), fmtInt(ing.accepted), fmtInt(ing.rejected.length)) }));
    if (ing.rejected.length) {
      box.append(scrollTable(T.officeRecordsRejections, T.officeRecordsRejections, [T.officeRecordsFile, T.officeRecordsRow, T.officeRecordsColumn, T.officeRecordsReason],
        ing.rejected.map((r) => h('tr', {}, h('th', { scope: 'row', text: r.file }), num(fmtInt(r.row)), td(r.column ?? '—'), td(tr(r.message, state.lang))))));
    }
    for (const f of ing.files) if (f.mapping) box.append(renderMapping(f));
  }
  return box;
}

// ---- column mapping of tables (CSV), remembered per plan ------------------------------------

const isTable = (name) => /\.(csv|tsv|txt|xlsx)$/i.test(name);

/** The options the worker passes to the engine for each table file: mapping and encoding. */
function fileOptions() {
  const out = {};
  for (const f of state.files) {
    if (!isTable(f.name)) continue;
    const o = {};
    if (Object.keys(state.mapping).length) o.mapping = state.mapping;
    const enc = state.encodings[f.name];
    if (enc && enc !== 'auto') o.encoding = enc;
    out[f.name] = o;
  }
  return out;
}

function renderMapping(f) {
  const T = t();
  const m = f.mapping;
  const id = nextId('map-');
  const keys = [...new Set([...m.headers.map((x) => x.key).filter(Boolean), ...m.missing.map((x) => x.key)])].sort();
  const required = new Set(m.missing.filter((x) => x.required).map((x) => x.key));
  const selects = [];
  const rows = m.headers.map((x, i) => {
    const sid = `${id}-h${i}`;
    const current = state.mapping[x.header] ?? x.key ?? '';
    const sel = h('select', { id: sid, 'data-header': x.header, 'aria-label': T.officeMapSelect(x.header) },
      h('option', { value: '', text: T.officeMapIgnore }),
      keys.map((k) => h('option', { value: k, selected: k === current, text: required.has(k) ? `${k} ${T.officeMapRequired}` : k })));
    selects.push(sel);
    return h('tr', { class: x.key ? null : 'flagged' }, h('th', { scope: 'row', text: x.header }), h('td', {}, sel),
      td(x.by ? label(T.officeMapBy, x.by) : T.officeMapUnmapped, x.key ? 'muted' : 'flag'));
  });
  const encSel = h('select', { id: `${id}-enc`, 'aria-describedby': `${id}-enc-hint` },
    ['auto', 'utf-8', 'gb18030', 'utf-16le', 'utf-16be'].map((e) => h('option', { value: e, selected: (state.encodings[f.file] ?? 'auto') === e, text: label(T.officeEncodings, e) })));
  const apply = () => {
    for (const sel of selects) {
      const header = sel.dataset.header;
      const auto = m.headers.find((x) => x.header === header)?.key ?? '';
      if (sel.value !== auto) state.mapping[header] = sel.value;
      else delete state.mapping[header];
    }
    state.encodings[f.file] = encSel.value;
    saveMapping();
    runFiles();
  };
  const open = m.unmapped_headers.length > 0 || required.size > 0;
  return h('details', { class: 'mapping', open },
    h('summary', {}, T.officeMapHeading(f.file),
      m.unmapped_headers.length ? ` ${T.officeParen(T.officeMapUnmappedCount(m.unmapped_headers.length))}` : ''),
    h('p', { class: 'hint' }, T.officeMapHint(instrumentName(m.instrument))),
    required.size ? h('p', { class: 'error-message', text: T.officeMapMissing([...required].join(T.officeSep)) }) : null,
    h('div', { class: 'field' }, h('label', { for: `${id}-enc`, text: T.officeMapEncoding }), ' ', encSel,
      h('span', { class: 'hint', id: `${id}-enc-hint` }, ` ${T.officeMapDetected(label(T.officeEncodings, f.encoding ?? 'utf-8'))}`)),
    scrollTable(T.officeMapHeading(f.file), T.officeMapHeading(f.file), [T.officeMapHeader, T.officeMapColumn, T.officeMapHow], rows, { cls: 'mapping-table' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', disabled: !!state.run, onclick: apply, text: T.officeMapApply })));
}

// ---- the run's progress (drawn in place, not through the store: it changes many times a second)

function updateElapsed() {
  const el = document.getElementById('run-elapsed');
  if (el && state.run) el.textContent = t().officeElapsed(Math.floor((performance.now() - state.run.started) / 1000));
}

function updateRun() {
  const el = document.getElementById('run-stage');
  const r = state.run;
  if (!el || !r) return;
  const T = t();
  let text = label(T.officeStage, r.stage);
  if (r.records !== null) text += ` ${T.officeRecordsGenerated(fmtInt(r.records))}`;
  if (r.file) text += ` ${r.file}`;
  if (r.counts) text += ` ${T.officeRecordsRead(fmtInt(r.counts.read), fmtInt(r.counts.accepted), fmtInt(r.counts.rejected))}`;
  el.textContent = text;
  const bar = document.getElementById('run-progress');
  if (bar && r.total) {
    bar.max = r.total;
    bar.value = Math.min(r.bytes ?? 0, r.total);
    const pct = document.getElementById('run-bytes');
    if (pct) pct.textContent = T.officeBytesDone(fmtBytes(r.bytes ?? 0), fmtBytes(r.total));
  }
}

function renderRun(T) {
  // The run: a live status line; the elapsed time and Cancel sit outside the live region.
  const live = h('p', { id: 'run-stage', class: 'run-stage', role: 'status' });
  const run = h('div', { class: `run${state.run ? ' active' : ''}` }, live);
  if (state.run) {
    run.append(h('progress', { id: 'run-progress', 'aria-labelledby': 'run-stage' }),
      h('div', { class: 'run-row' },
        h('span', { id: 'run-elapsed', class: 'hint' }),
        state.run.total ? h('span', { id: 'run-bytes', class: 'hint' }) : null,
        h('button', { type: 'button', id: 'cancel', class: 'secondary', onclick: () => runner.cancel(), text: T.officeCancel })));
    queueMicrotask(() => { updateRun(); updateElapsed(); });
  } else if (state.runMessage) {
    live.textContent = state.runMessage.text;
    live.className = state.runMessage.kind === 'error' ? 'run-stage error-message' : 'run-stage notice';
  }
  return run;
}

function renderData() {
  const T = t();
  const sec = h('section', { class: 'office-step', 'aria-labelledby': 'data-h' },
    h('h2', { id: 'data-h', text: T.officeDataHeading }),
    h('p', { class: 'hint', text: T.officeDataIntro }));
  const canRun = !!state.plan && !state.run;
  const field = (id, text, value) => h('div', { class: 'field' },
    h('label', { for: id, text }),
    h('input', { type: 'text', id, name: id, inputmode: 'numeric', autocomplete: 'off', value,
      'aria-invalid': state.inputError === id ? 'true' : null, 'aria-describedby': state.inputError === id ? 'num-error' : null }));
  const form = h('form', { class: 'demo-form', novalidate: true, onsubmit: generate },
    h('div', { class: 'fields' }, field('n', T.officeDataPublicN, state.n), field('seed', T.officeDataSeed, state.seed)),
    state.inputError ? h('p', { id: 'num-error', class: 'error-message', text: T.officeDataBadNumber }) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'generate', class: 'primary', disabled: !canRun, text: T.officeDataGenerate }),
      state.plan ? null : h('span', { class: 'hint', text: T.officeDataNeedsPlan })));
  sec.append(form, renderRun(T));
  if (state.result) sec.append(renderInputs(state.result.inputs));
  sec.append(renderRecordFiles());
  return sec;
}

function renderInputs(inputs) {
  const T = t();
  const rows = [
    ...Object.entries(inputs.records_used).map(([k, v]) => [T.officeInputsUsed(instrumentName(k)), v]),
    ...Object.entries(inputs.records_skipped).map(([k, v]) => [T.officeInputsSkipped(label(T.officeSkipReasons, k)), v]),
    [T.officeInputsReviewers, inputs.reviewers],
    [T.officeInputsIndicators, inputs.indicator_inputs],
    [T.officeInputsHistory, inputs.history_entries],
  ];
  return h('table', { class: 'data inputs' },
    h('caption', { text: T.officeInputsCaption }),
    h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row', text: k }), num(fmtInt(v))))));
}

// ---- tables -----------------------------------------------------------------------------

/** The engine's warnings about `unit`. */
const warningsOf = (unit) => state.result.warnings.filter((w) => w.unit === unit);

function gradeBadge(grade) {
  return h('span', { class: `grade grade-${grade}`, text: gradeName(grade) });
}

function renderAgreement(category, name) {
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

function renderWarnings(warnings, heading = t().officeAllWarnings, { level = 'h3', subjects = true } = {}) {
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

// ---- unit -------------------------------------------------------------------------------

/** The keys of the state the dialog reads. */
const unitKeys = ['lang', 'result', 'unit'];

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
function openUnit(id, from) {
  opener = from;
  state.unit = id;
  const d = dialogEl();
  d.dataset.unit = id;
  renderUnit(d);
  if (!d.open) d.showModal();
  document.getElementById('unit-h')?.focus();
}

/** The store's region: redraws the dialog when it is open. Draws nothing into the page. */
function redrawUnit() {
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

/**
 * The satisfaction question's answers: how many gave each score, named as the engine names
 * them (the scale point's label, else the answer, else the score), highest first.
 */
function satisfactionOf(p) {
  const satQ = state.result.rules?.public?.satisfaction_question;
  const item = p.items.find((it) => it.item === satQ && it.distribution?.length);
  if (!item) return null;
  const total = item.distribution.reduce((n, d) => n + d.count, 0);
  const rows = item.distribution.map((d) => ({
    label: d.label ? tr(d.label, state.lang) : fmtUpTo(d.answer ?? d.value),
    value: d.value, count: d.count, share: d.count / total,
  })).reverse();
  return { item: item.item, rows };
}

/** The public's scores, with the satisfaction question's chart (into `mounts`). */
function publicOf(T, u, level, mounts) {
  const p = u.components.public;
  const sat = satisfactionOf(p);
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
      [T.officeValue, `${fmt(p.value)}${T.officeParen(`${fmtInterval(p.interval)}, n = ${fmtInt(p.n)}`)}`],
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
        num(fmtInt(it.n)), num(fmtInt(it.unable_to_judge)), num(fmt(it.mean)), num(fmtInterval(it.interval)))), { cls: 'narrow' }) : null);
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
  return sub(T.officeCadresHeading, scrollTable(T.officeCadresHeading, null,
    [T.officeCadre, ...T.officeVotes, T.officeN, T.officeCadreGrade, T.officeAdmonition],
    u.cadres.map((cd) => h('tr', { class: cd.admonition_talk ? 'flagged' : null },
      h('th', { scope: 'row', text: cadreName(cd.cadre) }), ...cd.votes.map((v) => num(fmtInt(v))), num(fmtInt(cd.n)),
      td(label(T.officeCadreGrades, cd.grade)), td(yesNo(cd.admonition_talk))))));
}

function renderUnit(d) {
  const T = t();
  const r = state.result;
  const u = r.units.find((x) => x.unit === state.unit);
  if (!u) return;
  const means = r.categories.find((c) => c.category === u.category)?.indicator_means ?? {};
  const c = u.components;
  const level = [c.indicators, c.expert, c.public, c.leadership].find((s) => s.interval)?.interval.level ?? r.rules?.confidence;
  const mounts = [];

  const head = h('div', { class: 'dialog-head' },
    h('h2', { id: 'unit-h', tabindex: '-1', text: unitName(u.unit) }),
    h('button', { type: 'button', class: 'secondary small', onclick: () => d.close(), text: T.officeClose }));
  const agreement = sub(T.officeAgreementHeading, renderAgreement(u.category, categoryName(u.category)) ?? h('p', { class: 'muted', text: T.officeNone }));
  const warnings = renderWarnings(warningsOf(u.unit), T.officeUnitWarnings, { subjects: false });

  d.replaceChildren(head, h('div', { class: 'dialog-body' },
    summaryOf(T, u), componentsOf(T, c, level), breakdownOf(T, u, means, mounts), listsOf(T, u),
    expertOf(T, c.expert, level), publicOf(T, u, level, mounts), teamOf(T, u), cadresOf(T, u), agreement, warnings));
  for (const mount of mounts) mount();
}

// ---- results ----------------------------------------------------------------------------

/** The keys of the state this step reads. */
const resultsKeys = ['lang', 'result', 'ingest', 'manifest', 'outputs', 'lastRun'];

function renderResults() {
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
    .catch((err) => { if (exportsFor?.result === key.result) exportsFor.error = String(err?.message ?? err); })
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
  const csv = of('csv');
  const list = h('ul', { class: 'csv-list' }, csv.map((f) => h('li', {},
    h('button', { type: 'button', class: 'linklike', 'aria-label': T.officeExportCsvOne(f.title),
      onclick: () => download(f.name, new Blob([f.bytes], { type: f.type })) }, f.title), ' ',
    h('span', { class: 'muted', text: f.name }))));
  box.append(main, h('h4', { text: T.officeExportCsvHeading }), h('p', { class: 'hint', text: T.officeExportCsvHint }), list);
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

  box.append(renderAgreement(cat.category, name));
  return box;
}

// ---- verify -----------------------------------------------------------------------------

/** The keys of the state this step reads. */
const verifyKeys = ['lang', 'verify'];

async function verifyFiles(list) {
  const files = [...(list ?? [])].map((f) => ({ name: f.name, blob: f }));
  if (!files.length) return;
  update({ verify: { busy: true } });
  let verify;
  try {
    verify = await runner.request({ type: 'verify', files });
  } catch (err) {
    verify = err instanceof Cancelled ? null : { failed: String(err?.message ?? err) };
  }
  update({ verify });
  const el = document.getElementById('verify-status');
  if (el) {
    announce(el.textContent);
    el.focus();
  }
}

function renderVerify() {
  const T = t();
  const input = h('input', {
    type: 'file', id: 'verify-files', multiple: true, class: 'visually-hidden', tabindex: '-1',
    accept: '.json,.jsonl,.ndjson,.csv,.tsv,.txt,.xlsx', 'aria-label': T.officeVerifyInputLabel,
    onchange: (e) => { verifyFiles(e.target.files); e.target.value = ''; },
  });
  const zone = dropZone('dropzone', [
    h('p', { class: 'hint', id: 'verify-hint', text: T.officeVerifyHint }),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', 'aria-describedby': 'verify-hint',
      disabled: !!state.verify?.busy, onclick: () => input.click(), text: T.officeVerifyChoose })),
    input], verifyFiles);
  const sec = h('section', { class: 'office-step', 'aria-labelledby': 'verify-h' },
    h('h2', { id: 'verify-h', text: T.officeVerifyHeading }), zone);
  const v = state.verify;
  if (!v) return sec;
  const status = h('div', { id: 'verify-status', class: 'plan-status', tabindex: '-1' });
  sec.append(status);
  if (v.busy) status.append(h('p', { class: 'hint', text: T.officeVerifyBusy }));
  else if (v.failed) { status.classList.add('bad'); status.append(h('p', { class: 'error-message', text: T.officeVerifyFailed + v.failed })); }
  else if (v.error) { status.classList.add('bad'); status.append(h('p', { class: 'error-message', text: v.error === 'many' ? T.officeVerifyManyManifests : T.officeVerifyNoManifest })); }
  else {
    const ver = v.verification;
    status.classList.add(ver.identical ? 'good' : 'bad');
    status.append(h('p', { class: 'verdict' }, h('strong', {
      text: ver.identical ? T.officeVerifyIdentical(v.outputs) : T.officeVerifyDiffers(ver.differences.length) })),
    ver.result_sha256 ? h('p', { class: 'sha' }, `${T.officeVerifyResultSha} `, h('span', { class: 'mono', text: ver.result_sha256 })) : null);
    if (v.missing.length) sec.append(h('p', { class: 'error-message', text: T.officeVerifyMissing(v.missing.join(T.officeSep)) }));
    if (ver.differences.length) {
      sec.append(scrollTable(T.officeVerifyDifferences, T.officeVerifyDifferences,
        [T.officeVerifyWhat, T.officeVerifyExpected, T.officeVerifyFound, T.officeProblemMessage],
        ver.differences.map((d) => h('tr', {}, h('th', { scope: 'row' }, h('code', { text: d.subject || d.code })),
          td(d.expected, 'mono'), td(d.found, 'mono'), td(tr(d.message, state.lang))))));
    }
  }
  return sec;
}

// ---- page ---------------------------------------------------------------------------------

const main = document.getElementById('main');
const switcher = document.getElementById('lang-switch');

region(planKeys, renderPlan);
region(dataKeys, renderData);
region(resultsKeys, renderResults);
region(verifyKeys, renderVerify);
region(unitKeys, redrawUnit);

/** The whole page afresh: the chrome, the heading and every step (the language changed). */
function renderAll() {
  const T = t();
  applyChrome(T, state.lang, T.officeTitle);
  main.replaceChildren(
    h('h1', { id: 'office-title', text: T.officeTitle }),
    h('p', { class: 'intro', text: T.officeIntro }),
    h('p', {}, h('a', { href: `track.html${state.lang === 'en' ? '?lang=en' : ''}`, text: T.officeTrackLink })),
    ...drawAll(),
  );
}

switcher.addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem('kaoping:lang', state.lang);
  const focusedId = document.activeElement?.id;
  renderAll();
  if (focusedId && focusedId !== 'lang-switch') document.getElementById(focusedId)?.focus();
});

// Boot: the working state of the last visit (plan, files, what was scored), then the plan
// check, then the same run again so that the results come back as they were.
runner.spawn();
(async () => {
  await restore();
  renderAll();
  await checkPlan();
  if (!state.plan) return;
  if (state.lastRun === 'files' && state.files.length) runFiles();
  else if (state.lastRun === 'demo') runDemo();
})();
