// The evaluation office's page (考评办): check a plan, score data, read the results.
// Validation and scoring run in a module worker (office-worker.js); this page only draws
// what the engine returns. No rule about scores or grades lives here.
import { pickLang, strings, tr } from './i18n.js';
import './i18n-office.js';
import { barChart, profileChart, mountChart } from './charts.js';

const params = new URLSearchParams(location.search);
const main = document.getElementById('main');
const switcher = document.getElementById('lang-switch');

const state = {
  lang: pickLang(params.get('lang') || localStorage.getItem('kaoping:lang') || 'zh-CN'),
  planText: null, // null: the built-in demo plan
  planSource: null, // null: demo; otherwise the file name
  checking: true,
  report: null, // { ok, sha256, problems }
  plan: null, // the plan (when valid)
  loadError: null,
  n: '2000',
  seed: '42',
  inputError: null,
  run: null, // { stage, records, started }
  runMessage: null, // { kind: 'cancelled' | 'error', text }
  result: null,
  unit: null, // the unit shown in the dialog
};

const t = () => strings(state.lang);

/** Says a short message through the page's one persistent live region. */
function announce(text) {
  const el = document.getElementById('office-announce');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 100);
}
let uid = 0;

// ---- small DOM helpers ---------------------------------------------------------------------

const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
};

/** A table inside its own labelled, focusable scroll container. */
function scrollTable(label, caption, head, rows, { cls = '', bodies } = {}) {
  const table = h('table', { class: `data ${cls}` },
    caption ? h('caption', { text: caption }) : null,
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col', text: c })))),
    bodies ?? h('tbody', {}, rows));
  return h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': t().officeRegion(label) }, table);
}

const td = (text, cls) => h('td', { class: cls, text: text ?? '' });
const num = (text) => td(text, 'num');

// ---- formatting (only how numbers look; the values come from the engine) -------------------

function fmt(x, decimals = state.result?.precision ?? 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return new Intl.NumberFormat(state.lang, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(x);
}
const fmtUpTo = (x, d = 3) => (x === null || x === undefined ? '—'
  : new Intl.NumberFormat(state.lang, { maximumFractionDigits: d }).format(x));
const fmtInt = (x) => (x === null || x === undefined ? '—' : new Intl.NumberFormat(state.lang).format(x));
const fmtPct = (x) => (x === null || x === undefined ? '—' : `${fmt(x * 100)}%`);
const fmtInterval = (iv, f = fmt) => (iv ? `${f(iv.lower)} – ${f(iv.upper)}` : '—');
const yesNo = (b) => (b ? t().officeYes : t().officeNo);

// ---- names from the plan and the result ----------------------------------------------------

const planOf = () => state.plan;
const unitName = (id) => tr(planOf()?.units.find((u) => u.id === id)?.name, state.lang) || id;
const categoryName = (id) => tr(planOf()?.categories.find((c) => c.id === id)?.name, state.lang) || id;
const indicatorName = (id) => tr(planOf()?.indicators.find((i) => i.id === id)?.name, state.lang) || id;
const label = (map, id) => map[id] ?? id;

function gradeName(id) {
  const rule = state.result?.rules?.grades?.find((g) => g.id === id);
  return rule ? tr(rule.name, state.lang) : label(t().officeGrades, id);
}

function groupName(id) {
  const ins = planOf()?.instruments.find((i) => i.id === state.result?.rules?.expert?.instrument);
  return tr(ins?.review?.groups.find((g) => g.id === id)?.name, state.lang) || id;
}

function questionOf(instrumentId, questionId) {
  const ins = planOf()?.instruments.find((i) => i.id === instrumentId);
  for (const s of ins?.sections ?? []) for (const q of s.questions) if (q.id === questionId) return q;
  return null;
}

function cadreName(id) {
  const rules = state.result?.rules?.leadership;
  const q = questionOf(rules?.instrument, rules?.cadre_question);
  return tr(q?.rows?.find((r) => r.value === id)?.label, state.lang) || id;
}

function itemName(id) {
  const [qid, row] = id.split('/');
  const q = questionOf(state.result?.rules?.public?.instrument, qid);
  if (!q) return id;
  const rowLabel = row ? tr(q.rows?.find((r) => r.value === row)?.label, state.lang) : '';
  return rowLabel || tr(q.label, state.lang);
}

function instrumentName(id) {
  return tr(planOf()?.instruments.find((i) => i.id === id)?.title, state.lang) || id;
}

// ---- the worker ----------------------------------------------------------------------------

class Cancelled extends Error {}

const runner = {
  worker: null,
  pending: new Map(),
  seq: 0,
  spawn() {
    this.worker = new Worker(new URL('./office-worker.js', import.meta.url), { type: 'module' });
    this.worker.addEventListener('message', (e) => {
      const msg = e.data;
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') p.onProgress?.(msg);
      else {
        this.pending.delete(msg.id);
        if (msg.type === 'done') p.resolve(msg.value);
        else p.reject(new Error(msg.message));
      }
    });
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.failAll(new Error(e.message || t().officeEngineFailed));
    });
  },
  failAll(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  },
  request(msg, onProgress) {
    if (!this.worker) this.spawn();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ ...msg, id });
    });
  },
  cancel() {
    this.worker?.terminate();
    this.worker = null;
    this.failAll(new Cancelled());
    this.spawn(); // a fresh worker, ready for the next run
  },
};

