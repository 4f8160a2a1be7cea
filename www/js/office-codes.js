// One-time codes on the office page (docs/trust.md): the office picks an instrument that takes
// codes, a number and a batch name; the engine makes the codes from this browser's random bytes
// and the unsigned batch, the office key signs the batch here (keys.js, WebCrypto), and the
// engine checks the signature and makes the files: the batch (public, for ingest) and the
// slips (HTML to print, CSV), which hold the codes. Every refusal is the engine's, shown as it
// says it. The codes live only in this module's memory: never in the state that is saved.
import { h } from './dom.js';
import { errorText } from './i18n.js';
import { download } from './page.js';
import './i18n-office-codes.js';
import { state, t, announce, update } from './office-state.js';
import { planEngine } from './office-forms.js';
import { signAsOffice, b64u } from './keys.js';

/** The keys of the state this step reads. */
export const codesKeys = ['lang', 'plan', 'keys', 'codes'];

// crypto.getRandomValues fills at most 65 536 bytes a call; the count is capped only so that a
// typo cannot ask the page for gigabytes: the engine says what a batch may hold.
const CHUNK = 65536;
const MAX_ASKED = 1000001;

function randomBytes(count) {
  const n = Math.min(Math.max(Math.trunc(Number(count)) || 0, 0), MAX_ASKED) * 8;
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += CHUNK) crypto.getRandomValues(bytes.subarray(i, i + CHUNK));
  return bytes;
}

let files = null; // the last batch's files: { stem, batch_json, csv, html, count, batch }

const form = () => (state.codes ??= {});
const focusSoon = (id) => requestAnimationFrame(() => document.getElementById(id)?.focus());

async function issue() {
  const f = form();
  const T = t();
  files = null;
  update({ codes: { ...f, busy: true, error: null, done: null } });
  try {
    const { engine, error } = await planEngine();
    if (error) throw error;
    const made = engine.issueCodes(f.instrument, f.batch ?? '', new Date().toISOString(),
      state.keys.key?.id ?? '', randomBytes(f.count));
    const signature = b64u(await signAsOffice(new Uint8Array(made.message)));
    const out = engine.codeFiles(made, signature, f.respondUrl || undefined);
    files = { ...out, count: made.codes.length, batch: made.batch.batch };
    const done = T.codeStepIssued(files.count, files.batch);
    update({ codes: { ...form(), busy: false, done } });
    announce(done);
    focusSoon('codes-files-h');
  } catch (err) {
    update({ codes: { ...form(), busy: false, error: errorText(err, state.lang) } });
    focusSoon('codes-error');
  }
}

/**
 * The slips in a new window to print. The page's Content-Security-Policy, which a window it
 * opens inherits, refuses the slips' inline <style>: the same rules go in as a constructed
 * style sheet instead. A blocked window: the slips are downloaded.
 */
function openSlips() {
  const win = window.open('', '_blank');
  if (!win) {
    download(`${files.stem}.html`, new Blob([files.html], { type: 'text/html' }));
    announce(t().codeStepPopup);
    return;
  }
  // Taken out before parsing: a parsed <style> is already refused (a console error) here.
  const rules = [];
  const html = files.html.replace(/<style>([\s\S]*?)<\/style>/g, (_, css) => { rules.push(css); return ''; });
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const sheet = new win.CSSStyleSheet();
  sheet.replaceSync(rules.join('\n'));
  win.document.documentElement.replaceWith(win.document.importNode(doc.documentElement, true));
  win.document.adoptedStyleSheets = [sheet];
}

function forget() {
  files = null;
  const done = t().codeStepForgotten;
  update({ codes: { ...form(), done } });
  announce(done);
  focusSoon('codes-status');
}

function field(id, label, name, attrs = {}, hint = null) {
  const f = form();
  return h('div', { class: 'field' }, h('label', { for: id, text: label }),
    h('input', { id, value: f[name] ?? '', oninput: (e) => { f[name] = e.target.value; },
      'aria-describedby': hint ? `${id}-hint` : null, ...attrs }),
    hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null);
}

