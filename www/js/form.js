// What every sheet someone fills in shares: `SheetView` (draft, issues, error summary, the
// record kept and sent) and the page around it (`mount`, `startPage`). The respondent's form
// (`FormView`, form-view.js) and the expert review sheet (review.js) build on it; the review
// page loads only this, not the form (its size budget).
import { loadEngine } from './engine.js';
import { h } from './dom.js';
import { errorText, pickLang, strings, tr } from './i18n.js';
import { drafts, draftKey, submissions, outbox, entry, deliver, changes, allowedEndpoint, get, set } from './store.js';

let uid = 0;

export function randomId() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * What a sheet someone fills in and submits has whatever it asks: its draft in localStorage,
 * the issues next to the fields and in the GOV.UK error summary, the record kept and sent.
 * FormView (here) and ReviewView (review.js) draw the rest.
 */
export class SheetView extends EventTarget {
  constructor(root, engine, options, instrument, prefix) {
    super();
    this.root = root;
    this.engine = engine;
    this.lang = options.lang;
    this.endpoint = options.endpoint ?? null;
    this.refused = options.refused;
    this.key = draftKey(engine.planSha256, instrument);
    this.prefix = `${prefix}${++uid}-`;
  }

  /** What kind of record the sheet makes: the outbox gives records without an endpoint to a page of their kind. */
  get kind() {
    return 'survey';
  }

  /**
   * Draw the sheet once the subclass has its draft: a new draft is saved at once (so blocked
   * storage shows at once); a draft another tab changes is taken over; the receipt follows its
   * record's delivery.
   *
   * A `storage` event arrives after the fact: by then this sheet may have saved a newer answer
   * (two tabs, or a portal page with the form both as an element and in an iframe, answering at
   * once). So the draft is read again from storage, not from the event, and taken over only
   * when it is newer than this sheet's own: a late event never undoes an answer.
   */
  start(fresh) {
    if (fresh) this.save();
    this.alive = new AbortController();
    const signal = this.alive.signal;
    addEventListener('storage', (e) => {
      if (e.key !== `kaoping:${this.key}`) return;
      const now = drafts.load(this.key);
      if (!now || (now.saved_ms ?? 0) <= (this.draft.saved_ms ?? 0)) return;
      this.draft = now;
      this.render();
    }, { signal });
    changes.addEventListener('change', () => this.draft.done && this.showDelivery(), { signal });
    this.render();
  }

  /** Stop following storage and delivery (the element mounts another view in its place). */
  stop() {
    this.alive.abort();
  }

