// Step 2 of the office page: the data. Demo inputs generated and scored inside WASM, or data
// files dropped or chosen (kept as Blobs until removed) that the worker streams through the
// engine: each record accepted or rejected with its file, row, field and reason. A run shows
// its progress with Cancel; table files get a column mapping remembered per plan.
import { errorText, tr } from './i18n.js';
import { h } from './dom.js';
import { engineClass } from './engine.js';
import { td, num, dropZone } from './office-view.js';
import { state, t, view, announce, update, persist, saveResult, saveMapping, nextId } from './office-state.js';
import { runner, Cancelled } from './office-runner.js';
import './i18n-office-amend.js';
import './i18n-office-trust.js';
import { isTable, withKinds, baseOptions, previewTables, previewWhenIdle, readingsOf, recodeOf, rememberLayout, renderPreview, worthALook, previewOf } from './office-preview.js';
import { renderYearEnd, roleText } from './office-yearend.js';
import { renderCollector } from './office-collector.js';
import { cadreRosterInput, cadreRosterInputs } from './office-cadres.js';

const { scrollTable, fmtInt, label, instrumentName } = view;

/** The keys of the state this step reads. */
export const dataKeys = ['lang', 'plan', 'run', 'runMessage', 'inputError', 'n', 'seed', 'result', 'files', 'ingest', 'mapping', 'encodings',
  'previews', 'previewing', 'manifest', 'recodes', 'remembered', 'codeBatches', 'cadreRoster', 'collector'];

let tick = null;

async function generate(e) {
  e.preventDefault();
  const form = e.target;
  Object.assign(state, { n: form.elements.n.value.trim(), seed: form.elements.seed.value.trim() });
  const problem = await runDemo();
  if (problem) document.getElementById(problem.field)?.focus();
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
      : { kind: 'error', text: T.officeScoreFailed + errorText(err, state.lang) };
    update({ run: null, lastRun: null, runMessage });
    announce(runMessage.text);
    if (focusOnError) document.getElementById(focusOnError)?.focus();
  } finally {
    clearInterval(tick);
  }
}

/**
 * Scores the demo data set made with the form's numbers as the engine reads them
 * (`Engine.demoSettings`); when it refuses one, marks that field with its reason instead and
 * returns the problem ({ field, message }).
 */
export async function runDemo() {
  const { settings, problem } = (await engineClass(true)).demoSettings(state.n ?? '', state.seed ?? '');
  if (problem) {
    update({ inputError: problem, runMessage: null });
    return problem;
  }
  state.inputError = null;
  await scoreRun('demo', { type: 'demo', text: state.planText, seed: settings.seed, n: settings.n }, {
    focusAfter: 'results-h',
    focusOnError: 'generate',
    done: ({ result, satisfaction, levels, orientations }) => ({ patch: { result, satisfaction, levels, orientations }, say: t().officeScored(result.units.length) }),
  });
  return null;
}

/** Adds files (replacing those of the same name); `about[name]` is kept on a file's entry (a pull's `cursor`). */
async function addFiles(list, about = {}) {
  const chosen = [...(list ?? [])];
  if (!chosen.length) return;
  const added = await withKinds(chosen.map((f) => ({ name: f.name, size: f.size, blob: f, ...about[f.name] })));
  const files = [...state.files];
  for (const entry of added) {
    const i = files.findIndex((x) => x.name === entry.name);
    if (i >= 0) files[i] = entry;
    else files.push(entry);
  }
  state.files = files;
  persist();
  announce(t().officeFilesAdded(added.length));
  update({ files });
  if (state.plan) checkThenRun(added.map((f) => f.name));
}

/**
 * The tables among the files just added are checked first (office-preview.js); when one of
 * them is a survey tool's export or holds values that match no option, the check is shown and
 * the office starts the run; otherwise the run starts at once.
 */
async function checkThenRun(names) {
  await previewTables();
  const look = names.map((n) => [n, previewOf(n)]).filter(([, p]) => p && (p.error || worthALook(p.preview)));
  if (!look.length) {
    runFiles();
    return;
  }
  const [name, p] = look[0];
  // The result of the earlier files no longer holds; a reload waits for the office too.
  if (state.lastRun === 'files') {
    state.lastRun = null;
    persist();
    update({ result: null, ingest: null, lastRun: null, manifest: null, outputs: null });
  } else update({ ingest: null });
  announce(p.error ? t().officePreviewFailed + errorText(p.error, state.lang) : t().officePreviewReady(name, p.preview.unmatched.length));
  document.getElementById(`preview-${name.replace(/[^\w-]/g, '_')}`)?.focus();
}

