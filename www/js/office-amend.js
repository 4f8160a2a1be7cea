// Amending the plan on the office page (docs/plan.md §12): a new version of the plan in use
// is compared with it by the engine (Engine.planDiff), its changes and each instrument's
// verdict drawn as they came, and recorded as an amendment (Engine.amendPlan) with the date
// and the reason in each language of the plan; or the plan is replaced without a record.
// Which change keeps earlier records valid is the engine's answer, never decided here.
import { errorText, tr } from './i18n.js';
import './i18n-office-amend.js';
import { h } from './dom.js';
import { download } from './page.js';
import { td } from './office-view.js';
import { state, t, view, announce, update } from './office-state.js';
import { runner } from './office-runner.js';
import { usePlan } from './office-plan.js';

const { scrollTable } = view;

/** Today as `YYYY-MM-DD` in the office's own time zone. */
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function focusSoon(id) {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

/**
 * The engine's comparison of the plan in use with `text` (the file `source`): the amendment
 * panel when `force` (the office asked to amend) or when it is another version of the same
 * plan. Returns false when the page should just load the file as before (another plan, the
 * same plan, or a file that is not a valid plan: its check then shows why).
 */
export async function offerAmend(text, source, { force = false } = {}) {
  let diff;
  try {
    diff = await runner.request({ type: 'planDiff', text: state.planText, next: text });
  } catch (err) {
    if (!force) return false;
    update({ amend: { source, error: errorText(err, state.lang) }, amendDone: null });
    focusSoon('amend-h');
    return true;
  }
  if (!force && (!diff.same_id || diff.changes.length === 0)) return false;
  const reason = Object.fromEntries(diff.languages.map((l) => [l, '']));
  update({ amend: { next: text, source, diff, languages: diff.languages, date: today(), reason }, amendDone: null });
  announce(t().amendAnnounce(diff.changes.length));
  focusSoon('amend-h');
  return true;
}

/** The "amend the plan" action: a button and the file input behind it. */
export function amendAction(T, busy) {
  const input = h('input', {
    type: 'file', id: 'amend-file', accept: '.json,application/json,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', class: 'visually-hidden', tabindex: '-1',
    'aria-label': T.amendFileLabel,
    onchange: async (e) => {
      const file = e.target.files[0];
      e.target.value = '';
      if (!file) return;
      try {
        // A JSON text or a plan workbook, read by the engine as on step 1.
        const read = await runner.request({ type: 'planFile', name: file.name, blob: file });
        if (!read.ok) {
          update({ amend: { source: file.name, error: t().officeBookInvalid(read.problems.length) }, bookProblems: read.problems });
          return;
        }
        await offerAmend(read.json, file.name, { force: true });
      } catch (err) {
        update({ amend: { source: file.name, error: errorText(err, state.lang) } });
      }
    },
  });
  return [h('button', { type: 'button', class: 'secondary', id: 'amend-choose', disabled: busy,
    'aria-describedby': 'amend-hint', onclick: () => input.click(), text: T.amendChoose }),
  input];
}

async function record() {
  const a = state.amend;
  const T = t();
  update({ amend: { ...a, busy: true, error: null } });
  try {
    const out = await runner.request({ type: 'amendPlan', text: state.planText, next: a.next, date: a.date, reason: a.reason });
    const version = out.amendment.version;
    await usePlan(out.json, a.source, { amend: null, amendDone: { json: out.json, source: a.source, version, date: out.amendment.date } });
    announce(T.amendRecorded(version, out.amendment.date));
    focusSoon('amend-done');
  } catch (err) {
    update({ amend: { ...a, busy: false, error: errorText(err, state.lang) } });
    focusSoon('amend-error');
  }
}

async function replace() {
  const a = state.amend;
  await usePlan(a.next, a.source, { amend: null, amendDone: null });
  announce(t().amendReplaced);
}

function cancel() {
  update({ amend: null });
  focusSoon('amend-choose');
}

function changesTable(T, diff) {
  return scrollTable(T.amendChangesRegion, T.amendChangesCaption(diff.changes.length),
    [T.amendChange, T.amendRecordsCol],
    diff.changes.map((c) => h('tr', { class: c.compatible ? '' : 'incompatible' },
      h('td', {}, tr(c.message, state.lang), ' ', h('code', { text: c.code })),
      td(c.compatible ? T.amendStayValid : T.amendNotValid))), { cls: 'amend-changes' });
}

function instrumentsTable(T, diff) {
  return scrollTable(T.amendInstrumentsRegion, T.amendInstrumentsCaption,
    [T.amendInstrument, T.amendRecordsCol, T.amendWhy],
    diff.instruments.map((v) => h('tr', { class: v.compatible ? '' : 'incompatible' },
      h('th', { scope: 'row', class: 'mono', text: v.instrument }),
      td(v.compatible ? T.amendStayValid : T.amendNotValid),
      td(v.reason ? tr(v.reason, state.lang) : '—'))), { cls: 'amend-instruments' });
}

function recordForm(T, a) {
  const set = (patch) => { state.amend = { ...state.amend, ...patch }; };
  const fields = [h('div', { class: 'field' },
    h('label', { for: 'amend-date', text: T.amendDate }),
    h('input', { type: 'date', id: 'amend-date', value: a.date, required: true,
      oninput: (e) => set({ date: e.target.value }) }))];
  for (const lang of a.languages) {
    const id = `amend-reason-${lang}`;
    fields.push(h('div', { class: 'field' },
      h('label', { for: id, text: T.amendReason(T.amendLangNames[lang] ?? lang) }),
      h('textarea', { id, rows: '2', lang, required: true, text: a.reason[lang] ?? '',
        oninput: (e) => set({ reason: { ...state.amend.reason, [lang]: e.target.value } }) })));
  }
  return h('fieldset', { class: 'amend-record' }, h('legend', { text: T.amendRecordLegend }), ...fields,
    a.error ? h('p', { class: 'error-message', id: 'amend-error', tabindex: '-1', role: 'alert', text: a.error }) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'amend-record', disabled: !!a.busy, onclick: record, text: T.amendRecord })));
}

