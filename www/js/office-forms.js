// Step 2 of the office page: every instrument of the plan as respondents and reviewers will
// see it, drawn by the very views of their pages (FormView of form.js, ReviewView of
// review.js) over an engine in this page, in either language, at phone width. "Try it" (试填)
// runs the engine's relevance and validation as the respondent page does, and keeps nothing:
// no draft in localStorage, no outbox, no POST (the views' storage and sending are replaced
// below, and the instrument ids are put in a namespace of their own, so that no draft of the
// real pages is found or taken over).
import { errorText, tr } from './i18n.js';
import './i18n-office-forms.js';
import { h } from './dom.js';
import { engineClass } from './engine.js';
import { FormView } from './form-view.js';
import { ReviewView } from './review.js';
import { state, t, update } from './office-state.js';
import { renderImport } from './office-import.js';

/** The keys of the state this step reads. */
export const formsKeys = ['lang', 'plan', 'report', 'planText', 'checking', 'forms', 'importing'];

const NS = 'preview~';

/** An engine whose instrument ids are namespaced: a preview finds no draft of the real pages. */
function previewEngine(engine) {
  const plan = engine.plan();
  const inner = (id) => (id.startsWith(NS) ? id.slice(NS.length) : id);
  return {
    planSha256: `${NS}${engine.planSha256}`,
    plan: () => ({ ...plan, instruments: plan.instruments.map((i) => ({ ...i, id: NS + i.id })) }),
    formSession: (id, answers, lang) => engine.formSession(inner(id), answers, lang),
    reviewSheet: (id) => ({ ...engine.reviewSheet(inner(id)), instrument: id }),
    evaluateReview: (id, answers, lang) => engine.evaluateReview(inner(id), answers, lang),
    needsCode: (id) => engine.needsCode(inner(id)),
  };
}

/**
 * A view that keeps nothing and sends nothing: its draft lives in memory, and a sheet with no
 * issue left ends in a note instead of a record. `show`: every section at once, relevance not
 * applied (the overview the plan's problems link to).
 */
const trial = (View) => class extends View {
  save() {
    this.saveOk = true;
    return true;
  }

  start() {
    this.render();
  }

  deliver() {}

  render() {
    if (this.tried) return this.renderTried();
    super.render();
    for (const el of this.root.querySelectorAll('.hint.saved')) el.textContent = t().officeFormsNothingKept;
  }

  finish() {
    this.tried = true;
    this.render();
  }

  renderTried() {
    const T = t();
    const title = h('h1', { tabindex: '-1', text: T.officeFormsTriedTitle });
    this.root.replaceChildren(h('div', { class: 'panel', role: 'status' }, title,
      h('p', { text: T.officeFormsTriedBody }),
      h('p', {}, h('button', { type: 'button', class: 'secondary', text: T.officeFormsTryAgain, onclick: () => {
        const frame = this.root.id;
        update({ forms: { ...state.forms, attempt: (state.forms.attempt ?? 0) + 1 } });
        document.getElementById(frame)?.querySelector('h1')?.focus();
      } }))));
    title.focus();
  }
};

const TryForm = trial(FormView);
const TryReview = trial(ReviewView);

/** The survey's overview: every section and question, none hidden, answers kept in memory. */
class ShowForm extends TryForm {
  render() {
    this.root.replaceChildren();
    this.blocks = new Map();
    const lang = this.lang;
    const sections = (this.instrument.sections ?? []).map((s) => h('section', { class: 'preview-section', 'data-section': s.id },
      h('h2', { text: tr(s.title, lang) }),
      s.description ? h('p', { class: 'hint', text: tr(s.description, lang) }) : null,
      s.relevant ? h('p', { class: 'hint mono', text: t().officeFormsShownWhen(s.relevant) }) : null,
      s.questions.map((q) => {
        const block = this.renderQuestion(q);
        block.setAttribute('tabindex', '-1');
        if (q.relevant) block.prepend(h('p', { class: 'hint mono', text: t().officeFormsShownWhen(q.relevant) }));
        this.blocks.set(q.id, block);
        return block;
      })));
    this.root.append(h('div', { class: 'form-head' }, h('h1', { tabindex: '-1', text: this.title }),
      this.instrument.intro ? h('p', { class: 'intro', text: tr(this.instrument.intro, lang) }) : null), ...sections);
  }

  setAnswer(qid, value) {
    if (value === null || value === undefined) delete this.draft.answers.values[qid];
    else this.draft.answers.values[qid] = value;
  }
}

// ---- the engine and the view ---------------------------------------------------------------

let engineFor = { text: undefined, engine: null, error: null, ready: null };

/** The office engine for the plan of the page, made once per plan text: { engine } or { error }. */
export function planEngine() {
  const text = state.planText;
  if (engineFor.text !== text || !engineFor.ready) {
    const e = { text, engine: null, error: null, ready: null };
    e.ready = engineClass(true)
      .then((Engine) => { e.engine = new Engine(text ?? undefined); })
      .catch((err) => { e.error = err; })
      .then(() => e);
    engineFor = e;
  }
  return engineFor.ready;
}

const shown = {};

/**
 * The frame `id` with the view of instrument `ins` of `engine` (made from the plan text
 * `text`): kept across redraws while nothing it shows changed, so that answers stay.
 */
