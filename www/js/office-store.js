// The office's working state in IndexedDB, so that a reload (or a crash) loses nothing: the
// plan text, every data file loaded (as the Blob the office dropped), the column mappings per
// plan, the last demo run's parameters, and the last result (which the printable report reads).
// localStorage is too small for response files of tens of megabytes; IndexedDB stores Blobs.
// `kvStore(name)` is the same small key-value store under another database name (keys.js keeps
// the signing keys in their own, so that clearing the working state never drops a key).

const STORE = 'kv';

/** A key-value store in the IndexedDB database `name`: { get, put, del }, none of which throws. */
export function kvStore(name) {
  let opening = null;

  function db() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = indexedDB.open(name, 1);
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

  return {
    /** Reads one value (undefined when absent or when IndexedDB is unavailable). */
    async get(key) {
      try {
        return await run('readonly', (s) => s.get(key));
      } catch {
        return undefined;
      }
    },
    /** Writes one value; resolves false when the browser refused (private mode, quota). */
    async put(key, value) {
      try {
        await run('readwrite', (s) => s.put(value, key));
        return true;
      } catch {
        return false;
      }
    },
    async del(key) {
      try {
        await run('readwrite', (s) => s.delete(key));
      } catch {
        // nothing stored, nothing to delete
      }
    },
  };
}

export const { get, put, del } = kvStore('kaoping-office');