// ---- plan ----------------------------------------------------------------------------------

async function checkPlan({ focus = false } = {}) {
  state.checking = true;
  state.report = null;
  state.plan = null;
  state.result = null;
  state.runMessage = null;
  renderAll();
  try {
    const { report, plan } = await runner.request({ type: 'validate', text: state.planText });
    state.report = report;
    state.plan = plan;
  } catch (err) {
    if (err instanceof Cancelled) return;
    state.loadError = String(err?.message ?? err);
  }
  state.checking = false;
  renderAll();
  const verdict = document.getElementById('plan-status')?.textContent;
  if (verdict) announce(verdict);
  if (focus) document.getElementById('plan-status')?.focus();
}

async function loadFile(file) {
  if (!file) return;
  state.loadError = null;
  try {
    state.planText = await file.text();
    state.planSource = file.name;
  } catch (err) {
    state.loadError = t().officePlanReadFailed + (err?.message ?? err);
    renderAll();
    return;
  }
  if (state.run) runner.cancel();
  state.run = null;
  await checkPlan({ focus: true });
}

function useDemo() {
  if (state.run) runner.cancel();
  state.run = null;
  state.planText = null;
  state.planSource = null;
  state.loadError = null;
  checkPlan({ focus: true });
}

function renderPlan() {
  const T = t();
  const sec = h('section', { class: 'office-step', 'aria-labelledby': 'plan-h' },
    h('h2', { id: 'plan-h', text: T.officePlanHeading }));
  const report = state.report;
  const status = h('div', { id: 'plan-status', class: 'plan-status', tabindex: '-1' });
  sec.append(status);
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

  if (report && !report.ok) sec.append(renderProblems(report.problems));

  // Loading another plan: a drop zone with a real button and the file input behind it.
  const input = h('input', {
    type: 'file', id: 'plan-file', accept: '.json,application/json', class: 'visually-hidden', tabindex: '-1',
    'aria-label': T.officePlanFileLabel,
    onchange: (e) => { loadFile(e.target.files[0]); e.target.value = ''; },
  });
  const zone = h('div', { class: 'dropzone' },
    h('h3', { text: T.officePlanLoad }),
    h('p', {}, T.officePlanDrop),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => input.click(), text: T.officePlanChoose }),
      state.planSource !== null
        ? h('button', { type: 'button', class: 'secondary', onclick: useDemo, text: T.officePlanUseDemo }) : null),
    input);
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    loadFile(e.dataTransfer?.files?.[0]);
  });
  sec.append(zone);
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

// ---- data ----------------------------------------------------------------------------------

let tick = null;

