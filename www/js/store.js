// Where a respondent's work lives, and its delivery. Drafts: localStorage, written at once,
// synchronously, on every change (closing the tab a millisecond later loses nothing). Records
// waiting for delivery: the outbox, in IndexedDB (persistent storage asked for when a record
// is queued), else only in this page's memory, which the page then says. Every write reports
// whether it happened.
// docs/reliability.md lists each state and what the respondent sees.

const PREFIX = 'kaoping:';

/** localStorage, or null where the browser blocks it (even reading the property may throw). */
function ls() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The raw text at `key`, or null (missing or blocked). */
export function get(key) {
  try {
    return ls()?.getItem(PREFIX + key) ?? null;
  } catch {
    return null;
  }
}

/** Keep `text` at `key`; false when storage is full or blocked. */
export function set(key, text) {
  try {
    ls().setItem(PREFIX + key, text);
    return true;
  } catch {
    return false;
  }
}

function read(key) {
  try {
    return JSON.parse(get(key));
  } catch {
    return null;
  }
}

const write = (key, value) => set(key, JSON.stringify(value));

function remove(key) {
  try {
    ls()?.removeItem(PREFIX + key);
  } catch {
    // blocked: there is nothing to remove
  }
}

export const draftKey = (planSha, instrument) => `draft:${planSha}:${instrument}`;

export const drafts = {
  load: (key) => read(key),
  save: (key, draft) => write(key, draft),
  clear: (key) => remove(key),
  /**
   * The newest unsubmitted draft of `instrument` of plan `planId` kept under another version of
   * the plan: [key, draft]. (Drafts of an earlier release carry no plan id: taken as this plan's.)
   */
  other(key, instrument, planId) {
    let best = null;
    try {
      const s = ls();
      for (let i = 0; s && i < s.length; i += 1) {
        const k = s.key(i).slice(PREFIX.length);
        if (k === key || !k.startsWith('draft:') || !k.endsWith(`:${instrument}`)) continue;
        const d = read(k);
        if (d?.answers && !d.done && (d.plan_id ?? planId) === planId && (!best || (d.saved_ms ?? 0) > (best[1].saved_ms ?? 0))) best = [k, d];
      }
    } catch {
      // blocked: nothing was kept
    }
    return best;
  },
};

export const submissions = {
  count(planSha, instrument) {
    return (read(`submitted:${planSha}:${instrument}`) || []).length;
  },
  remember(planSha, instrument, receipt) {
    const list = read(`submitted:${planSha}:${instrument}`) || [];
    list.push(receipt);
    return write(`submitted:${planSha}:${instrument}`, list);
  },
};

// ---- the outbox ------------------------------------------------------------------------------

/**
 * What a page that embeds the form adds to the POSTs to one endpoint (its own auth): `headers`,
 * and `before(request)`, which may change the Request or return another to the same URL. Kept
 * by the endpoint's exact URL, so they reach no other endpoint; in this page's memory only.
 */
const auth = new Map();
export const deliveryOptions = (endpoint, { headers, before }) => {
  if (Object.keys(headers).length || before) auth.set(endpoint, { headers, before });
  else auth.delete(endpoint);
};

/**
 * An outbox entry: the record, where it goes (the endpoint it was made for; null for records
 * moved from the old localStorage outbox until a page of their kind claims them) and how its
 * delivery went: state 'waiting' | 'sent' | 'refused', tries, next_ms (backoff), http (the last
 * 5xx), error (the server's reason for a 4xx). `auth`: made where the page added its own auth to
 * the endpoint's POSTs, so only such a page sends it (another of the origin's pages waits).
 */
export const entry = (record, endpoint) => ({
  checksum: record.checksum, endpoint, kind: record.reviewer ? 'review' : 'survey', record,
  state: 'waiting', tries: 0, next_ms: 0, auth: auth.has(endpoint),
});

const memory = new Map(); // entries IndexedDB could not take: kept while the page is open
let db;

