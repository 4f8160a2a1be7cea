// <kaoping-form>: the survey as a custom element, for portals. One tag, no build step:
//   <script type="module" src="https://…/js/embed.js"></script>
//   <kaoping-form instrument="public" lang="zh-CN" plan="plan.json" endpoint="/api/responses"></kaoping-form>
// Its attributes, properties, methods, events and theming are in docs/embed.md; the JSDoc
// types here are the source of embed.d.ts (`node tests/portal-ts/check.mjs --update`).
// The `endpoint` attribute is set by the host page itself, so it is trusted (unlike a link's
// `?endpoint=`, see store.js); records wait in the outbox until it takes them.
import { loadEngine } from './engine.js';
import { FormView } from './form-view.js';
import { prefill } from './prefill.js';
import { errorText, pickLang, strings, tr } from './i18n.js';
import './i18n-embed.js';
import { deliveryOptions } from './store.js';

const STYLES = [new URL('../css/app.css', import.meta.url).href, new URL('../css/embed.css', import.meta.url).href];

/** @typedef {import('../pkg/kaoping_wasm.js').IResponseRecord} KaopingRecord */
/** @typedef {import('../pkg/kaoping_wasm.js').IPrefillIssue} KaopingPrefillIssue */

/**
 * An answer by question id, as the form keeps it: single choice `"value"`; multiple and
 * ranking `["a", "b"]`; rating and NPS a number or `"unable"`; matrix `{row: 4}`; number a
 * number; text a string.
 * @typedef {Record<string, unknown>} KaopingAnswers
 */

/**
 * `kaoping-change`: the respondent changed an answer (`value` null when cleared).
 * @typedef {{ question: string, value: unknown }} KaopingChangeDetail
 */

/**
 * `kaoping-progress`: shown questions answered, of those shown (on mounting and on each change).
 * @typedef {{ answered: number, total: number }} KaopingProgressDetail
 */

/**
 * One problem, in the form's language: with the answers (`source: 'answers'`, the section the
 * respondent tried to leave) or with the portal's prefill (`source: 'prefill'`).
 * @typedef {{ question: string, row?: string | null, code: string, message: string }} KaopingIssue
 */

/**
 * `kaoping-invalid`: what stops the respondent going on, or what the portal's prefill got wrong.
 * @typedef {{ issues: KaopingIssue[], source: 'answers' | 'prefill' }} KaopingInvalidDetail
 */

/**
 * `kaoping-delivered`, `kaoping-queued`, `kaoping-failed`: where the submitted record is.
 * `reason`: null when delivered or queued at first; when queued, why it waits (`"HTTP 503"`,
 * `"offline"`, `"memory-only"`: the browser could not keep it); when failed, the endpoint's
 * reason for refusing it, its text or `{"zh-CN", "en"}`.
 * @typedef {{ checksum: string, reason: string | Record<string, string> | null }} KaopingDeliveryDetail
 */

/**
 * The events of `<kaoping-form>`, by type. All bubble and cross the shadow root (`composed`).
 * @typedef {{
 *   'kaoping-ready': CustomEvent<null>,
 *   'kaoping-change': CustomEvent<KaopingChangeDetail>,
 *   'kaoping-progress': CustomEvent<KaopingProgressDetail>,
 *   'kaoping-invalid': CustomEvent<KaopingInvalidDetail>,
 *   'kaoping-submit': CustomEvent<KaopingRecord>,
 *   'kaoping-delivered': CustomEvent<KaopingDeliveryDetail>,
 *   'kaoping-queued': CustomEvent<KaopingDeliveryDetail>,
 *   'kaoping-failed': CustomEvent<KaopingDeliveryDetail>,
 * }} KaopingFormEventMap
 */

/** The element's own events and those of every element. @typedef {KaopingFormEventMap & HTMLElementEventMap} KaopingFormElementEventMap */

/**
 * The portal's hook on each delivery POST: change `request` (its headers) or return another
 * Request to the same URL. A Request to another URL, or a throw, leaves the record waiting.
 * @typedef {(request: Request) => Request | void | Promise<Request | void>} KaopingBeforeDeliver
 */

/** What `prefill()` rejects with: `message` in English, `text` in both languages, every problem. */
export class KaopingPrefillError extends Error {
  /**
   * @param {KaopingPrefillIssue[]} issues
   * @param {Record<string, string>} text
   */
  constructor(issues, text) {
    super(text.en);
    this.name = 'KaopingPrefillError';
    /** @type {KaopingPrefillIssue[]} */
    this.issues = issues;
    /** @type {Record<string, string>} `{"zh-CN": …, "en": …}` */
    this.text = text;
  }
}

