// The office's worker (office-worker.js) seen from the page: requests with progress, and
// Cancel, which ends the worker and starts a fresh one.
import { t } from './office-state.js';

/** The reason a request failed when the run was cancelled. */
export class Cancelled extends Error {}

/** The worker and its pending requests (each resolves with its `done` value). */
export const runner = {
  worker: null,
  pending: new Map(),
  seq: 0,
  spawn() {
    this.worker = new Worker(new URL('./office-worker.js', import.meta.url), { type: 'module' });
    this.worker.addEventListener('message', (e) => {
      const msg = e.data;
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') p.onProgress?.(msg);
      else {
        this.pending.delete(msg.id);
        if (msg.type === 'done') p.resolve(msg.value);
        else p.reject(Object.assign(new Error(msg.message), msg.text ? { text: msg.text } : {}));
      }
    });
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.failAll(new Error(e.message || t().officeEngineFailed));
    });
  },
  failAll(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  },
  request(msg, onProgress) {
    if (!this.worker) this.spawn();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ ...msg, id });
    });
  },
  cancel() {
    this.worker?.terminate();
    this.worker = null;
    this.failAll(new Cancelled());
    this.spawn(); // a fresh worker, ready for the next run
  },
};