async function generate(e) {
  e.preventDefault();
  const T = t();
  const form = e.target;
  state.n = form.elements.n.value.trim();
  state.seed = form.elements.seed.value.trim();
  const ok = (v) => /^\d+$/.test(v) && Number(v) <= 0xffffffff;
  state.inputError = ok(state.n) ? (ok(state.seed) ? null : 'seed') : 'n';
  if (state.inputError) {
    state.runMessage = null;
    renderAll();
    document.getElementById(state.inputError)?.focus();
    return;
  }
  state.result = null;
  state.runMessage = null;
  state.run = { stage: 'start', records: null, started: performance.now() };
  renderAll();
  document.getElementById('cancel')?.focus();
  tick = setInterval(updateElapsed, 250);
  try {
    const result = await runner.request(
      { type: 'demo', text: state.planText, seed: Number(state.seed), n: Number(state.n) },
      (p) => {
        state.run.stage = p.stage;
        if (p.records !== undefined) state.run.records = p.records;
        updateRun();
      },
    );
    state.result = result;
    state.run = null;
    renderAll();
    announce(T.officeScored(result.units.length));
    document.getElementById('results-h')?.focus();
  } catch (err) {
    state.run = null;
    state.runMessage = err instanceof Cancelled
      ? { kind: 'cancelled', text: T.officeCancelled }
      : { kind: 'error', text: T.officeScoreFailed + (err?.message ?? err) };
    renderAll();
    announce(state.runMessage.text);
    document.getElementById('generate')?.focus();
  } finally {
    clearInterval(tick);
  }
}

// Response record files: each record accepted or rejected by the engine, then scored.
async function loadRecords(e) {
  const T = t();
  const files = [...e.target.files];
  if (!files.length || !state.plan) return;
  state.result = null;
  state.ingest = null;
  state.runMessage = null;
  state.run = { stage: 'start', records: null, started: performance.now() };
  renderAll();
  try {
    // The File objects go to the worker, which streams them chunk by chunk.
    const out = await runner.request({ type: 'records', text: state.planText, files }, (p) => {
      state.run.stage = p.stage;
      updateRun();
    });
    state.ingest = out.ingest;
    state.result = out.result;
    state.run = null;
    renderAll();
    announce(T.officeRecordsRead(fmtInt(out.ingest.read), fmtInt(out.ingest.accepted), fmtInt(out.ingest.rejected.length)));
    document.getElementById('ingest-h')?.focus();
  } catch (err) {
    state.run = null;
    state.runMessage = err instanceof Cancelled
      ? { kind: 'cancelled', text: T.officeCancelled }
      : { kind: 'error', text: T.officeScoreFailed + (err?.message ?? err) };
    renderAll();
    announce(state.runMessage.text);
  }
}

function renderRecordFiles() {
  const T = t();
  const box = h('div', { class: 'record-files' },
    h('h3', { text: T.officeRecordsHeading }),
    h('p', { class: 'hint', id: 'records-hint', text: T.officeRecordsHint }),
    h('label', { for: 'record-files', class: 'label', text: T.officeRecordsChoose }),
    h('input', { type: 'file', id: 'record-files', multiple: true, accept: '.json,.jsonl,application/json',
      'aria-describedby': 'records-hint', disabled: !state.plan || !!state.run, onchange: loadRecords }));
  const ing = state.ingest;
  if (ing) {
    box.append(h('h3', { id: 'ingest-h', tabindex: '-1', text: T.officeRecordsRead(fmtInt(ing.read), fmtInt(ing.accepted), fmtInt(ing.rejected.length)) }));
    box.append(scrollTable(T.officeRecordsFiles, T.officeRecordsFiles, [T.officeRecordsFile, T.officeRecordsReadCol, T.officeRecordsAccepted, T.officeRecordsRejected],
      ing.files.map((f) => h('tr', {}, h('th', { scope: 'row', text: f.file }), num(fmtInt(f.read)), num(fmtInt(f.accepted)), num(fmtInt(f.rejected))))));
    if (ing.rejected.length) {
      box.append(scrollTable(T.officeRecordsRejections, T.officeRecordsRejections, [T.officeRecordsFile, T.officeRecordsRow, T.officeRecordsColumn, T.officeRecordsReason],
        ing.rejected.map((r) => h('tr', {}, h('th', { scope: 'row', text: r.file }), num(fmtInt(r.row)), td(r.column ?? '—'), td(tr(r.message, state.lang))))));
    }
  }
  return box;
}

function updateElapsed() {
  const el = document.getElementById('run-elapsed');
  if (el && state.run) el.textContent = t().officeElapsed(Math.floor((performance.now() - state.run.started) / 1000));
}

