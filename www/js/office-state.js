// The office page's one state object and its store: a step changes the state only through
// `update(patch)`, which redraws the regions (the page's steps) that read a changed key and
// nothing else. What the engine returned is kept as it came; no rule about scores lives here.
import { pickLang, strings } from './i18n.js';
import './i18n-office.js';
import { bind } from './office-view.js';
import { announce as say } from './page.js';
import * as saved from './office-store.js';

const params = new URLSearchParams(location.search);

export const state = {
  lang: pickLang(params.get('lang') || localStorage.getItem('kaoping:lang') || 'zh-CN'),
  planText: null, // null: the built-in demo plan
  planSource: null, // null: demo; otherwise the file name
  checking: true,
  report: null, // { ok, sha256, problems }
  plan: null, // the plan (when valid)
  trust: null, // its keys and each instrument's access with the choices (Engine.trustChoices)
  loadError: null,
  bookProblems: null, // a plan workbook's problems at their cells (IBookProblem[])
  n: '2000',
  seed: '42',
  inputError: null,
  run: null, // { stage, records, started, total?, bytes?, counts?, file? }
  runMessage: null, // { kind: 'cancelled' | 'error', text }
  result: null,
  satisfaction: [], // each unit's answers to the satisfaction question, with the result (ISatisfactionAnswers[])
  levels: {}, // each unit's confidence level for its view's intervals, with the result (by unit id)
  orientations: [], // subtotals by orientation per category, with the result (ICategoryOrientations[])
  ingest: null, // the last ingest report (data files)
  files: [], // data files: { name, size, blob, table, cursor? } (table: the engine's, office-preview.js; cursor: a collector's, office-collector.js)
  codeBatches: [], // the office's code batch files for the runs (kaoping.codes/1): { name, size, blob }
  cadreRoster: null, // the cadre roster file for the runs (干部名单, CSV or XLSX): { name, size, blob }
  collector: { url: '' }, // the pull from a collector (office-collector.js): { url, busy?, error?, pulled?, cancelled? }; never its token
  lastRun: null, // 'demo' | 'files': what the result came from, redone after a reload
  unit: null, // the unit shown in the dialog
  verify: null, // { busy } | { failed } | what Engine.verifyFiles gives ({ found, … })
  manifest: null, // the audit manifest of the last file run
  outputs: null, // its output files [{ name, bytes }], as the manifest records them
  mapping: {}, // header → flat-layout column key, for tables; remembered per plan
  encodings: {}, // file name → encoding chosen by the office ('auto' = detect)
  previews: {}, // table file name → { key, preview } | { key, error }: its check before a run
  previewing: false, // a check is under way
  recodes: {}, // table file name → { column key: { value: target } }: the office's recoding
  remembered: {}, // table file name → true when its layout's earlier choices were offered
  forms: { instrument: null, lang: null, phone: false, trying: false, attempt: 0 }, // the forms' preview (office-forms.js)
  amend: null, // an amendment under way: { next, source, diff, languages, date, reason, busy?, error? } | { source, error }
  amendDone: null, // the amendment just recorded: { json, source, version, date }
  invite: null, // the invitation form and the invitations issued (office-invite.js)
  codes: null, // the one-time codes' form (office-codes.js); the codes themselves are never kept here
  keys: { key: null }, // the office's signing key (office-keys.js): { key, mode?, busy?, error?, done? }
  trustEdit: null, // the trust part's choices (office-trust.js): { access: { instrument: access }, revoke: [key id], busy?, error? }
  importing: null, // a questionnaire import: { busy, file } | { file, error } | { file, result, engine, previewError }
};

export const t = () => strings(state.lang);

/** The view helpers (names, numbers, tables) bound to the state. */
export const view = bind(state);

/** Says a short message through the page's one persistent live region. */
export const announce = (text) => say('office-announce', text);

let uid = 0;
/** A fresh id for an element: `${prefix}${n}`. */
export const nextId = (prefix) => `${prefix}${++uid}`;

