// Step 2's pull from a collector (`kaoping collect`, docs/collect.md): the office gives the
// collector's address and its token; every page of `GET /api/records` is fetched (the cursor
// `Kaoping-Next-Since` followed until `Kaoping-More` is no longer 1) and the records, as the
// collector sent them, become one data file, collector-HOST.jsonl, which goes through the very
// same run as a file dropped (office-data.js): the engine decides what is accepted. Nothing
// here reads a record.
//
// The token is a secret: it lives in this module's memory only (never in the state, IndexedDB,
// localStorage or a DOM attribute), so a reload asks for it again. The address is remembered
// per plan (office-state.js, `saveCollector`).
import { h } from './dom.js';
import { tr } from './i18n.js';
import './i18n-office-collector.js';
import { state, t, view, announce, update, saveCollector } from './office-state.js';

const { fmtInt } = view;

/** The token typed, for this page's life only. */
let token = '';
/** The pull under way, to cancel it. */
let aborter = null;

/** The collector's base address from what was typed (its `/api/records` etc. taken off), or null. */
function baseOf(raw) {
  let u;
  try {
    u = new URL(String(raw).trim());
  } catch {
    return null;
  }
  if (!/^https?:$/.test(u.protocol) || u.username || u.password) return null;
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/api\/(records|responses|health)\/?$/, '');
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}

/** The data file the pulled records become: one per collector host. */
export const pulledName = (base) => `collector-${base.host.replace(/[^\w.-]/g, '_')}.jsonl`;

/** A failed pull: `kind` names the message (`collectorErrors`), the rest fills it in. */
class PullError extends Error {
  constructor(kind, more = {}) {
    super(kind);
    Object.assign(this, { kind, ...more });
  }
}

/** The refusal's own bilingual message (`{"error", "message": {"zh-CN", "en"}}`), if any. */
async function said(res) {
  const body = await res.json().catch(() => null);
  const m = body?.message;
  return m && typeof m === 'object' && typeof m['zh-CN'] === 'string' ? m : null;
}

/**
 * Why a fetch failed without an answer: this page's CSP (seen as a violation), or the collector
 * reachable but refusing this origin (an opaque `no-cors` request gets through), or no
 * connection at all.
 */
async function unreachable(base, violated, signal) {
  // The violation event is queued as its own task: let it arrive.
  await new Promise((r) => setTimeout(r, 50));
  if (violated()) return new PullError('csp');
  try {
    await fetch(new URL('api/health', base), { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal });
    return new PullError('cors');
  } catch (err) {
    if (signal.aborted) throw err;
    return new PullError('network');
  }
}

/**
 * Every record the collector holds, as the Blobs of its pages in order, following the cursor
 * until `Kaoping-More` says there is no more; `onPage(count so far)` after each page.
 */
async function pullAll(base, secret, signal, onPage) {
  const parts = [];
  let count = 0;
  let since = 0;
  let violatedNow = false;
  const onViolation = (e) => {
    try {
      if (new URL(e.blockedURI).origin === base.origin) violatedNow = true;
    } catch {
      // a blocked URI that is no URL (`inline`, `eval`) is not this pull's
    }
  };
  document.addEventListener('securitypolicyviolation', onViolation);
  try {
    for (;;) {
      const u = new URL('api/records', base);
      u.searchParams.set('since', String(since));
      let res;
      try {
        res = await fetch(u, {
          headers: { Authorization: `Bearer ${secret}` },
          cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', signal,
        });
      } catch (err) {
        if (signal.aborted) throw err;
        throw await unreachable(base, () => violatedNow, signal);
      }
      if (res.status === 401) throw new PullError('unauthorized');
      if (!res.ok) {
        const kind = res.status >= 500 ? 'server' : 'refused';
        throw new PullError(kind, { status: res.status, said: await said(res) });
      }
      const more = res.headers.get('Kaoping-More');
      const next = Number(res.headers.get('Kaoping-Next-Since'));
      const n = Number(res.headers.get('Kaoping-Count'));
      if (more === null || !Number.isSafeInteger(next) || !Number.isSafeInteger(n)) throw new PullError('notCollector');
      try {
        parts.push(await res.blob());
      } catch (err) {
        if (signal.aborted) throw err;
        throw new PullError('cut');
      }
      count += n;
      onPage(count);
      if (more !== '1') break;
      if (next <= since) throw new PullError('stuck');
      since = next;
    }
  } finally {
    document.removeEventListener('securitypolicyviolation', onViolation);
  }
  return { parts, count };
}

function setCollector(patch) {
  update({ collector: { ...state.collector, ...patch } });
}

/** The error's text in the page's language. */
function errorText(T, e) {
  const E = T.collectorErrors;
  const page = location.origin;
  let text = typeof E[e.kind] === 'function' ? E[e.kind](e.kind === 'server' || e.kind === 'refused' ? e.status : e.origin, page) : E[e.kind];
  if (e.said) text += ` ${T.collectorSaid}${tr(e.said, state.lang)}`;
  return text;
}