function updateRun() {
  const el = document.getElementById('run-stage');
  if (!el || !state.run) return;
  const T = t();
  el.textContent = label(T.officeStage, state.run.stage)
    + (state.run.records !== null ? ` ${T.officeRecordsGenerated(fmtInt(state.run.records))}` : '');
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
  sec.append(form);

  // The run: a live status line; the elapsed time and Cancel sit outside the live region.
  const live = h('p', { id: 'run-stage', class: 'run-stage', role: 'status' });
  const run = h('div', { class: `run${state.run ? ' active' : ''}` }, live);
  if (state.run) {
    run.append(h('progress', { 'aria-labelledby': 'run-stage' }),
      h('div', { class: 'run-row' },
        h('span', { id: 'run-elapsed', class: 'hint' }),
        h('button', { type: 'button', id: 'cancel', class: 'secondary', onclick: () => runner.cancel(), text: T.officeCancel })));
  } else if (state.runMessage) {
    live.textContent = state.runMessage.text;
    live.className = state.runMessage.kind === 'error' ? 'run-stage error-message' : 'run-stage notice';
  }
  sec.append(run);
  if (state.run) queueMicrotask(() => { updateRun(); updateElapsed(); });

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

// ---- results -------------------------------------------------------------------------------

const warningsOf = (unit) => state.result.warnings.filter((w) => w.unit === unit);

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
  for (const cat of r.categories) sec.append(renderCategory(cat, units));
  sec.append(renderWarnings(r.warnings));
  return sec;
}

function gradeBadge(grade) {
  return h('span', { class: `grade grade-${grade}`, text: gradeName(grade) });
}

function vetoText(u) {
  return u.vetoes.map((v) => t().officeVetoReason(indicatorName(v.indicator), tr(v.reason, state.lang) || '—')).join(t().officeSep);
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
  const box = h('section', { class: 'warnings', 'aria-labelledby': `w-${++uid}` }, h(level, { id: `w-${uid}`, text: `${heading}${T.officeParen(warnings.length)}` }));
  if (!warnings.length) {
    box.append(h('p', { class: 'muted', text: T.officeNone }));
    return box;
  }
  box.append(h('ul', { class: 'warning-list' }, warnings.map((w) => h('li', {},
    subjects ? h('span', { class: 'subject', text: w.unit ? unitName(w.unit) : T.officeGeneral }) : null, subjects ? ' ' : null,
    tr(w.message, state.lang)))));
  return box;
}

// ---- a unit's details ----------------------------------------------------------------------

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

function openUnit(id, from) {
  opener = from;
  state.unit = id;
  const d = dialogEl();
  d.dataset.unit = id;
  renderUnit(d);
  if (!d.open) d.showModal();
  document.getElementById('unit-h')?.focus();
}

function dl(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', {}, v))));
}