export function frameOf(id, text, engine, ins, f) {
  const key = JSON.stringify([text ?? null, ins.id, !!f.trying, f.attempt ?? 0]);
  let s = shown[id];
  if (s?.key === key && s.view) {
    if (s.view.lang !== f.lang) s.view.setLang(f.lang);
  } else {
    const frame = h('div', { id, class: 'forms-frame' });
    const View = ins.kind === 'review' ? TryReview : f.trying ? TryForm : ShowForm;
    const view = new View(frame, previewEngine(engine), { instrument: NS + ins.id, lang: f.lang, endpoint: null });
    s = shown[id] = { key, frame, view };
  }
  s.frame.classList.toggle('phone', !!f.phone);
  s.frame.setAttribute('lang', f.lang);
  return s.frame;
}

/** The preview's choices: the instrument, its language, phone width, try it. */
function controls(T, plan, f) {
  const set = (patch) => update({ forms: { ...state.forms, ...patch } });
  const radio = (lang, text) => h('div', { class: 'choice' },
    h('input', { type: 'radio', id: `forms-lang-${lang}`, name: 'forms-lang', value: lang, checked: f.lang === lang, onchange: () => set({ lang }) }),
    h('label', { for: `forms-lang-${lang}`, lang, text }));
  const box = (id, key, text) => h('div', { class: 'choice' },
    h('input', { type: 'checkbox', id, checked: !!f[key], onchange: (e) => set({ [key]: e.target.checked }) }),
    h('label', { for: id, text }));
  const select = h('select', { id: 'forms-instrument', onchange: (e) => set({ instrument: e.target.value, tried: false }) },
    plan.instruments.map((i) => h('option', { value: i.id, selected: i.id === f.instrument, text: `${tr(i.title, state.lang)} (${i.id})` })));
  return h('div', { class: 'forms-controls' },
    h('div', { class: 'field' }, h('label', { for: 'forms-instrument', class: 'label', text: T.officeFormsInstrument }), select),
    h('fieldset', { class: 'group' }, h('legend', { text: T.officeFormsLang }), h('div', { class: 'choices inline' },
      radio('zh-CN', '中文'), radio('en', 'English'))),
    h('div', { class: 'choices' },
      box('forms-phone', 'phone', T.officeFormsPhone),
      box('forms-try', 'trying', T.officeFormsTry)));
}

/** The plan's instruments as the preview needs them (the plan as written, valid or not). */
function instrumentsOf(engine) {
  try {
    return engine.plan();
  } catch {
    return null;
  }
}

/** The preview proper: its choices and the chosen instrument's frame (or why there is none). */
function previewPart(T) {
  const e = engineFor.text === state.planText ? engineFor : null;
  if (!e || (!e.engine && !e.error)) {
    planEngine().then(() => update({ forms: { ...state.forms } }));
    return [h('p', { class: 'hint', text: T.officeFormsLoading })];
  }
  if (e.error) return [h('p', { class: 'error-message', text: T.officeFormsFailed + errorText(e.error, state.lang) })];
  const plan = instrumentsOf(e.engine);
  if (!plan?.instruments?.length) return [h('p', { class: 'hint', text: T.officeFormsNone })];
  const f = state.forms;
  if (!plan.instruments.some((i) => i.id === f.instrument)) f.instrument = plan.instruments[0].id;
  f.lang ??= state.lang;
  const ins = plan.instruments.find((i) => i.id === f.instrument);
  const out = [controls(T, plan, f)];
  if (f.trying && ins.kind !== 'review') out.push(h('p', { class: 'notice', text: T.officeFormsTrying }));
  try {
    out.push(frameOf('forms-frame', engineFor.text, e.engine, ins, f));
  } catch (err) {
    out.push(h('p', { class: 'error-message', text: T.officeFormsFailed + errorText(err, state.lang) }));
  }
  return out;
}

export function renderForms() {
  const T = t();
  return h('section', { class: 'office-step', id: 'forms', 'aria-labelledby': 'forms-h' },
    h('h2', { id: 'forms-h', tabindex: '-1', text: T.officeFormsHeading }),
    h('p', { class: 'hint', text: T.officeFormsHint }),
    state.checking ? null : previewPart(T),
    renderImport());
}

// ---- from a plan problem to its place ------------------------------------------------------

/**
 * Where a plan problem is in the preview, as the engine names it: the id of its instrument
 * and, when it is in a question, the question's id; null when it is not in an instrument.
 */
export function placeOf(problem) {
  return problem?.instrument ? { instrument: problem.instrument, question: problem.question ?? null } : null;
}

/**
 * Shows `place` (placeOf) in the preview: its instrument in the overview, every question
 * shown, then focuses the question (else the form's title, else the step's heading).
 */
export async function showPlace(place) {
  const e = await planEngine();
  const plan = e.engine ? instrumentsOf(e.engine) : null;
  const ins = plan?.instruments?.find((i) => i.id === place.instrument);
  if (ins) update({ forms: { ...state.forms, instrument: ins.id, trying: false } });
  else update({ forms: { ...state.forms } });
  const frame = document.getElementById('forms-frame');
  const target = (ins && place.question && frame?.querySelector(`[data-question="${CSS.escape(place.question)}"]`))
    || (ins && frame?.querySelector('h1')) || document.getElementById('forms-h');
  target?.scrollIntoView({ block: 'center' });
  target?.focus();
}
