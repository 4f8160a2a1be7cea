// Step 2's pull from a collector (`kaoping collect`, docs/collect.md): the office gives the
// collector's address and its token; the pages of `GET /api/records` are fetched (the cursor
// `Kaoping-Next-Since` followed until `Kaoping-More` is no longer 1) and the records, as the
// collector sent them, become one data file, collector-HOST.jsonl, which goes through the very
// same run as a file dropped (office-data.js): the engine decides what is accepted. Nothing
// here reads a record.
//
// The data file keeps the collector's cursor after its last record (`cursor` on the file's
// entry, kept with it across reloads): the next pull asks only for what came after it and adds
// it to the file's end, so each record is fetched once. "Pull all again" starts from the
// beginning and replaces the file (for a collector whose database was replaced). A file
// dropped in its place, or changed, has no cursor: the next pull is a whole one.
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
 * Every record the collector holds after the cursor `from` (0: all), as the Blobs of its pages
 * in order, following the cursor until `Kaoping-More` says there is no more; `onPage(count so
 * far)` after each page. With the cursor after the last record (`since`: the next pull's `from`).
 */
async function pullFrom(base, secret, from, signal, onPage) {
  const parts = [];
  let count = 0;
  let since = from;
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
      if (next < since || (more === '1' && next === since)) throw new PullError('stuck');
      since = next;
      if (more !== '1') break;
    }
  } finally {
    document.removeEventListener('securitypolicyviolation', onViolation);
  }
  return { parts, count, since };
}

/**
 * The data file pulled earlier from the collector at `base`, if it can be continued: it holds
 * the records up to its cursor and nothing else (its size is the one pulled).
 */
function continued(base) {
  const f = state.files.find((x) => x.name === pulledName(base));
  const c = f?.cursor;
  const ok = c && c.base === base.href && c.size === f.size && Number.isSafeInteger(c.since) && Number.isSafeInteger(c.count);
  return ok ? f : null;
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

/** A pull: only what came after the data file's cursor, or with `all` everything again. */
async function pull(e, addFiles, { all = false } = {}) {
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
    const name = pulledName(base);
    const held = all ? null : continued(base);
    const before = held?.cursor.count ?? 0;
    const { parts, count, since } = await pullFrom(base, token.trim(), held?.cursor.since ?? 0, aborter.signal, (n) => {
      const el = document.getElementById('collector-status');
      if (el) el.textContent = T.collectorPulling(fmtInt(n));
    });
    const pulled = { count, total: before + count, name, added: !!held };
    if (held && !count) {
      // Nothing new: the file, its cursor and the result stay as they are.
      setCollector({ busy: false, pulled });
      announce(statusText(T, pulled));
      return undefined;
    }
    const file = new File(held ? [held.blob, ...parts] : parts, name, { type: 'application/jsonl' });
    const cursor = { base: base.href, since, count: before + count, size: file.size };
    setCollector({ busy: false, pulled });
    announce(statusText(T, pulled));
    await addFiles([file], { [name]: { cursor } });
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

/** What the last pull brought, in words. */
function statusText(T, p) {
  if (!p.added) return T.collectorPulled(fmtInt(p.count), p.name);
  return p.count ? T.collectorPulledNew(fmtInt(p.count), fmtInt(p.total), p.name) : T.collectorNothingNew(fmtInt(p.total), p.name);
}

/**
 * The pull form (in the data step, beside the data files): `addFiles(files, about)` is the data
 * step's own way in for files, so the pulled records run exactly as a file would (`about` puts
 * the cursor on the file's entry). "Pull all again" is offered once a pulled file can be continued.
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
  else if (c.pulled) status = statusText(T, c.pulled);
  else if (c.cancelled) status = T.collectorCancelled;
  const base = baseOf(c.url ?? '');
  const again = base && continued(base);
  return h('form', { class: 'collector-form', novalidate: true, 'aria-labelledby': 'collector-h', onsubmit: (ev) => pull(ev, addFiles) },
    h('h3', { id: 'collector-h', text: T.collectorHeading }),
    h('p', { class: 'hint', text: T.collectorHint }),
    field('collector-url', T.collectorUrl, T.collectorUrlHint, url),
    field('collector-token', T.collectorToken, T.collectorTokenHint, secret),
    c.error ? h('p', { id: 'collector-error', class: 'error-message', text: errorText(T, c.error) }) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'collector-pull', class: 'secondary', disabled: busy || !state.plan,
        'aria-describedby': bad === 'collector-pull' ? 'collector-error' : null, text: again ? T.collectorPullNew : T.collectorPull }),
      again ? h('button', { type: 'button', id: 'collector-pull-all', class: 'secondary', disabled: busy || !state.plan,
        onclick: (ev) => pull(ev, addFiles, { all: true }), text: T.collectorPullAll }) : null,
      c.busy ? h('button', { type: 'button', id: 'collector-cancel', class: 'secondary', onclick: () => aborter?.abort(), text: T.collectorCancel }) : null),
    h('p', { id: 'collector-status', class: 'hint', role: 'status', text: status }));
}
