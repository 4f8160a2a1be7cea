// Large CSV files read by two workers (kaoping_core::ingest::shard). From a row start on, the
// file is cut into blocks of about BLOCK bytes at line ends; a helper worker (shard-worker.js)
// and this one prepare blocks (decoding, parsing, the form's checks), and this worker gives
// them to its run strictly in the file's order (duplicates, counting), so the result is exactly
// that of reading the file in one go. A block whose end fell inside a quoted field goes to the
// run as plain bytes, and so do the next ones until one ends at a row start.

export const BLOCK = 4 << 20;
// Files from this size are read in blocks.
export const BLOCKS_FROM = 8 << 20;
// The run reads the file up to the first LF past this many bytes on its own (the header read,
// the encoding decided) before the blocks start.
export const FIRST = 1 << 20;
// Blocks prepared ahead of the one the run takes next, at most; lent to the helper at a time
// (enough that it never waits for this worker, which cannot answer while it prepares a block).
const AHEAD = 10;
const LENT = 4;
// Bytes read past a block's nominal end to find the LF that ends it.
const OVER = 1 << 16;
const LF = 10;
// Each file read in blocks is a job of the helper; its answers name the job.
let jobs = 0;

// The position just after the first LF at or after `at` (the end of the blob when none).
async function cutAt(blob, at) {
  for (let pos = at; pos < blob.size; pos += OVER) {
    const b = new Uint8Array(await blob.slice(pos, pos + OVER).arrayBuffer());
    const i = b.indexOf(LF);
    if (i >= 0) return Math.min(pos + i + 1, blob.size);
  }
  return blob.size;
}

// Block k of the blob from `start`: { from, bytes, last }. It starts just after the first LF
// at or past start + k·BLOCK (block 0 at start) and ends where the next one starts. Usually
// one read: from the nominal start to OVER bytes past the nominal end.
export async function readBlock(blob, start, k) {
  const lo = start + k * BLOCK;
  const hi = Math.min(blob.size, lo + BLOCK + OVER);
  const all = new Uint8Array(await blob.slice(lo, hi).arrayBuffer());
  let from = lo;
  if (k > 0) {
    const i = all.indexOf(LF);
    from = i >= 0 ? lo + i + 1 : await cutAt(blob, lo);
  }
  let to;
  if (lo + BLOCK >= blob.size) {
    to = blob.size;
  } else {
    const j = all.indexOf(LF, BLOCK);
    to = j >= 0 ? lo + j + 1 : await cutAt(blob, lo + BLOCK);
  }
  from = Math.min(from, to);
  const bytes = to <= hi ? all.subarray(from - lo, to - lo) : new Uint8Array(await blob.slice(from, to).arrayBuffer());
  return { from, bytes, last: to >= blob.size };
}

async function pushRange(run, blob, from, to, onBytes) {
  const reader = blob.slice(from, to).stream().getReader();
  let done = from;
  for (;;) {
    const { done: end, value } = await reader.read();
    if (end) return;
    run.push(value);
    done += value.byteLength;
    onBytes?.(done);
  }
}