/** The amendment under way (its diff and the form), or the last one recorded; null when none. */
export function renderAmend() {
  const T = t();
  if (state.amendDone) {
    const d = state.amendDone;
    // The amended plan is JSON whatever the new version came as (a workbook too).
    const name = `${d.source.replace(/\.[^.]*$/, '')}.json`;
    return h('div', { class: 'amend-done good', id: 'amend-done', tabindex: '-1' },
      h('p', {}, h('strong', { text: T.amendRecorded(d.version, d.date) }), ' ', T.amendPublish),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => download(name, new Blob([d.json], { type: 'application/json' })),
          text: T.amendDownload(name) })));
  }
  const a = state.amend;
  if (!a) return null;
  const box = h('section', { class: 'amend', 'aria-labelledby': 'amend-h' },
    h('h3', { id: 'amend-h', tabindex: '-1', text: a.diff ? T.amendHeading(a.diff.old_version, a.diff.new_version) : T.amendHeadingFailed }),
    h('p', { class: 'hint' }, T.amendFile, ' ', h('span', { class: 'mono', text: a.source })));
  if (!a.diff) {
    box.append(h('p', { class: 'error-message', role: 'alert', text: a.error }),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: cancel, text: T.amendCancel })));
    return box;
  }
  box.append(
    h('p', { class: `verdict ${a.diff.compatible ? 'good' : 'bad'}` }, h('strong', { text: a.diff.compatible ? T.amendAllValid : T.amendSomeInvalid })),
    changesTable(T, a.diff), instrumentsTable(T, a.diff), recordForm(T, a),
    h('div', { class: 'amend-replace' },
      h('p', { id: 'amend-replace-warn', text: T.amendReplaceWarn(a.diff.old_version) }),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', id: 'amend-replace', disabled: !!a.busy,
          'aria-describedby': 'amend-replace-warn', onclick: replace, text: T.amendReplace }),
        h('button', { type: 'button', class: 'secondary', onclick: cancel, text: T.amendCancel }))));
  return box;
}
