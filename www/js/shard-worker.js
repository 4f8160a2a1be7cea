// The helper worker of blocks.js: prepares blocks of a large CSV file for the worker that runs
// the ingest (kaoping_core::ingest::CsvShard). It decides nothing itself.
//
// Messages in:  { type: 'start', job, blob, name, options, header, start, plan, withBytes, port? }
//               { type: 'block', job, k }   (read the block here)
// On `port` (from read-worker.js): { type: 'block', job, k, from, bytes, last } | { type: 'failed', job, k, error }
// Messages out: { type: 'rows', job, k, from, to, rows, bytes? } | { type: 'failed', job, error? }
import { engineClass } from './engine.js';
import { readBlock } from './blocks.js';

let Engine; // the office build's class, once loaded
const ready = engineClass(true).then((c) => { Engine = c; });
let job = null;
let engine = null;
let engineFor;

function prepare(m, b) {
  const { shard, withBytes } = job;
  const rows = shard.prepareBlock(b.bytes, b.last);
  const transfer = withBytes ? [rows.buffer, b.bytes.buffer] : [rows.buffer];
  self.postMessage({ type: 'rows', job: m.job, k: m.k, from: b.from, to: b.from + b.bytes.byteLength, rows, bytes: withBytes ? b.bytes : null }, transfer);
}

// A block read by the reading worker.
async function fromReader(e) {
  const m = e.data;
  try {
    await ready;
    if (job?.job !== m.job) return; // for a file that is no longer read
    if (m.type === 'failed') throw new Error(m.error);
    prepare(m, m);
  } catch (err) {
    self.postMessage({ type: 'failed', job: m.job, error: String(err?.message ?? err) });
  }
}

self.onmessage = async (e) => {
  const m = e.data;
  try {
    await ready;
    if (m.type === 'start') {
      if (!engine || engineFor !== m.plan) {
        engine?.free();
        engine = new Engine(m.plan ?? undefined);
        engineFor = m.plan;
      }
      job?.shard.free();
      job?.port?.close();
      job = { ...m, shard: engine.shardStart(m.name, m.options ?? undefined, m.header) };
      if (m.port) m.port.onmessage = fromReader;
      if (!job.shard.ready()) self.postMessage({ type: 'failed', job: m.job });
    } else if (m.type === 'block') {
      if (job?.job !== m.job) return; // for a file that is no longer read
      const b = await readBlock(job.blob, job.start, m.k);
      if (job?.job !== m.job) return;
      prepare(m, b);
    }
  } catch (err) {
    self.postMessage({ type: 'failed', job: m.job, error: String(err?.message ?? err) });
  }
};