/** @param {KaopingPrefillIssue[]} issues @param {string} lang */
const prefillText = (issues, lang) => [strings(lang).prefillInvalid, ...issues.map((i) => `${i.question}: ${tr(i.message, lang)}`)].join('\n');

/** Which pieces of the form a portal can style with `::part(…)`, by selector. */
const PARTS = [
  ['h1', 'title'],
  ['.progress', 'progress'],
  ['form', 'form'],
  ['.question', 'question'],
  ['.choice', 'choice'],
  ['button.primary, a.button', 'button primary'],
  ['button.secondary', 'button secondary'],
  ['button.small', 'button'],
  ['.error-summary', 'error-summary'],
  ['.error-message', 'error'],
  ['.notice, [role=status]:not(.panel)', 'status'],
  ['.panel', 'receipt'],
];

export class KaopingForm extends HTMLElement {
  static get observedAttributes() {
    return ['instrument', 'plan', 'endpoint', 'lang', 'prefill'];
  }

  /** @type {ShadowRoot | null} */
  #shadow = null;
  /** @type {HTMLElement | null} the portal's prefill problems, outside the form's redraws */
  #alert = null;
  /** @type {any} the FormView */
  #view = null;
  /** @type {Promise<void>} */
  #mounting = Promise.resolve();
  #queued = false;
  #generation = 0;
  /** @type {() => void} */
  #connect = () => {};
  /** @type {Promise<void>} resolved once the element is in a document */
  #connected = new Promise((resolve) => {
    this.#connect = resolve;
  });
  /** @type {KaopingAnswers} */
  #attrPrefill = {};
  /** @type {KaopingAnswers} */
  #callPrefill = {};
  /** @type {Record<string, string>} */
  #headers = {};
  /** @type {unknown} why the `prefill` attribute is not an object of answers */
  #notJson = null;
  /** @type {KaopingPrefillIssue[]} what the engine found wrong with the prefill, shown above the form */
  #issues = [];
  /** @type {KaopingBeforeDeliver | null} */
  #before = null;

  /**
   * Called with each delivery POST of this element's records (for the portal's own auth).
   * @type {KaopingBeforeDeliver | null}
   */
  get beforeDeliver() {
    return this.#before;
  }

  set beforeDeliver(hook) {
    this.#before = hook;
    this.#deliveryOptions();
  }

  /** The plan's instrument id (attribute `instrument`, default `public`). */
  get instrument() {
    return this.getAttribute('instrument') || 'public';
  }

  set instrument(id) {
    this.setAttribute('instrument', id);
  }

  /** URL of the plan JSON (attribute `plan`); the built-in demo plan when null. */
  get plan() {
    return this.getAttribute('plan');
  }

  set plan(url) {
    if (url === null) this.removeAttribute('plan');
    else this.setAttribute('plan', url);
  }

  /** URL the records are POSTed to (attribute `endpoint`); none when null. */
  get endpoint() {
    return this.getAttribute('endpoint');
  }

  set endpoint(url) {
    if (url === null) this.removeAttribute('endpoint');
    else this.setAttribute('endpoint', url);
  }

  /** Resolves once the form is drawn (after the latest change of `instrument`, `plan` or `endpoint`). */
  get ready() {
    return this.#settled();
  }

  connectedCallback() {
    if (this.#shadow) return;
    // Properties a portal set before this module defined the element: through the setters now.
    for (const p of /** @type {const} */ (['beforeDeliver', 'instrument', 'plan', 'endpoint'])) {
      if (Object.hasOwn(this, p)) {
        const v = this[p];
        delete this[p];
        /** @type {any} */ (this)[p] = v;
      }
    }
    const shadow = this.attachShadow({ mode: 'open' });
    this.#shadow = shadow;
    new MutationObserver(() => addParts(shadow)).observe(shadow, { childList: true, subtree: true });
    addEventListener('online', () => this.#view?.deliver(true));
    this.#readPrefillAttribute();
    this.#schedule();
    this.#connect();
  }

  /**
   * @param {string} name
   * @param {string | null} old
   * @param {string | null} value
   */
  attributeChangedCallback(name, old, value) {
    if (!this.#shadow || old === value) return;
    if (name === 'lang') {
      this.#view?.setLang(this.#lang());
      this.#showProblem();
    } else if (name === 'prefill') {
      this.#readPrefillAttribute();
      if (this.#view && !this.#notJson) this.#takePrefill(this.#attrPrefill);
    } else {
      this.#schedule();
    }
  }

  /**
   * Answers the portal knows (by question id), checked by the engine like typed answers and
   * marked in the record (`prefilled`) while the respondent leaves them as given. A question the
   * respondent has already answered otherwise keeps that answer. Resolves once taken (after
   * the element is in a document and drawn); rejects with a `KaopingPrefillError` listing every
   * problem, and then takes none of them.
   * @param {KaopingAnswers} values
   * @returns {Promise<void>}
   */
  async prefill(values) {
    await this.#settled();
    const issues = this.#check(values);
    if (issues.length) {
      this.#invalid(issues);
      throw new KaopingPrefillError(issues, { 'zh-CN': prefillText(issues, 'zh-CN'), en: prefillText(issues, 'en') });
    }
    this.#callPrefill = { ...this.#callPrefill, ...values };
    if (this.#view) prefill(this.#view, values);
  }

  /**
   * Headers added to every delivery POST of this element's records, to its `endpoint` only
   * (the portal's auth). Replaces the ones set before.
   * @param {Record<string, string>} headers
   */
  setDeliveryHeaders(headers) {
    this.#headers = { ...headers };
    this.#deliveryOptions();
  }

  // ---- typed listeners -------------------------------------------------------------------

  /**
   * @template {keyof KaopingFormElementEventMap} K
   * @overload
   * @param {K} type
   * @param {(this: KaopingForm, ev: KaopingFormElementEventMap[K]) => any} listener
   * @param {boolean | AddEventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @overload
   * @param {string} type
   * @param {EventListenerOrEventListenerObject} listener
   * @param {boolean | AddEventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @param {string} type
   * @param {any} listener
   * @param {boolean | AddEventListenerOptions} [options]
   */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
  }

  /**
   * @template {keyof KaopingFormElementEventMap} K
   * @overload
   * @param {K} type
   * @param {(this: KaopingForm, ev: KaopingFormElementEventMap[K]) => any} listener
   * @param {boolean | EventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @overload
   * @param {string} type
   * @param {EventListenerOrEventListenerObject} listener
   * @param {boolean | EventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @param {string} type
   * @param {any} listener
   * @param {boolean | EventListenerOptions} [options]
   */
  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
  }

  // ---- inside ----------------------------------------------------------------------------

  #lang() {
    return pickLang(this.getAttribute('lang') || 'zh-CN');
  }

  /** @param {string} type @param {unknown} [detail] */
  #emit(type, detail = null) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Mount again once the current task's attribute changes are all made. */
  #schedule() {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#mounting = this.#mountView();
    });
  }

  /** Resolves when the element is in a document and no mount is under way or queued. */
  async #settled() {
    await this.#connected;
    for (;;) {
      const m = this.#mounting;
      await m;
      if (m === this.#mounting && !this.#queued) return;
      await null;
    }
  }

  /** Draw the form of the current attributes; the draft stays (it is kept by plan and instrument). */
  async #mountView() {
    const shadow = /** @type {ShadowRoot} */ (this.#shadow);
    const generation = ++this.#generation;
    this.#view?.stop();
    this.#view = null;
    const lang = this.#lang();
    const links = STYLES.map((href) => Object.assign(document.createElement('link'), { rel: 'stylesheet', href }));
    const mount = document.createElement('div');
    mount.className = 'kaoping-embed';
    this.#alert = document.createElement('div');
    this.#alert.className = 'kaoping-embed';
    const status = document.createElement('p');
    status.setAttribute('role', 'status');
    status.textContent = strings(lang).loading;
    mount.append(status);
    shadow.replaceChildren(...links, this.#alert, mount);
    addParts(shadow);
    try {
      const planUrl = this.plan;
      const endpoint = this.endpoint;
      const engine = await loadEngine(planUrl && new URL(planUrl, document.baseURI).href);
      if (generation !== this.#generation) return;
      const view = new FormView(mount, engine, {
        instrument: this.instrument,
        lang: this.#lang(),
        endpoint: endpoint && new URL(endpoint, document.baseURI).href,
      });
      this.#view = view;
      this.#deliveryOptions();
      this.#issues = [];
      const values = { ...(this.#notJson ? {} : this.#attrPrefill), ...this.#callPrefill };
      if (Object.keys(values).length) this.#takePrefill(values);
      this.#showProblem();
      view.addEventListener('submit', (/** @type {any} */ e) => this.#emit('kaoping-submit', e.detail));
      view.addEventListener('change', (/** @type {any} */ e) => this.#emit('kaoping-change', e.detail));
      view.addEventListener('progress', (/** @type {any} */ e) => this.#emit('kaoping-progress', e.detail));
      view.addEventListener('invalid', (/** @type {any} */ e) => this.#emit('kaoping-invalid', { issues: e.detail.issues, source: 'answers' }));
      view.addEventListener('delivery', (/** @type {any} */ e) => {
        const { state, checksum, reason } = e.detail;
        this.#emit(`kaoping-${state}`, { checksum, reason });
      });
      if (!view.endpoint) view.deliver(true); // else #deliveryOptions did
      this.#emit('kaoping-ready');
      // The progress so far (the view's own came before anyone listened).
      if (view.state && !view.draft.done) this.#emit('kaoping-progress', { answered: view.state.answered, total: view.state.total });
    } catch (err) {
      if (generation !== this.#generation) return;
      status.className = 'error-message';
      status.setAttribute('role', 'alert');
      status.textContent = strings(lang).loadFailed + errorText(err, lang);
    }
  }

  /** The delivery options of this element's endpoint, its headers and hook (store.js); then send what waits for them. */
  #deliveryOptions() {
    const view = this.#view;
    if (!view?.endpoint) return;
    const before = this.#before && ((/** @type {Request} */ r) => this.#before?.(r));
    deliveryOptions(view.endpoint, { headers: this.#headers, before });
    view.deliver(true);
  }

  /** @param {KaopingAnswers} values */
  #check(values) {
    if (!this.#view) return [];
    const view = this.#view;
    return view.engine.checkPrefill(view.instrument.id, view.draft.answers ?? { values: {} }, values);
  }

  /** Take `values` into the form, or show above it why not (no caller to tell). @param {KaopingAnswers} values */
  #takePrefill(values) {
    this.#issues = prefill(this.#view, values);
    if (this.#issues.length) this.#invalid(this.#issues);
    this.#showProblem();
  }

  /** @param {KaopingPrefillIssue[]} issues */
  #invalid(issues) {
    const lang = this.#lang();
    this.#emit('kaoping-invalid', {
      source: 'prefill',
      issues: issues.map((i) => ({ question: i.question, row: i.row ?? null, code: i.code, message: tr(i.message, lang) })),
    });
  }

  /** Read the `prefill` attribute; a value that is not a JSON object is shown, never dropped quietly. */
  #readPrefillAttribute() {
    const raw = this.getAttribute('prefill');
    this.#notJson = null;
    this.#issues = [];
    this.#attrPrefill = {};
    if (raw === null || raw.trim() === '') return this.#showProblem();
    try {
      const v = JSON.parse(raw);
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(Array.isArray(v) ? 'an array' : String(v));
      this.#attrPrefill = v;
    } catch (error) {
      this.#notJson = error;
      this.#emit('kaoping-invalid', { source: 'prefill', issues: [{ question: '', row: null, code: 'prefill_not_json', message: this.#problemText() }] });
    }
    this.#showProblem();
  }

  #problemText() {
    const lang = this.#lang();
    if (this.#notJson) return strings(lang).prefillNotJson(errorText(this.#notJson, lang));
    return this.#issues.length ? prefillText(this.#issues, lang) : '';
  }

  /** The prefill's problem above the form, in the form's language (or nothing). */
  #showProblem() {
    if (!this.#alert) return;
    const text = this.#problemText();
    const [first, ...rest] = text.split('\n');
    this.#alert.replaceChildren();
    if (!text) return;
    const box = document.createElement('div');
    box.className = 'notice warn';
    box.setAttribute('role', 'alert');
    const p = document.createElement('p');
    p.textContent = first;
    box.append(p);
    if (rest.length) {
      const ul = document.createElement('ul');
      for (const line of rest) {
        const li = document.createElement('li');
        li.textContent = line;
        ul.append(li);
      }
      box.append(ul);
    }
    this.#alert.append(box);
  }
}

/** Name the parts of what is drawn (`::part`), after every redraw. @param {ParentNode} root */
function addParts(root) {
  for (const [selector, part] of PARTS) {
    for (const el of root.querySelectorAll(selector)) if (el.getAttribute('part') !== part) el.setAttribute('part', part);
  }
}

if (!customElements.get('kaoping-form')) customElements.define('kaoping-form', KaopingForm);