/** Which field an error is about (its focus and `aria-invalid`); else the pull button. */
const fieldOf = (kind) => ({ url: 'collector-url', network: 'collector-url', cors: 'collector-url', csp: 'collector-url', notCollector: 'collector-url',
  token: 'collector-token', unauthorized: 'collector-token' })[kind] ?? 'collector-pull';

async function pull(e, addFiles) {
  e.preventDefault();
  const T = t();
  const base = baseOf(state.collector.url);
  const fail = (error) => {
    setCollector({ busy: false, error, pulled: null, cancelled: false });
    announce(errorText(t(), error));
    document.getElementById(fieldOf(error.kind))?.focus();
  };
  if (!base) return fail({ kind: 'url' });
  // A token is printable ASCII (what `kaoping collect token` writes); anything else cannot
  // even be sent in a header.
  if (!/^[\x21-\x7e]+$/.test(token.trim())) return fail({ kind: 'token' });
  saveCollector(base.href);
  aborter = new AbortController();
  setCollector({ url: base.href, busy: true, error: null, pulled: null, cancelled: false });
  document.getElementById('collector-cancel')?.focus();
  try {
    const { parts, count } = await pullAll(base, token.trim(), aborter.signal, (n) => {
      const el = document.getElementById('collector-status');
      if (el) el.textContent = T.collectorPulling(fmtInt(n));
    });
    const name = pulledName(base);
    setCollector({ busy: false, pulled: { count, name } });
    announce(T.collectorPulled(fmtInt(count), name));
    await addFiles([new File(parts, name, { type: 'application/jsonl' })]);
  } catch (err) {
    if (aborter?.signal.aborted) {
      setCollector({ busy: false, error: null, pulled: null, cancelled: true });
      announce(T.collectorCancelled);
      document.getElementById('collector-pull')?.focus();
    } else fail(err instanceof PullError ? { kind: err.kind, status: err.status, said: err.said, origin: base.origin } : { kind: 'network', origin: base.origin });
  } finally {
    aborter = null;
  }
  return undefined;
}

/**
 * The pull form (in the data step, beside the data files): `addFiles(files)` is the data step's
 * own way in for files, so the pulled records run exactly as a file would.
 */
export function renderCollector(addFiles) {
  const T = t();
  const c = state.collector;
  const busy = !!c.busy || !!state.run;
  const bad = c.error ? fieldOf(c.error.kind) : null;
  const field = (id, label, hint, input) => h('div', { class: 'field' },
    h('label', { for: id, text: label }),
    h('p', { class: 'hint', id: `${id}-hint`, text: hint }),
    input);
  const described = (id) => [`${id}-hint`, bad === id ? 'collector-error' : null].filter(Boolean).join(' ');
  const url = h('input', {
    type: 'url', id: 'collector-url', name: 'collector-url', inputmode: 'url', autocomplete: 'off', spellcheck: 'false',
    value: c.url ?? '', disabled: busy, 'aria-invalid': bad === 'collector-url' ? 'true' : null, 'aria-describedby': described('collector-url'),
    oninput: (ev) => { state.collector.url = ev.target.value; },
  });
  const secret = h('input', {
    type: 'password', id: 'collector-token', name: 'collector-token', autocomplete: 'off', spellcheck: 'false',
    disabled: busy, 'aria-invalid': bad === 'collector-token' ? 'true' : null, 'aria-describedby': described('collector-token'),
    oninput: (ev) => { token = ev.target.value; },
  });
  secret.value = token; // a property, never an attribute: the token stays out of the DOM's markup
  let status = '';
  if (c.busy) status = T.collectorPulling(fmtInt(0));
  else if (c.pulled) status = T.collectorPulled(fmtInt(c.pulled.count), c.pulled.name);
  else if (c.cancelled) status = T.collectorCancelled;
  return h('form', { class: 'collector-form', novalidate: true, 'aria-labelledby': 'collector-h', onsubmit: (ev) => pull(ev, addFiles) },
    h('h3', { id: 'collector-h', text: T.collectorHeading }),
    h('p', { class: 'hint', text: T.collectorHint }),
    field('collector-url', T.collectorUrl, T.collectorUrlHint, url),
    field('collector-token', T.collectorToken, T.collectorTokenHint, secret),
    c.error ? h('p', { id: 'collector-error', class: 'error-message', text: errorText(T, c.error) }) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'collector-pull', class: 'secondary', disabled: busy || !state.plan,
        'aria-describedby': bad === 'collector-pull' ? 'collector-error' : null, text: T.collectorPull }),
      c.busy ? h('button', { type: 'button', id: 'collector-cancel', class: 'secondary', onclick: () => aborter?.abort(), text: T.collectorCancel }) : null),
    h('p', { id: 'collector-status', class: 'hint', role: 'status', text: status }));
}