  /** Fire `type` with `detail` (the element and the iframe pass them on to the portal). */
  fire(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  get t() {
    return strings(this.lang);
  }

  /**
   * The texts of the receipt and of its delivery: thanksTitle, thanksBody, download,
   * startAgain, queued, delivered. These are the survey's; ReviewView has its own.
   */
  get words() {
    return this.t;
  }

  $(id) {
    return this.root.querySelector(`#${CSS.escape(id)}`);
  }

  /** Keep the draft in localStorage; false when storage is full or blocked, which the page then says. */
  save() {
    this.draft.saved_ms = Date.now();
    this.draft.plan_id = this.planId; // a draft is carried over only within its own plan
    this.saveOk = drafts.save(this.key, this.draft);
    for (const el of this.root.querySelectorAll('.save-failed')) el.hidden = this.saveOk;
    return this.saveOk;
  }

  /** The warnings every state of the sheet shows: a refused endpoint, a draft that could not be saved. */
  banners() {
    return [
      this.refused ? h('p', { class: 'notice warn', role: 'alert', text: this.t.endpointRefused(this.refused) }) : null,
      h('p', { class: 'notice warn save-failed', role: 'alert', hidden: this.saveOk !== false, text: this.words.saveFailed }),
    ];
  }

  /** Hide the issues shown before. */
  clearIssues() {
    for (const el of this.root.querySelectorAll('.error-message')) {
      el.hidden = true;
      el.textContent = '';
    }
    for (const el of this.root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of this.root.querySelectorAll('.has-error')) el.classList.remove('has-error');
  }

  /** Add `message` to the error message `errId` and mark the nearest `box` as in error. */
  markIssue(errId, message, box) {
    const el = this.$(errId);
    if (el) {
      el.hidden = false;
      el.textContent = el.textContent ? `${el.textContent} ${message}` : message;
      el.closest(box)?.classList.add('has-error');
    }
  }

  /**
   * Fill the error summary at the top: `title`, then a link per `{ target, text }` (target: the
   * field's id) that `follow`s to its field. With no links it is hidden; returns whether it shows.
   */
  summarize(title, links, follow) {
    const summary = this.summary;
    summary.replaceChildren();
    if (!links.length) {
      summary.hidden = true;
      summary.removeAttribute('role');
      return false;
    }
    summary.hidden = false;
    summary.setAttribute('role', 'alert');
    summary.append(h('h2', { id: this.id('summary-title'), text: title }),
      h('ul', {}, links.map(({ target, text }) => h('li', {}, h('a', { href: `#${target}`, onclick: (e) => {
        e.preventDefault();
        follow(target);
      }, text })))));
    return true;
  }

  /**
   * Make the record with the engine's `method` from `fields` and the draft, remember and queue
   * it, show the receipt, fire `submit` and try to send it.
   */
  finish(method, fields) {
    const sha = this.engine.planSha256;
    const record = this.engine[method]({
      ...fields,
      started_ms: this.draft.started_ms,
      submitted_ms: Date.now(),
      lang: this.lang,
      answers: this.draft.answers,
      earlier_submissions: submissions.count(sha, fields.instrument),
    });
    submissions.remember(sha, fields.instrument, { checksum: record.checksum, submitted_at: record.submitted_at });
    // The receipt first, synchronously: a reload shows it and queues the record again if the
    // outbox had not taken it yet.
    this.draft = { done: true, record, endpoint: this.endpoint };
    this.save();
    this.render();
    this.dispatchEvent(new CustomEvent('submit', { detail: record }));
  }

  /** Send what waits in the outbox, each record to its own endpoint (`force`: now, whatever the backoff). */
  deliver(force) {
    return deliver(this.endpoint && { endpoint: this.endpoint, kind: this.kind }, force);
  }

  /** Put the receipt's record in the outbox (if this page sends records), show how it stands, send. */
  async queue() {
    // A receipt saved by an earlier version has no endpoint: its record was made for this page's.
    if (!('endpoint' in this.draft)) this.draft.endpoint = this.endpoint;
    const { record, endpoint } = this.draft;
    if (!endpoint) return;
    // Delivered once: the outbox forgets it after a while, the receipt remembers.
    this.kept = this.draft.sent || (await outbox.add(entry(record, endpoint)));
    await this.showDelivery();
    this.deliver();
  }

  /** Where the receipt's record is: delivered, waiting (and why), refused with the server's reason, or only here. */
  async showDelivery() {
    const status = this.root.querySelector('.delivery');
    const warn = this.root.querySelector('.delivery-warn');
    if (!status || !this.draft.endpoint || this.kept === undefined) return; // queue() shows it first
    const e = await outbox.get(this.draft.record.checksum);
    const t = this.t;
    let text = '';
    let alert = '';
    if (e?.state === 'sent' && !this.draft.sent) {
      this.draft.sent = true;
      this.save();
    }
    if (e?.state === 'sent' || (!e && this.draft.sent)) text = this.words.delivered;
    else if (e?.state === 'refused') alert = `${t.refused(typeof e.error === 'string' ? e.error : tr(e.error, this.lang))} ${this.kept ? t.keptHere : t.notKept}`;
    else if (!this.kept) alert = t.notKept;
    else text = e?.http ? t.retrying(e.http) : this.words.queued;
    // The portal hears of each change of state once: delivered; failed (refused, with the
    // server's reason); queued, and why it waits (an HTTP status, offline, or kept in memory only).
    const state = text === this.words.delivered ? 'delivered' : e?.state === 'refused' ? 'failed' : 'queued';
    const why = state === 'failed' ? e.error : state === 'delivered' ? null : e?.http ? `HTTP ${e.http}` : e?.tries ? 'offline' : this.kept ? null : 'memory-only';
    const seen = `${state} ${JSON.stringify(why)}`;
    if (this.told !== seen) {
      this.told = seen;
      this.fire('delivery', { state, checksum: this.draft.record.checksum, reason: why });
    }
    status.textContent = text;
    warn.textContent = alert;
    warn.hidden = !alert;
    const retry = this.root.querySelector('.delivery-retry');
    if (retry) retry.hidden = e?.state !== 'refused';
  }

  /**
   * The receipt: the respondent's id under `idLabel`, what `more` says, the checksum; `name` is
   * the end of the record's file name.
   */
  renderReceipt(idLabel, more, name) {
    const w = this.words;
    const rec = this.draft.record;
    const url = URL.createObjectURL(new Blob([JSON.stringify(rec, null, 2)], { type: 'application/json' }));
    const title = h('h1', { tabindex: '-1', text: w.thanksTitle });
    this.root.append(...this.banners(), h('div', { class: 'panel', role: 'status' },
      title,
      h('p', { text: w.thanksBody }),
      h('dl', {},
        h('dt', { text: idLabel }), h('dd', { class: 'mono', text: rec.respondent_id }),
        more,
        h('dt', { text: this.t.checksum }), h('dd', { class: 'mono', text: rec.checksum })),
      h('p', { class: 'delivery', 'aria-live': 'polite' }),
      h('p', { class: 'notice warn delivery-warn', role: 'alert', hidden: true }),
      h('p', { class: 'delivery-retry', hidden: true }, h('button', {
        type: 'button', class: 'secondary', text: this.t.sendAgain,
        onclick: async () => {
          await outbox.retry(rec.checksum);
          await this.showDelivery();
          this.deliver(true);
        },
      })),
      h('p', {}, h('a', { class: 'button', href: url, download: `kaoping-${rec.instrument}-${name}.json`, text: w.download })),
      h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => this.restart(), text: w.startAgain }))));
    title.focus();
    this.queue();
  }
}