function renderUnit(d) {
  const T = t();
  const r = state.result;
  const u = r.units.find((x) => x.unit === state.unit);
  if (!u) return;
  const cat = r.categories.find((c) => c.category === u.category);
  const means = cat?.indicator_means ?? {};
  const name = unitName(u.unit);
  const c = u.components;

  const head = h('div', { class: 'dialog-head' },
    h('h2', { id: 'unit-h', tabindex: '-1', text: name }),
    h('button', { type: 'button', class: 'secondary small', onclick: () => d.close(), text: T.officeClose }));

  const sub = (title, ...content) => {
    const id = `u-${++uid}`;
    return h('section', { 'aria-labelledby': id }, h('h3', { id, text: title }), ...content);
  };

  const summary = sub(T.officeUnitSummary, dl([
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

  const comps = ['indicators', 'expert', 'public', 'leadership'].map((k) => {
    const s = c[k];
    return h('tr', {},
      h('th', { scope: 'row', text: label(T.officeComponents, k) }),
      num(fmtUpTo(s.weight)), num(fmtUpTo(s.weight_used)), num(fmt(s.value)), num(fmtInt(s.n)),
      num(fmtInterval(s.interval)), num(fmt(s.contribution)), td(label(T.officeStatus, s.status)));
  });
  const level = [c.indicators, c.expert, c.public, c.leadership].find((s) => s.interval)?.interval.level ?? r.rules?.confidence;
  const components = sub(T.officeComponentsHeading, scrollTable(T.officeComponentsHeading, null,
    [T.officeComponent, T.officeWeight, T.officeWeightUsed, T.officeValue, T.officeN,
      level ? T.officeInterval(level) : T.officeIntervalCol, T.officeContribution, T.officeStatusCol], comps));

  const inputText = (it) => {
    const v = it.input;
    if (!v) return '—';
    if (it.kind === 'data') return T.officeInputData(fmtUpTo(v.actual, 4), fmtUpTo(v.target, 4));
    if (it.kind === 'project') return T.officeInputProject(v.milestones_done, v.milestones_total);
    const verdict = v.passed ? T.officeInputPassed : T.officeInputFailed;
    return v.reason ? T.officeColon(verdict, tr(v.reason, state.lang)) : verdict;
  };
  const items = c.indicators.items;
  const host = h('div', { class: 'chart-host' });
  const breakdown = sub(T.officeBreakdownHeading,
    h('figure', { class: 'chart-figure' }, host, h('figcaption', { text: T.officeChartProfileCaption })),
    scrollTable(T.officeBreakdownHeading, null,
      [T.officeIndicator, T.officeKind, T.officeInput, T.officeRatio, T.officePanel, T.officeScore,
        T.officeCategoryMean, T.officeWeight, T.officeWeightUsed, T.officeContribution],
      items.map((it) => h('tr', {},
        h('th', { scope: 'row', text: indicatorName(it.indicator) }),
        td(label(T.officeKinds, it.kind)), td(inputText(it)), num(fmtUpTo(it.ratio)), num(fmt(it.expert)),
        num(fmt(it.score)), num(fmt(means[it.indicator])), num(fmtUpTo(it.weight)), num(fmtUpTo(it.weight_used)),
        num(fmt(it.contribution)))),
      { cls: 'breakdown' }));

  const listTable = (title, list) => h('div', { class: 'list-col' }, h('h4', { text: title }),
    list.length ? scrollTable(title, null, [T.officeIndicator, T.officeScore, T.officeCategoryMean, T.officeDifference],
      list.map((li) => h('tr', {}, h('th', { scope: 'row', text: indicatorName(li.indicator) }),
        num(fmt(li.score)), num(fmt(li.category_mean)), num(fmt(li.difference))))) : h('p', { class: 'muted', text: T.officeNone }));
  const lists = sub(T.officeListsHeading, h('div', { class: 'lists' },
    listTable(T.officePositive, u.positive), listTable(T.officeNegative, u.negative)));

  const expert = sub(T.officeExpertHeading, scrollTable(T.officeExpertHeading, null,
    [T.officeGroup, T.officeWeight, T.officeWeightUsed, T.officeN, T.officeUnable, T.officeValue, T.officeStatusCol],
    c.expert.groups.map((g) => h('tr', {}, h('th', { scope: 'row', text: groupName(g.group) }),
      num(fmtUpTo(g.weight)), num(fmtUpTo(g.weight_used)), num(fmtInt(g.n)), num(fmtInt(g.unable_to_judge)),
      num(fmt(g.value)), td(label(T.officeStatus, g.status))))),
    c.expert.indicators.length ? scrollTable(T.officeExpertByIndicator, T.officeExpertByIndicator,
      [T.officeIndicator, T.officeValue, ...c.expert.groups.map((g) => groupName(g.group))],
      c.expert.indicators.map((ei) => h('tr', {}, h('th', { scope: 'row', text: indicatorName(ei.indicator) }),
        num(fmt(ei.value)), ...c.expert.groups.map((g) => {
          const x = ei.groups.find((y) => y.group === g.group);
          return num(x ? `${fmt(x.value)}${T.officeParen(`n = ${fmtInt(x.n)}`)}` : '—');
        })))) : null);

  const p = c.public;
  const pub = sub(T.officePublicHeading,
    p.n ? dl([
      [T.officeValue, `${fmt(p.value)}${T.officeParen(`${fmtInterval(p.interval)}, n = ${fmtInt(p.n)}`)}`],
      [T.officeSatisfaction, p.satisfaction_rate
        ? `${fmtPct(p.satisfaction_rate.estimate)}${T.officeParen(fmtInterval(p.satisfaction_rate, fmtPct))}` : '—'],
      [T.officeNps, p.nps ? `${fmt(p.nps.nps)}${T.officeParen(`n = ${fmtInt(p.nps.n)}`)}` : '—'],
      [T.officeCronbach, p.cronbach_alpha != null ? `${fmtUpTo(p.cronbach_alpha)}${T.officeParen(`n = ${fmtInt(p.cronbach_n)}`)}` : '—'],
    ]) : h('p', { class: 'muted', text: `${T.officeNoPublic}${T.officeParen(label(T.officeStatus, p.status))}` }),
    p.items.length ? scrollTable(T.officePublicHeading, null, [T.officeIndicator, T.officeN, T.officeUnable, T.officeValue],
      p.items.map((it) => h('tr', {}, h('th', { scope: 'row', text: itemName(it.item) }),
        num(fmtInt(it.n)), num(fmtInt(it.unable_to_judge)), num(fmt(it.mean)))), { cls: 'narrow' }) : null);

  const team = sub(T.officeTeamHeading, dl([
    [T.officeTeamScore, fmt(u.team.score)],
    [T.officeTeamGrade, label(T.officeTeamGrades, u.team.grade)],
    [T.officePreviousGrade, u.team.previous_grade ? label(T.officeTeamGrades, u.team.previous_grade) : '—'],
    [T.officeAdmonition, yesNo(u.team.admonition_talk)],
    [T.officeReorganisation, yesNo(u.team.reorganisation)],
  ]));

  const cadres = sub(T.officeCadresHeading, scrollTable(T.officeCadresHeading, null,
    [T.officeCadre, ...T.officeVotes, T.officeN, T.officeCadreGrade, T.officeAdmonition],
    u.cadres.map((cd) => h('tr', { class: cd.admonition_talk ? 'flagged' : null },
      h('th', { scope: 'row', text: cadreName(cd.cadre) }), ...cd.votes.map((v) => num(fmtInt(v))), num(fmtInt(cd.n)),
      td(label(T.officeCadreGrades, cd.grade)), td(yesNo(cd.admonition_talk))))));

  const agreement = sub(T.officeAgreementHeading, renderAgreement(u.category, categoryName(u.category)) ?? h('p', { class: 'muted', text: T.officeNone }));
  const warnings = renderWarnings(warningsOf(u.unit), T.officeUnitWarnings, { subjects: false });

  d.replaceChildren(head, h('div', { class: 'dialog-body' },
    summary, components, breakdown, lists, expert, pub, team, cadres, agreement, warnings));

  mountChart(host, (width) => profileChart({
    width,
    title: T.officeChartProfile(name),
    rows: items.map((it) => ({ label: indicatorName(it.indicator), value: it.score, mean: means[it.indicator] })),
    format: { tick: (x) => fmtUpTo(x, 0), value: (x) => fmt(x) },
    legend: { unit: T.officeLegendUnit, mean: T.officeLegendMean },
  }));
}

// ---- page ----------------------------------------------------------------------------------

function applyChrome() {
  const T = t();
  document.documentElement.lang = state.lang;
  switcher.textContent = T.switchLang;
  switcher.setAttribute('lang', state.lang === 'en' ? 'zh-CN' : 'en');
  switcher.setAttribute('aria-label', T.switchLangLabel);
  document.querySelector('.skip').textContent = T.skip;
  document.querySelector('.brand').textContent = T.app;
  document.title = `${T.officeTitle} · ${T.app}`;
}

function renderAll() {
  const T = t();
  applyChrome();
  main.replaceChildren(
    h('h1', { id: 'office-title', text: T.officeTitle }),
    h('p', { class: 'intro', text: T.officeIntro }),
    renderPlan(),
    renderData(),
    renderResults(),
  );
  const d = document.getElementById('unit-dialog');
  if (d?.open && state.unit) renderUnit(d);
}

switcher.addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem('kaoping:lang', state.lang);
  const focusedId = document.activeElement?.id;
  renderAll();
  if (focusedId && focusedId !== 'lang-switch') document.getElementById(focusedId)?.focus();
});

runner.spawn();
checkPlan();
