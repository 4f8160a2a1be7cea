// The office's working state in IndexedDB, so that a reload (or a crash) loses nothing: the
// plan text, every data file loaded (as the Blob the office dropped), the column mappings per
// plan, the last demo run's parameters, and the last result (which the printable report reads).
// localStorage is too small for response files of tens of megabytes; IndexedDB stores Blobs.

const DB = 'kaoping-office';
const STORE = 'kv';

let opening = null;

function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return opening;
}

async function run(mode, f) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(STORE, mode);
    const req = f(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Reads one value (undefined when absent or when IndexedDB is unavailable). */
export async function get(key) {
  try {
    return await run('readonly', (s) => s.get(key));
  } catch {
    return undefined;
  }
}

/** Writes one value; resolves false when the browser refused (private mode, quota). */
export async function put(key, value) {
  try {
    await run('readwrite', (s) => s.put(value, key));
    return true;
  } catch {
    return false;
  }
}

export async function del(key) {
  try {
    await run('readwrite', (s) => s.delete(key));
  } catch {
    // nothing stored, nothing to delete
  }
}