function removeFile(name) {
  // Its recoding goes with it (a file dropped later gets its layout's, offered again).
  const { [name]: _r, ...recodes } = state.recodes;
  const { [name]: _m, ...remembered } = state.remembered;
  const patch = { files: state.files.filter((f) => f.name !== name), ingest: null, recodes, remembered };
  if (state.lastRun === 'files') Object.assign(patch, { result: null, lastRun: null });
  Object.assign(state, patch);
  persist();
  update(patch);
  announce(t().officeFileRemoved(name));
  document.getElementById(state.files.length ? 'run-files' : 'data-files')?.focus();
}

export async function runFiles() {
  if (!state.files.length || !state.plan) return undefined;
  await previewTables();
  // The office's code batches go first, with their role: the records claim codes from them.
  const batches = state.codeBatches ?? [];
  // The cadre roster, when chosen, last: the people the cadre appraisal grades.
  const cadres = cadreRosterInputs();
  const files = [...batches, ...state.files].map(({ name, blob }) => ({ name, blob })).concat(cadres.files);
  const roles = { ...Object.fromEntries(batches.map((b) => [b.name, 'code_batch'])), ...cadres.roles };
  return scoreRun('files', { type: 'records', text: state.planText, files, options: fileOptions(), roles,
    planName: state.planSource ?? 'plan.json', lang: state.lang }, {
    total: state.files.reduce((n, f) => n + f.size, 0),
    focusAfter: 'ingest-h',
    done: (out) => ({
      patch: {
        ingest: out.ingest, result: out.result, satisfaction: out.satisfaction, levels: out.levels, orientations: out.orientations, manifest: out.manifest ?? null, outputs: out.outputs ?? null,
      },
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
    [T.officeRecordsFile, T.officeFileSize, T.officeRecordsReadCol, T.officeRecordsAccepted, T.officeRecordsRejected, T.officeFileRole, T.officeFileAction],
    state.files.map((f) => {
      const c = perFile.get(f.name);
      return h('tr', {}, h('th', { scope: 'row', text: f.name }), num(fmtBytes(f.size)),
        num(c ? fmtInt(c.read) : '—'), num(c ? fmtInt(c.accepted) : '—'), num(c ? fmtInt(c.rejected) : '—'), td(roleText(f.name)),
        h('td', {}, h('button', { type: 'button', class: 'secondary small', disabled: busy,
          'aria-label': T.officeFileRemove(f.name), onclick: () => removeFile(f.name), text: T.officeFileRemoveShort })));
    }), { cls: 'files' });
}

function setCodeBatches(codeBatches) {
  Object.assign(state, { codeBatches, ingest: null });
  persist();
  update({ codeBatches, ingest: null });
}

/** The office's batches of one-time codes for the runs (kept with the data files across reloads). */
function codeBatchInput(T, busy) {
  const batches = state.codeBatches ?? [];
  // The chooser is a button, like the data files' (the browser's own file field speaks the
  // browser's language, not the page's); the hidden field is what the button opens.
  const input = h('input', {
    type: 'file', id: 'code-batches', multiple: true, accept: '.json,application/json', disabled: busy,
    class: 'visually-hidden', tabindex: '-1', 'aria-label': T.codeBatchesLabel,
    onchange: (e) => {
      const added = [...e.target.files].map((f) => ({ name: f.name, blob: f, size: f.size }));
      e.target.value = '';
      setCodeBatches([...batches.filter((b) => !added.some((a) => a.name === b.name)), ...added]);
    },
  });
  const clear = () => {
    setCodeBatches([]);
    announce(T.codeBatchesCleared);
    document.getElementById('code-batches-choose')?.focus();
  };
  return h('div', { class: 'code-batches', role: 'group', 'aria-labelledby': 'code-batches-label' },
    h('p', { class: 'label', id: 'code-batches-label', text: T.codeBatchesLabel }),
    h('p', { class: 'hint', id: 'code-batches-hint', text: batches.length ? T.codeBatchesChosen(batches.map((b) => b.name).join(', ')) : T.codeBatchesHint }),
    input,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'code-batches-choose', disabled: busy, 'aria-describedby': 'code-batches-hint', onclick: () => input.click(), text: T.codeBatchesChoose }),
      batches.length ? h('button', { type: 'button', class: 'secondary', id: 'code-batches-clear', disabled: busy, onclick: clear, text: T.codeBatchesClear }) : null));
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
  const box = h('div', { class: 'record-files' }, zone, renderCollector(addFiles), codeBatchInput(T, busy), cadreRosterInput(T, busy));

  if (state.files.length) {
    box.append(filesTable(T, busy), h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'run-files', class: 'primary', disabled: busy || state.previewing || !state.plan, onclick: runFiles, text: T.officeFilesRun })));
    if (state.previewing) box.append(h('p', { class: 'hint', role: 'status', text: T.officePreviewBusy }));
    for (const f of state.files) if (isTable(f)) box.append(renderPreview(f.name) ?? '');
    previewWhenIdle();
  }

  const ing = state.ingest;
  if (ing) {
    box.append(h('h3', { id: 'ingest-h', tabindex: '-1', text: T.officeRecordsRead(fmtInt(ing.read), fmtInt(ing.accepted), fmtInt(ing.rejected.length)) }));
    if (ing.rejected.length) {
      box.append(scrollTable(T.officeRecordsRejections, T.officeRecordsRejections, [T.officeRecordsFile, T.officeRecordsRow, T.officeRecordsColumn, T.officeRecordsReason],
        ing.rejected.map((r) => h('tr', {}, h('th', { scope: 'row', text: r.file }), num(fmtInt(r.row)), td(r.column ?? '—'),
          h('td', {}, h('strong', { text: label(T.rejectKinds, r.code) }), ' ', tr(r.message, state.lang))))));
    }
    // Only a plan with amendments counts its records per version.
    const versions = Object.entries(ing.versions ?? {});
    if (versions.length) {
      box.append(scrollTable(T.versionsHeading, T.versionsHeading, [T.versionsVersion, T.versionsAccepted],
        versions.map(([v, n]) => h('tr', {}, h('th', { scope: 'row', text: v }), num(fmtInt(n)))), { cls: 'versions' }));
    }
    // Signed sheets a later one of the same rater replaced, and the one-time codes: drawn
    // only when the core reports them.
    const superseded = ing.superseded ?? [];
    if (superseded.length) {
      box.append(scrollTable(T.supersededHeading, T.supersededHeading,
        [T.supersededFile, T.supersededRow, T.codesInstrument, T.supersededRater, T.supersededAt, T.supersededCounted],
        superseded.map((s) => h('tr', {}, h('th', { scope: 'row', text: s.file }), num(fmtInt(s.row)), td(instrumentName(s.instrument)),
          td(s.rater), td(s.submitted_at), td(T.supersededCountedAt(s.counted_file, fmtInt(s.counted_row), s.counted_submitted_at)))),
        { cls: 'superseded' }));
    }
    const codes = Object.entries(ing.codes ?? {});
    if (codes.length) {
      box.append(scrollTable(T.codesHeading, T.codesHeading,
        [T.codesInstrument, T.codesIssued, T.codesUsed, T.codesUnknown, T.codesReused, T.codesMissing],
        codes.map(([ins, c]) => h('tr', {}, h('th', { scope: 'row', text: instrumentName(ins) }), num(fmtInt(c.issued)), num(fmtInt(c.used)),
          num(fmtInt(c.unknown)), num(fmtInt(c.reused)), num(fmtInt(c.missing)))), { cls: 'codes' }));
    }
    for (const f of ing.files) if (f.mapping) box.append(renderMapping(f));
  }
  return box;
}

