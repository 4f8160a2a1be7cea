// The check of a response table before a run: the worker reads the whole file with the
// engine's preview (office-worker.js, `previewTable`), and this draws what the engine
// returned: what each column becomes, how its cells are read, and every value that matches
// no option with its count and what it could be. The preview's `readings` go back into the
// run's file options, so that the run reads each column as shown; so does the office's
// recoding of unmatched values (`recode`), chosen here among what the engine says each value
// may become. Both the mapping and the recoding are remembered per plan and per tool layout
// (the engine's fingerprint of the header row) and offered again for a file of that layout.
import { errorText } from './i18n.js';
import './i18n-office-files.js';
import { h } from './dom.js';
import { engineClass } from './engine.js';
import { td, num } from './office-view.js';
import { state, t, view, update, loadLayout, saveLayout, saveMapping } from './office-state.js';
import { runner, Cancelled } from './office-runner.js';

const { scrollTable, fmtInt, label, instrumentName, questionOf } = view;

/** Whether a data file is read as a table (CSV, TSV, XLSX), as the engine told (`withKinds`). */
export const isTable = (f) => f.table === true;

/**
 * The files with what the engine makes of each (`table`: whether a run reads it as a table),
 * told from its name and only its first bytes: a large file is never read whole for this.
 */
export async function withKinds(files) {
  const Engine = await engineClass(true);
  const head = Engine.tableHeadBytes();
  return Promise.all(files.map(async (f) => {
    if (typeof f.table === 'boolean') return f;
    const bytes = new Uint8Array(await f.blob.slice(0, head).arrayBuffer());
    return { ...f, table: Engine.readsAsTable(f.name, bytes) };
  }));
}

/** A table's options without readings: the mapping and the encoding chosen by the office. */
export function baseOptions(name) {
  const o = {};
  if (Object.keys(state.mapping).length) o.mapping = state.mapping;
  const enc = state.encodings[name];
  if (enc && enc !== 'auto') o.encoding = enc;
  return o;
}

// What a preview was made with: a new file, plan, mapping or encoding makes it stale.
const keyOf = (f) => JSON.stringify([f.size, f.blob?.lastModified ?? null, baseOptions(f.name), state.report?.sha256 ?? null]);

/** The current preview of a file: { preview } (null: no instrument), { error } or undefined. */
export const previewOf = (name) => {
  const f = state.files.find((x) => x.name === name);
  const p = state.previews[name];
  return f && p && p.key === keyOf(f) ? p : undefined;
};

const missing = () => state.files.filter((f) => isTable(f) && !previewOf(f.name));

async function previewAll() {
  update({ previewing: true });
  const previews = { ...state.previews };
  try {
    // Files added while the worker reads are taken in the next round.
    for (let todo = missing(); todo.length; todo = missing()) {
      for (const f of todo) {
        const key = keyOf(f);
        try {
          const preview = await runner.request({ type: 'preview', text: state.planText, name: f.name, blob: f.blob, options: baseOptions(f.name) });
          previews[f.name] = { key, preview };
          if (preview) await offerLayout(f.name, preview);
        } catch (err) {
          if (err instanceof Cancelled) return;
          previews[f.name] = { key, error: err };
        }
        state.previews = previews;
      }
    }
  } finally {
    for (const name of Object.keys(previews)) if (!state.files.some((f) => f.name === name)) delete previews[name];
    update({ previews, previewing: false });
  }
}

/**
 * Offers what was chosen for an earlier file of the same layout: its recoding (unless this
 * file has one) and the mapping of headers not mapped yet (the file is then checked again).
 */
async function offerLayout(name, preview) {
  const saved = await loadLayout(preview.layout);
  if (!saved) return;
  let offered = false;
  if (!state.recodes[name] && saved.recode && Object.keys(saved.recode).length) {
    state.recodes = { ...state.recodes, [name]: saved.recode };
    offered = true;
  }
  const headers = new Set(preview.mapping.headers.map((x) => x.header));
  const add = Object.entries(saved.mapping ?? {}).filter(([hd]) => headers.has(hd) && !(hd in state.mapping));
  if (add.length) {
    state.mapping = { ...state.mapping, ...Object.fromEntries(add) };
    saveMapping();
    offered = true;
  }
  if (offered) state.remembered = { ...state.remembered, [name]: true };
}

/** Remembers the mapping of a table's headers and its recoding for its layout. */
export function rememberLayout(name) {
  const p = previewOf(name)?.preview;
  if (!p) return;
  const mapping = {};
  for (const x of p.mapping.headers) if (x.header in state.mapping) mapping[x.header] = state.mapping[x.header];
  saveLayout(p.layout, { mapping, recode: state.recodes[name] ?? {} });
}

/** The office's recoding of a table's unmatched values, for the run's file options. */
export function recodeOf(name) {
  const r = state.recodes[name];
  return r && Object.keys(r).length ? r : null;
}

function setRecode(name, key, value, to) {
  const file = { ...(state.recodes[name] ?? {}) };
  const column = { ...(file[key] ?? {}) };
  if (to === null) delete column[value];
  else column[value] = to;
  if (Object.keys(column).length) file[key] = column;
  else delete file[key];
  update({ recodes: { ...state.recodes, [name]: file } });
  rememberLayout(name);
  // The check was drawn afresh: keep the keyboard on the select just changed.
  for (const sel of document.querySelectorAll('section.preview select[data-key]')) {
    if (sel.closest('section').dataset.file === name && sel.dataset.key === key && sel.dataset.value === value) sel.focus();
  }
}

let inflight = null;

/** Previews every table file that has no current preview (one pass at a time, shared). */
export function previewTables() {
  if (!state.plan || !missing().length) return inflight ?? Promise.resolve();
  inflight ??= previewAll().finally(() => { inflight = null; });
  return inflight;
}

