// The reading worker of blocks.js: reads blocks of a large file and hands each to the worker
// that prepares it (the one that asked, or the helper through its port), so that no worker
// that computes waits for a read: a Blob is read only while the reading thread is free, and
// this one always is. It decides nothing itself.
//
// Messages in:  { type: 'start', job, blob, start, port? }  (port: to the helper, transferred)
//               { type: 'read', job, k, to: 'me' | 'helper' }
// Messages out (to the asker or the helper's port):
//               { type: 'block', job, k, from, bytes, last } | { type: 'failed', job, k, error }
import { readBlock } from './blocks.js';

let job = null;

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'start') {
    job?.port?.close();
    job = m;
    return;
  }
  if (m.type !== 'read' || job?.job !== m.job) return;
  const { blob, start, port } = job;
  const out = m.to === 'helper' && port ? port : self;
  try {
    const b = await readBlock(blob, start, m.k);
    out.postMessage({ type: 'block', job: m.job, k: m.k, from: b.from, bytes: b.bytes, last: b.last }, [b.bytes.buffer]);
  } catch (err) {
    out.postMessage({ type: 'failed', job: m.job, k: m.k, error: String(err?.message ?? err) });
  }
};