// ---- column mapping of tables (CSV), remembered per plan ------------------------------------

/**
 * The options the worker passes to the engine for each table file: mapping, encoding and
 * how each column is read (the readings of the file's check before the run).
 */
function fileOptions() {
  const out = {};
  for (const f of state.files) {
    if (!isTable(f)) continue;
    const o = baseOptions(f.name);
    const readings = readingsOf(f.name);
    if (readings) o.readings = readings;
    const recode = recodeOf(f.name);
    if (recode) o.recode = recode;
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
    rememberLayout(f.file);
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

export function renderData() {
  const T = t();
  const sec = h('section', { class: 'office-step', 'aria-labelledby': 'data-h' },
    h('h2', { id: 'data-h', text: T.officeDataHeading }),
    h('p', { class: 'hint', text: T.officeDataIntro }));
  const canRun = !!state.plan && !state.run;
  const field = (id, text, value) => h('div', { class: 'field' },
    h('label', { for: id, text }),
    h('input', { type: 'text', id, name: id, inputmode: 'numeric', autocomplete: 'off', value,
      'aria-invalid': state.inputError?.field === id ? 'true' : null, 'aria-describedby': state.inputError?.field === id ? 'num-error' : null }));
  const form = h('form', { class: 'demo-form', novalidate: true, onsubmit: generate },
    h('div', { class: 'fields' }, field('n', T.officeDataPublicN, state.n), field('seed', T.officeDataSeed, state.seed)),
    state.inputError ? h('p', { id: 'num-error', class: 'error-message', text: tr(state.inputError.message, state.lang) }) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'generate', class: 'primary', disabled: !canRun, text: T.officeDataGenerate }),
      state.plan ? null : h('span', { class: 'hint', text: T.officeDataNeedsPlan })));
  sec.append(form, renderRun(T));
  if (state.result) sec.append(renderInputs(state.result.inputs));
  sec.append(renderRecordFiles());
  const yearEnd = renderYearEnd();
  if (yearEnd) sec.append(yearEnd);
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