// Streams `blob` into `run` (an IngestRun or AggregateRun that has begun the file `name` with
// `options`), in blocks with `helper` (a Worker running shard-worker.js) when the file is a
// large CSV file, else chunk by chunk. `reader` (a Worker running read-worker.js, or null)
// reads the blocks for both workers: a Blob's bytes arrive only while the reading thread is
// free, so a worker that reads for itself waits for each block after computing the last. `engine`: this worker's Engine (the run's plan);
// `plan`: the plan's text for the helper (null: the built-in one); `aggregate`: the run is an
// AggregateRun (it hashes every byte, so blocks come back with their bytes); `onBytes(n)`:
// bytes of the file done so far; `stats`: filled with milliseconds spent per step. Gives how
// many blocks the helper prepared.
export async function pushFile({ run, blob, name, options, engine, plan, helper, reader, aggregate, onBytes, stats }) {
  const t = stats ?? {};
  const clock = (key, t0) => { t[key] = (t[key] ?? 0) + performance.now() - t0; };
  const size = blob.size;
  const head = new Uint8Array(await blob.slice(0, 1 << 20).arrayBuffer());
  const h = head.indexOf(LF);
  const start = helper && h >= 0 && size >= BLOCKS_FROM ? await cutAt(blob, Math.max(FIRST, h + 1)) : size;
  if (start >= size) {
    await pushRange(run, blob, 0, size, onBytes);
    return 0;
  }
  const header = head.slice(0, h + 1);
  const n = Math.ceil((size - start) / BLOCK);
  const job = ++jobs;
  let claim = 0;
  let take = 0;
  let byHelper = 0;
  let helperOk = true;
  const lent = new Set();
  const redo = [];
  const ready = new Map();
  let wake = null;
  helper.onmessage = (e) => {
    const m = e.data;
    if (m.job !== job) return; // an answer for an earlier file
    if (m.type === 'rows') {
      lent.delete(m.k);
      ready.set(m.k, m);
      byHelper++;
    } else if (m.type === 'failed') {
      // Whatever it had is prepared here instead.
      helperOk = false;
      redo.push(...lent);
      lent.clear();
    }
    wake?.();
    wake = null;
  };
  helper.onerror = () => helper.onmessage({ data: { type: 'failed', job } });
  // Blocks this worker asked the reader for: k → { resolve, reject }.
  const asked = new Map();
  let port = null;
  if (reader) {
    const channel = new MessageChannel();
    port = channel.port2;
    reader.onmessage = (e) => {
      const m = e.data;
      const a = m.job === job ? asked.get(m.k) : null;
      if (!a) return;
      asked.delete(m.k);
      if (m.type === 'block') a.resolve(m);
      else a.reject(new Error(m.error));
    };
    reader.postMessage({ type: 'start', job, blob, start, port: channel.port1 }, [channel.port1]);
  }
  // Block k for this worker: from the reader, else (or when it fails) read here.
  const readOwn = (k) => {
    if (!reader) return readBlock(blob, start, k);
    const p = new Promise((resolve, reject) => asked.set(k, { resolve, reject }));
    reader.postMessage({ type: 'read', job, k, to: 'me' });
    return p.catch(() => readBlock(blob, start, k));
  };
  const lend = () => {
    while (helperOk && lent.size < LENT && claim < n && claim < take + AHEAD) {
      lent.add(claim);
      if (port) reader.postMessage({ type: 'read', job, k: claim++, to: 'helper' });
      else helper.postMessage({ type: 'block', job, k: claim++ });
    }
  };
  // The helper starts on the first blocks while this worker reads the part before them (the
  // header read, the encoding decided); its work is dropped if the file cannot go on in blocks.
  helper.postMessage({ type: 'start', job, blob, name, options: options ?? null, header, start, plan, withBytes: !!aggregate, port }, port ? [port] : []);
  lend();
  const mine = engine.shardStart(name, options ?? undefined, header);
  try {
    let t0 = performance.now();
    await pushRange(run, blob, 0, start, onBytes);
    clock('first', t0);
    if (!mine.ready() || !run.shardPoint()) {
      await pushRange(run, blob, start, size, onBytes);
      return 0;
    }
    // The next block this worker prepares, already being read: { k, read }.
    let next = null;
    const nextOwn = () => (redo.length ? redo.shift() : (claim < n && claim < take + AHEAD ? claim++ : -1));
    while (take < n) {
      const got = ready.get(take);
      if (got) {
        ready.delete(take);
        t0 = performance.now();
        const taken = aggregate ? run.takePrepared(got.bytes, got.rows) : run.takePrepared(got.rows);
        if (!taken) {
          // A cut inside a quoted field (this block's end, or its start): the block's bytes.
          if (got.bytes) run.push(got.bytes);
          else await pushRange(run, blob, got.from, got.to);
          t.raw = (t.raw ?? 0) + 1;
        }
        clock('apply', t0);
        take++;
        onBytes?.(Math.min(size, start + take * BLOCK));
        lend();
        continue;
      }
      const k = next ? next.k : nextOwn();
      if (k >= 0) {
        t0 = performance.now();
        const b = await (next?.k === k ? next.read : readOwn(k));
        clock('read', t0);
        // The block after it is read while this one is prepared.
        const k2 = nextOwn();
        next = k2 >= 0 ? { k: k2, read: readOwn(k2) } : null;
        t0 = performance.now();
        ready.set(k, { k, from: b.from, to: b.from + b.bytes.byteLength, bytes: b.bytes, rows: mine.prepareBlock(b.bytes, b.last) });
        clock('prepare', t0);
        lend();
        continue;
      }
      t0 = performance.now();
      await new Promise((resolve) => { wake = resolve; });
      clock('wait', t0);
    }
    onBytes?.(size);
    return byHelper;
  } finally {
    helper.onmessage = null;
    helper.onerror = null;
    if (reader) reader.onmessage = null;
    mine.free();
  }
}
