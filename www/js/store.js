// Autosave: every change is written to localStorage at once, synchronously, so that closing
// the tab a millisecond later loses nothing. Records waiting for delivery live in an outbox.

const PREFIX = 'kaoping:';

function read(key) {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function draftKey(planSha, instrument) {
  return `draft:${planSha}:${instrument}`;
}

export const drafts = {
  load: (key) => read(key),
  save: (key, draft) => write(key, draft),
  clear: (key) => localStorage.removeItem(PREFIX + key),
};

export const submissions = {
  count(planSha, instrument) {
    return (read(`submitted:${planSha}:${instrument}`) || []).length;
  },
  remember(planSha, instrument, receipt) {
    const list = read(`submitted:${planSha}:${instrument}`) || [];
    list.push(receipt);
    write(`submitted:${planSha}:${instrument}`, list);
  },
};

export const outbox = {
  list: () => read('outbox') || [],
  add(record) {
    const list = outbox.list();
    list.push(record);
    return write('outbox', list);
  },
  remove(checksum) {
    write('outbox', outbox.list().filter((r) => r.checksum !== checksum));
  },
  /** POST each waiting record to `endpoint`; those the host takes leave the outbox. Returns how many wait. */
  async deliver(endpoint) {
    for (const rec of outbox.list()) {
      try {
        const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rec) });
        if (res.ok) outbox.remove(rec.checksum);
      } catch {
        break;
      }
    }
    return outbox.list().length;
  },
};