/** Starts the check of tables that have none (after a reload, or another plan), unless busy. */
export function previewWhenIdle() {
  if (state.plan && !state.run && !inflight && missing().length) queueMicrotask(previewTables);
}

/** Whether a preview asks the office to look before the run: an export, or unmatched values. */
export const worthALook = (p) => !!p && (Object.keys(p.readings).length > 0 || p.unmatched.length > 0);

/** The readings of a table's current preview, for the run's file options. */
export function readingsOf(name) {
  const r = previewOf(name)?.preview?.readings;
  return r && Object.keys(r).length ? r : null;
}

// ---- drawing ---------------------------------------------------------------------------------

/** The name of the question a header became (with its matrix row's), in the page's language. */
function questionName(ins, header) {
  const q = questionOf(ins, header.question);
  if (!q) return header.key;
  const text = (x) => (x ? x[state.lang] ?? x['zh-CN'] ?? '' : '');
  const rowLabel = header.row != null ? text(q.rows?.find((r) => r.value === header.row)?.label) : '';
  return rowLabel ? `${text(q.label)} — ${rowLabel}` : text(q.label) || header.key;
}

/** What a header became, as the engine names it: [kind, detail]. */
function became(T, mapping, header) {
  const kind = T.officeBecame[header.kind] ?? T.officeBecame.unused;
  if (header.kind === 'tool_column') {
    const rec = (mapping.recognised ?? []).find((r) => r.header === header.header);
    return [kind, rec ? label(T.officeToolRoles, rec.role) : ''];
  }
  return [kind, header.question ? `${questionName(mapping.instrument, header)} (${header.key})` : ''];
}

function columnsTable(T, name, p) {
  const readings = new Map(p.columns.map((c) => [c.header, c]));
  const rows = p.mapping.headers.map((x) => {
    const [kind, detail] = became(T, p.mapping, x);
    const c = readings.get(x.header);
    return h('tr', { class: x.kind === 'unused' ? 'flagged' : null },
      h('th', { scope: 'row', text: x.header }),
      h('td', {}, kind, detail ? h('span', { class: 'muted' }, ` ${detail}`) : null),
      td(c ? label(T.officeReadings, c.reading) : '—', c ? null : 'muted'),
      num(c ? fmtInt(c.cells) : '—'));
  });
  return scrollTable(T.officePreviewColumns(name), T.officePreviewColumns(name),
    [T.officePreviewHeader, T.officePreviewBecame, T.officePreviewReading, T.officePreviewCells], rows, { cls: 'preview-columns' });
}

/** The select recoding one unmatched value: not recoded, or one of the engine's choices. */
function recodeSelect(T, name, u) {
  const current = state.recodes[name]?.[u.key]?.[u.value];
  const sel = h('select', { 'aria-label': T.officeRecodeSelect(u.value, u.header), 'data-key': u.key, 'data-value': u.value },
    h('option', { value: '', text: T.officeRecodeKeep }),
    u.choices.map((c) => h('option', {
      value: `=${c.value}`,
      selected: current === c.value,
      text: c.value === '' ? T.officeRecodeEmpty : c.label ? `${c.label} (${c.value})` : c.value,
    })));
  sel.addEventListener('change', () => setRecode(name, u.key, u.value, sel.value ? sel.value.slice(1) : null));
  return sel;
}

function unmatchedTable(T, name, p) {
  const rows = p.unmatched.map((u) => {
    const recoded = state.recodes[name]?.[u.key]?.[u.value] !== undefined;
    return h('tr', {},
      h('th', { scope: 'row', text: u.header }), td(u.value, recoded ? null : 'flag'), num(fmtInt(u.count)),
      h('td', {}, recodeSelect(T, name, u)), td(u.options.join(T.officeSep), 'muted'));
  });
  return scrollTable(T.officeUnmatchedCaption(name), T.officeUnmatchedCaption(name),
    [T.officeUnmatchedColumn, T.officeUnmatchedValue, T.officeUnmatchedCount, T.officeRecodeColumn, T.officeUnmatchedOptions], rows, { cls: 'unmatched' });
}

/** The check of one table file, or null when there is nothing to show. */
export function renderPreview(name) {
  const T = t();
  const entry = previewOf(name);
  if (!entry) return null;
  const hid = `preview-${name.replace(/[^\w-]/g, '_')}`;
  const box = h('section', { class: 'preview', 'aria-labelledby': hid, 'data-file': name },
    h('h3', { id: hid, tabindex: '-1', text: T.officePreviewHeading(name) }));
  if (entry.error) {
    box.append(h('p', { class: 'error-message', text: T.officePreviewFailed + errorText(entry.error, state.lang) }));
    return box;
  }
  const p = entry.preview;
  if (!p) return null;
  box.append(h('p', { class: 'hint', text: T.officePreviewSummary(fmtInt(p.rows), label(T.officeEncodings, p.encoding.toLowerCase()), instrumentName(p.mapping.instrument)) }));
  if (!state.ingest && worthALook(p)) box.append(h('p', { class: 'notice', text: T.officePreviewHold }));
  const n = p.unmatched.length;
  box.append(h('h4', { class: n ? 'flag' : null, text: n ? T.officeUnmatchedHeading(n) : T.officeUnmatchedNone }));
  if (n && state.remembered[name]) box.append(h('p', { class: 'notice', text: T.officeRecodeRemembered }));
  if (n) box.append(h('p', { class: 'hint', text: T.officeUnmatchedHint }), unmatchedTable(T, name, p));
  box.append(h('details', { class: 'preview-columns', open: !state.ingest },
    h('summary', { text: T.officePreviewColumns(name) }), columnsTable(T, name, p)));
  return box;
}