// ---- the store -----------------------------------------------------------------------------

const regions = [];

/**
 * A region of the page: `render()` returns its element (or draws it elsewhere and returns
 * nothing, like the unit dialog), redrawn whenever one of `keys` of the state changes.
 */
export function region(keys, render) {
  regions.push({ keys: new Set(keys), render, el: null });
}

function draw(r) {
  const el = r.render();
  if (!el) return;
  if (r.el?.isConnected) r.el.replaceWith(el);
  r.el = el;
}

/** Changes the state by `patch` and redraws the regions that read one of its keys. */
export function update(patch) {
  Object.assign(state, patch);
  const keys = Object.keys(patch);
  for (const r of regions) if (keys.some((k) => r.keys.has(k))) draw(r);
}

/** Draws every region afresh; returns the elements to place, in their order. */
export function drawAll() {
  for (const r of regions) {
    r.el = null;
    draw(r);
  }
  return regions.map((r) => r.el).filter(Boolean);
}

// ---- the working state, kept across reloads -------------------------------------------------

export function persist() {
  saved.put('work', {
    planText: state.planText,
    planSource: state.planSource,
    files: state.files.map(({ name, blob, cursor }) => ({ name, blob, cursor })),
    codeBatches: (state.codeBatches ?? []).map(({ name, blob }) => ({ name, blob })),
    cadreRoster: state.cadreRoster ? { name: state.cadreRoster.name, blob: state.cadreRoster.blob } : null,
    n: state.n,
    seed: state.seed,
    lastRun: state.lastRun,
  });
}

export function saveResult() {
  saved.put('result', { result: state.result, ingest: state.ingest, plan: state.plan, planSource: state.planSource, at: new Date().toISOString() });
}

/** The working state of the last visit, put back into the state (before the first drawing). */
export async function restore() {
  const w = await saved.get('work');
  if (!w) return false;
  Object.assign(state, {
    planText: w.planText ?? null,
    planSource: w.planSource ?? null,
    files: (w.files ?? []).filter((f) => f?.blob).map(({ name, blob, cursor }) => ({ name, size: blob.size, blob, ...(cursor ? { cursor } : {}) })),
    codeBatches: (w.codeBatches ?? []).filter((f) => f?.blob).map(({ name, blob }) => ({ name, size: blob.size, blob })),
    cadreRoster: w.cadreRoster?.blob ? { name: w.cadreRoster.name, size: w.cadreRoster.blob.size, blob: w.cadreRoster.blob } : null,
    n: w.n ?? state.n,
    seed: w.seed ?? state.seed,
    lastRun: w.lastRun ?? null,
  });
  return true;
}

const mappingKey = () => `mapping:${state.report?.sha256 ?? 'demo'}`;

/** The column mapping and encodings remembered for the current plan. */
export async function loadMapping() {
  const m = await saved.get(mappingKey());
  state.mapping = m?.mapping ?? {};
  state.encodings = m?.encodings ?? {};
}

export function saveMapping() {
  saved.put(mappingKey(), { mapping: state.mapping, encodings: state.encodings });
}

const collectorKey = () => `collector:${state.report?.sha256 ?? 'demo'}`;

/** The collector's address remembered for the current plan (its token never is). */
export async function loadCollector() {
  const c = await saved.get(collectorKey());
  state.collector = { url: typeof c?.url === 'string' ? c.url : '' };
}

export function saveCollector(url) {
  saved.put(collectorKey(), { url });
}

// Per plan and per tool layout (the engine's fingerprint of a file's header row): the mapping
// of its headers and the recoding of its unmatched values, offered again for a file of the
// same layout.
const layoutKey = (layout) => `layout:${state.report?.sha256 ?? 'demo'}:${layout}`;

/** What was chosen for files of this layout: { mapping, recode } or undefined. */
export const loadLayout = (layout) => saved.get(layoutKey(layout));

export function saveLayout(layout, value) {
  saved.put(layoutKey(layout), value);
}