/** Run `fn(store)` in one transaction; resolves with the last request's result. */
function tx(d, mode, fn) {
  return new Promise((resolve, reject) => {
    const t = d.transaction('records', mode);
    let req;
    try {
      req = fn(t.objectStore('records'));
    } catch (e) {
      t.abort();
      reject(e);
      return;
    }
    t.oncomplete = () => resolve(req?.result);
    // Not onerror: a request error the caller handled (a record already there) bubbles here too.
    t.onabort = () => reject(t.error ?? new Error('aborted'));
  });
}

/** Insert `e` unless its record is already there (then the entry is left as it is). */
const insert = (s, e) => {
  const req = s.add(e);
  req.onerror = (ev) => req.error?.name === 'ConstraintError' && ev.preventDefault();
  return req;
};

/** The outbox database (null when IndexedDB is missing or refuses), with old records moved in. */
function open() {
  db ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open('kaoping-outbox', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('records', { keyPath: 'checksum' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = req.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  }).then(async (d) => {
    if (!d) return d;
    // Records waiting in the localStorage outbox of earlier versions: moved, then removed.
    const old = read('outbox');
    if (Array.isArray(old)) {
      try {
        await tx(d, 'readwrite', (s) => old.filter((r) => r?.checksum).map((r) => insert(s, entry(r, null))).pop());
        remove('outbox');
      } catch {
        // left where they were, for the next visit
      }
    }
    return d;
  });
  return db;
}

export const changes = new EventTarget();
const channel = self.BroadcastChannel ? new BroadcastChannel('kaoping-outbox') : null;
const changed = () => {
  changes.dispatchEvent(new Event('change'));
  channel?.postMessage(1);
};
if (channel) channel.onmessage = () => changes.dispatchEvent(new Event('change'));

export const outbox = {
  /** Queue `e` (kept as it is if already queued). True when it is in IndexedDB, false when only in memory. */
  async add(e) {
    const d = await open();
    if (d && !memory.has(e.checksum)) {
      // Asked when a record waits (not on every visit): the browser then keeps the outbox
      // when it clears storage under pressure.
      navigator.storage?.persist?.().catch(() => {});
      try {
        await tx(d, 'readwrite', (s) => insert(s, e));
        return true;
      } catch {
        // quota or a broken database: keep it in memory and say so
      }
    }
    if (!memory.has(e.checksum)) memory.set(e.checksum, e);
    return false;
  },
  async put(e) {
    const d = !memory.has(e.checksum) && (await open());
    try {
      if (d) return void (await tx(d, 'readwrite', (s) => s.put(e)));
    } catch {
      // fall through to memory
    }
    memory.set(e.checksum, e);
  },
  async all() {
    const d = await open();
    const stored = d ? await tx(d, 'readonly', (s) => s.getAll()).catch(() => []) : [];
    return [...stored.filter((e) => !memory.has(e.checksum)), ...memory.values()];
  },
  async get(checksum) {
    return (await outbox.all()).find((e) => e.checksum === checksum);
  },
  async remove(checksum) {
    memory.delete(checksum);
    const d = await open();
    if (d) await tx(d, 'readwrite', (s) => s.delete(checksum)).catch(() => {});
  },
  /** A refused record waits again (the respondent asks after the server was put right). */
  async retry(checksum) {
    const e = await outbox.get(checksum);
    if (e?.state !== 'refused') return;
    Object.assign(e, { state: 'waiting', tries: 0, next_ms: 0, error: undefined });
    await outbox.put(e);
    changed();
  },
};

/** How long a delivered record's entry (its checksum and where it went, not the record) stays. */
const SENT_KEPT_MS = 30 * 24 * 3600 * 1000;

// ---- delivery --------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Run `fn` holding the delivery lock of this origin (Web Locks; else a lease in localStorage). */
async function locked(fn) {
  if (navigator.locks) return navigator.locks.request('kaoping-deliver', fn);
  const me = Math.random().toString(36);
  for (let i = 0; i < 120; i += 1) {
    const held = read('deliver-lock');
    if (!held || held.until < Date.now()) {
      // No storage at all: only this page's memory outbox is left, nobody to share it with.
      if (!write('deliver-lock', { me, until: Date.now() + 30000 })) return fn();
      await sleep(50);
      if (read('deliver-lock')?.me === me) {
        try {
          return await fn();
        } finally {
          remove('deliver-lock');
        }
      }
    }
    await sleep(250);
  }
  return undefined; // another tab is delivering; the next visit or timer tries again
}

/** The server's reason for refusing: its JSON {error, message: {zh-CN, en}}, else its text. */
async function reason(res) {
  const text = (await res.text().catch(() => '')).trim();
  try {
    const m = JSON.parse(text)?.message;
    if (m) return m;
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 300) || `HTTP ${res.status}`;
}

const MAX_WAIT_MS = 5 * 60 * 1000;
let timer;

async function sendAll(claim, force) {
  const down = new Set();
  let next = Infinity;
  for (const e of await outbox.all()) {
    if (e.state === 'sent' && e.sent_ms < Date.now() - SENT_KEPT_MS) await outbox.remove(e.checksum);
    if (e.state !== 'waiting') continue;
    if (!e.endpoint && claim?.kind === e.kind) e.endpoint = claim.endpoint;
    if (!e.endpoint || down.has(e.endpoint) || (e.auth && !auth.has(e.endpoint))) continue;
    if (!force && e.next_ms > Date.now()) {
      next = Math.min(next, e.next_ms);
      continue;
    }
    let res = null;
    try {
      res = await fetch(await request(e));
    } catch {
      down.add(e.endpoint);
    }
    const s = res?.status;
    if (res?.ok) {
      await res.text().catch(() => {}); // read to the end: nothing left open on the connection
      Object.assign(e, { state: 'sent', sent_ms: Date.now(), record: undefined });
    } else if (s >= 400 && s < 500 && s !== 408 && s !== 429) {
      Object.assign(e, { state: 'refused', error: await reason(res) });
    } else {
      e.tries += 1;
      e.http = s;
      e.next_ms = Date.now() + Math.min(2000 * 2 ** (e.tries - 1), MAX_WAIT_MS);
      next = Math.min(next, e.next_ms);
    }
    await outbox.put(e);
    changed();
  }
  clearTimeout(timer);
  if (next < Infinity) timer = setTimeout(() => deliver(claim), Math.max(0, next - Date.now()) + 50);
}

/** The POST of entry `e`, with what the page added for its endpoint. */
async function request(e) {
  const own = auth.get(e.endpoint);
  const req = new Request(e.endpoint, {
    method: 'POST',
    headers: { ...own?.headers, 'content-type': 'application/json', 'idempotency-key': e.checksum },
    body: JSON.stringify(e.record),
  });
  const out = (await own?.before?.(req)) ?? req;
  // A hook cannot send the record (and its headers) elsewhere.
  if (!(out instanceof Request) || out.url !== req.url) throw new TypeError('beforeDeliver');
  return out;
}

let running = null;
let again = false;

/**
 * Send every waiting record to the endpoint it was made for, one delivery at a time in this
 * page and across tabs. `claim` ({endpoint, kind}) takes waiting records of its kind that have
 * no endpoint (moved from the old outbox); `force` ignores the backoff (a visit, `online`).
 */
export function deliver(claim, force = false) {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      await locked(() => sendAll(claim, force));
    } while (again);
  })().finally(() => {
    running = null;
  });
  return running;
}

/**
 * An endpoint from a link (`?endpoint=`), resolved against the page: used only when it is on
 * the page's own origin or listed by whoever deployed the page in
 * `<meta name="kaoping-endpoints" content="URL URL …">` (a bare origin allows any path on it).
 * Null otherwise.
 */
export function allowedEndpoint(raw) {
  let u;
  try {
    u = new URL(raw, location.href);
  } catch {
    return null;
  }
  if (!/^https?:$/.test(u.protocol)) return null;
  if (u.origin === location.origin) return u.href;
  const listed = (document.querySelector('meta[name="kaoping-endpoints"]')?.content ?? '').split(/\s+/);
  return listed.some((a) => {
    try {
      const l = new URL(a);
      return l.href === u.href || (l.href === `${l.origin}/` && l.origin === u.origin);
    } catch {
      return false;
    }
  }) ? u.href : null;
}