function issueForm(T, f, coded) {
  return h('form', { class: 'keys-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); issue(); } },
    h('fieldset', {}, h('legend', { text: T.codeStepLegend }),
      h('div', { class: 'field' }, h('label', { for: 'codes-instrument', text: T.codeStepInstrument }),
        h('select', { id: 'codes-instrument', onchange: (e) => { f.instrument = e.target.value; } },
          coded.map((i) => h('option', { value: i.id, selected: f.instrument === i.id, text: i.title })))),
      field('codes-count', T.codeStepCount, 'count', { type: 'number', inputmode: 'numeric', min: '1', step: '1' }),
      field('codes-batch', T.codeStepBatch, 'batch', { autocomplete: 'off' }, T.codeStepBatchHint),
      field('codes-respond-url', T.codeStepRespondUrl, 'respondUrl', { type: 'url', autocomplete: 'off' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', disabled: !!f.busy, text: T.codeStepIssue }))));
}

function filesPart(T) {
  if (!files) return null;
  const save = (ext, text, type) => () => download(`${files.stem}.${ext}`, new Blob([text], { type }));
  return h('section', { class: 'codes-files', 'aria-labelledby': 'codes-files-h' },
    h('h3', { id: 'codes-files-h', tabindex: '-1', text: T.codeStepFilesHeading }),
    h('p', { class: 'hint', text: T.codeStepFilesHint }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'codes-batch-file', onclick: save('json', files.batch_json, 'application/json'), text: T.codeStepBatchFile }),
      h('button', { type: 'button', class: 'secondary', id: 'codes-slips', onclick: openSlips, text: T.codeStepSlips }),
      h('button', { type: 'button', class: 'secondary', id: 'codes-csv', onclick: save('csv', files.csv, 'text/csv'), text: T.codeStepCsv }),
      h('button', { type: 'button', class: 'secondary', id: 'codes-forget', onclick: forget, text: T.codeStepForget })));
}

let engineOf = { text: undefined, engine: null };

/** The plan's instruments that take codes, from the page's engine; null until it is there (then a redraw). */
function codedInstruments() {
  if (engineOf.text !== state.planText) {
    const mine = { text: state.planText, engine: null };
    engineOf = mine;
    planEngine().then(({ engine }) => {
      mine.engine = engine ?? { codedInstruments: () => [] };
      if (engineOf === mine) update({ codes: form() });
    });
  }
  return engineOf.engine?.codedInstruments(state.lang) ?? null;
}

function body(T, f) {
  if (!state.plan) return [h('p', { text: T.codeStepNoPlan })];
  const list = codedInstruments();
  if (!list) return [];
  if (!list.length) return [h('p', { class: 'notice', id: 'codes-none', text: T.codeStepNoInstrument })];
  if (!state.keys.key) {
    return [h('p', { class: 'notice warn', id: 'codes-no-key' }, T.codeStepNoKey, ' ',
      h('a', { href: '#keys', onclick: (e) => { e.preventDefault(); document.getElementById('keys-h')?.focus(); document.getElementById('keys')?.scrollIntoView(); }, text: T.codeStepToKeys }))];
  }
  if (f.plan !== state.planText) {
    Object.assign(f, { plan: state.planText, instrument: undefined });
    files = null;
  }
  if (!list.some((i) => i.id === f.instrument)) f.instrument = list[0].id;
  f.count ??= '50';
  f.batch ??= new Date().toISOString().slice(0, 10);
  f.respondUrl ??= new URL('respond.html', location.href).href;
  return [
    h('p', { class: 'notice warn', id: 'codes-secret', text: T.codeStepSecret }),
    issueForm(T, f, list),
    f.busy ? h('p', { class: 'hint', role: 'status', text: T.codeStepIssuing }) : null,
    f.error ? h('p', { class: 'error-message', id: 'codes-error', tabindex: '-1', role: 'alert', text: f.error }) : null,
    filesPart(T),
  ];
}

export function renderCodes() {
  const T = t();
  const f = form();
  return h('section', { class: 'office-step', id: 'codes', 'aria-labelledby': 'codes-h' },
    h('h2', { id: 'codes-h', tabindex: '-1', text: T.codeStepHeading }),
    h('p', { class: 'hint', text: T.codeStepHint }),
    h('div', { id: 'codes-status', tabindex: '-1' }, f.done ? h('p', { class: 'verdict' }, h('strong', { text: f.done })) : null),
    ...body(T, f));
}
