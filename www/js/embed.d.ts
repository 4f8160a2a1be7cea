// The TypeScript declarations of <kaoping-form>, generated from the JSDoc types of
// www/js/embed.js by tests/portal-ts/check.mjs. Do not edit: change embed.js, then run
// `node tests/portal-ts/check.mjs --update` (after `cargo xtask build-web`).
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
    constructor(issues: KaopingPrefillIssue[], text: Record<string, string>);
    /** @type {KaopingPrefillIssue[]} */
    issues: KaopingPrefillIssue[];
    /** @type {Record<string, string>} `{"zh-CN": …, "en": …}` */
    text: Record<string, string>;
}
export class KaopingForm extends HTMLElement {
    static get observedAttributes(): string[];
    set beforeDeliver(hook: KaopingBeforeDeliver | null);
    /**
     * Called with each delivery POST of this element's records (for the portal's own auth).
     * @type {KaopingBeforeDeliver | null}
     */
    get beforeDeliver(): KaopingBeforeDeliver | null;
    set instrument(id: string);
    /** The plan's instrument id (attribute `instrument`, default `public`). */
    get instrument(): string;
    set plan(url: string | null);
    /** URL of the plan JSON (attribute `plan`); the built-in demo plan when null. */
    get plan(): string | null;
    set endpoint(url: string | null);
    /** URL the records are POSTed to (attribute `endpoint`); none when null. */
    get endpoint(): string | null;
    /** Resolves once the form is drawn (after the latest change of `instrument`, `plan` or `endpoint`). */
    get ready(): Promise<void>;
    connectedCallback(): void;
    /**
     * @param {string} name
     * @param {string | null} old
     * @param {string | null} value
     */
    attributeChangedCallback(name: string, old: string | null, value: string | null): void;
    /**
     * Answers the portal knows (by question id), checked by the engine like typed answers and
     * marked in the record (`prefilled`) while the respondent leaves them as given. A question the
     * respondent has already answered otherwise keeps that answer. Resolves once taken (after
     * the element is in a document and drawn); rejects with a `KaopingPrefillError` listing every
     * problem, and then takes none of them.
     * @param {KaopingAnswers} values
     * @returns {Promise<void>}
     */
    prefill(values: KaopingAnswers): Promise<void>;
    /**
     * Headers added to every delivery POST of this element's records, to its `endpoint` only
     * (the portal's auth). Replaces the ones set before.
     * @param {Record<string, string>} headers
     */
    setDeliveryHeaders(headers: Record<string, string>): void;
    /**
     * @template {keyof KaopingFormElementEventMap} K
     * @overload
     * @param {K} type
     * @param {(this: KaopingForm, ev: KaopingFormElementEventMap[K]) => any} listener
     * @param {boolean | AddEventListenerOptions} [options]
     * @returns {void}
     */
    addEventListener<K extends keyof KaopingFormElementEventMap>(type: K, listener: (this: KaopingForm, ev: KaopingFormElementEventMap[K]) => any, options?: boolean | AddEventListenerOptions | undefined): void;
    /**
     * @overload
     * @param {string} type
     * @param {EventListenerOrEventListenerObject} listener
     * @param {boolean | AddEventListenerOptions} [options]
     * @returns {void}
     */
    addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions | undefined): void;
    /**
     * @template {keyof KaopingFormElementEventMap} K
     * @overload
     * @param {K} type
     * @param {(this: KaopingForm, ev: KaopingFormElementEventMap[K]) => any} listener
     * @param {boolean | EventListenerOptions} [options]
     * @returns {void}
     */
    removeEventListener<K extends keyof KaopingFormElementEventMap>(type: K, listener: (this: KaopingForm, ev: KaopingFormElementEventMap[K]) => any, options?: boolean | EventListenerOptions | undefined): void;
    /**
     * @overload
     * @param {string} type
     * @param {EventListenerOrEventListenerObject} listener
     * @param {boolean | EventListenerOptions} [options]
     * @returns {void}
     */
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions | undefined): void;
    #private;
}
export type KaopingRecord = import("../pkg/kaoping_wasm.js").IResponseRecord;
export type KaopingPrefillIssue = import("../pkg/kaoping_wasm.js").IPrefillIssue;
/**
 * An answer by question id, as the form keeps it: single choice `"value"`; multiple and
 * ranking `["a", "b"]`; rating and NPS a number or `"unable"`; matrix `{row: 4}`; number a
 * number; text a string.
 */
export type KaopingAnswers = Record<string, unknown>;
/**
 * `kaoping-change`: the respondent changed an answer (`value` null when cleared).
 */
export type KaopingChangeDetail = {
    question: string;
    value: unknown;
};
/**
 * `kaoping-progress`: shown questions answered, of those shown (on mounting and on each change).
 */
export type KaopingProgressDetail = {
    answered: number;
    total: number;
};
/**
 * One problem, in the form's language: with the answers (`source: 'answers'`, the section the
 * respondent tried to leave) or with the portal's prefill (`source: 'prefill'`).
 */
export type KaopingIssue = {
    question: string;
    row?: string | null;
    code: string;
    message: string;
};
/**
 * `kaoping-invalid`: what stops the respondent going on, or what the portal's prefill got wrong.
 */
export type KaopingInvalidDetail = {
    issues: KaopingIssue[];
    source: "answers" | "prefill";
};
/**
 * `kaoping-delivered`, `kaoping-queued`, `kaoping-failed`: where the submitted record is.
 * `reason`: null when delivered or queued at first; when queued, why it waits (`"HTTP 503"`,
 * `"offline"`, `"memory-only"`: the browser could not keep it); when failed, the endpoint's
 * reason for refusing it, its text or `{"zh-CN", "en"}`.
 */
export type KaopingDeliveryDetail = {
    checksum: string;
    reason: string | Record<string, string> | null;
};
/**
 * The events of `<kaoping-form>`, by type. All bubble and cross the shadow root (`composed`).
 */
export type KaopingFormEventMap = {
    "kaoping-ready": CustomEvent<null>;
    "kaoping-change": CustomEvent<KaopingChangeDetail>;
    "kaoping-progress": CustomEvent<KaopingProgressDetail>;
    "kaoping-invalid": CustomEvent<KaopingInvalidDetail>;
    "kaoping-submit": CustomEvent<KaopingRecord>;
    "kaoping-delivered": CustomEvent<KaopingDeliveryDetail>;
    "kaoping-queued": CustomEvent<KaopingDeliveryDetail>;
    "kaoping-failed": CustomEvent<KaopingDeliveryDetail>;
};
/**
 * The element's own events and those of every element.
 */
export type KaopingFormElementEventMap = KaopingFormEventMap & HTMLElementEventMap;
/**
 * The portal's hook on each delivery POST: change `request` (its headers) or return another
 * Request to the same URL. A Request to another URL, or a throw, leaves the record waiting.
 */
export type KaopingBeforeDeliver = (request: Request) => Request | void | Promise<Request | void>;

declare global {
  interface HTMLElementTagNameMap {
    'kaoping-form': KaopingForm;
  }
  /** The element's events bubble and cross the shadow root: heard on any element, the document and the window. */
  interface GlobalEventHandlersEventMap extends KaopingFormEventMap {}
}