// ---- the pages ------------------------------------------------------------------------------

/**
 * Draw a `View` (FormView, or ReviewView in review.js) in `#main` with the engine for `?plan=`
 * (the office build if `options.office`, the review build if `options.build` is 'review'), for `?instrument=` (else `options.instrument`, else
 * public), sending records to `?endpoint=` (else `options.endpoint`); send what waits in the
 * outbox, then `ready(view)`. If any of that fails, `#main` says so with the text of key
 * `options.failed` (else loadFailed).
 */
export async function mount(View, lang, options, ready) {
  const params = new URLSearchParams(location.search);
  const main = document.getElementById('main');
  try {
    const engine = await loadEngine(params.get('plan'), options);
    // A link names where records go only within what the deployment allows (store.js).
    const asked = params.get('endpoint');
    const endpoint = asked === null ? null : allowedEndpoint(asked);
    const view = new View(main, engine, {
      instrument: params.get('instrument') || options.instrument || 'public',
      lang,
      endpoint: endpoint ?? (options.endpoint ? new URL(options.endpoint, location.href).href : null),
      refused: asked !== null && !endpoint ? asked : null,
    });
    view.deliver(true);
    addEventListener('online', () => view.deliver(true));
    ready(view);
  } catch (err) {
    main.replaceChildren(h('p', { class: 'error-message', role: 'alert', text: strings(lang)[options.failed ?? 'loadFailed'] + errorText(err, lang) }));
  }
}

/**
 * A page under the shared bar (skip link, brand, language switch) that shows one view:
 * respond.html and review.html. The language comes from `?lang=` or the last one chosen; the
 * title is the view's, or the text `title` until there is one. `options` as for `mount`,
 * `ready(view)` does the page's own part. Submitted records are also fired on `window` as
 * `kaoping-submit`.
 */
export function startPage(View, options, ready) {
  const switcher = document.getElementById('lang-switch');
  let lang = pickLang(new URLSearchParams(location.search).get('lang') || get('lang') || 'zh-CN');
  let view;
  const chrome = () => {
    const t = strings(lang);
    document.documentElement.lang = lang;
    switcher.textContent = t.switchLang;
    switcher.setAttribute('lang', lang === 'en' ? 'zh-CN' : 'en');
    switcher.setAttribute('aria-label', t.switchLangLabel);
    document.querySelector('.skip').textContent = t.skip;
    document.querySelector('.brand').textContent = t.app;
    const title = view ? view.title : t[options.title];
    if (title) document.title = `${title} · ${t.app}`;
  };
  chrome();
  mount(View, lang, { endpoint: 'api/responses', ...options }, (v) => {
    view = v;
    chrome();
    switcher.addEventListener('click', () => {
      lang = lang === 'en' ? 'zh-CN' : 'en';
      set('lang', lang);
      view.setLang(lang);
      chrome();
    });
    view.addEventListener('submit', (e) => {
      window.dispatchEvent(new CustomEvent('kaoping-submit', { detail: e.detail }));
    });
    ready(view);
  });
}
