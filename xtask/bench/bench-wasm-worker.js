// The WASM path: the office build's streaming ingest (IngestRun) of the layout's plan over the
// CSV Blob, read as the
// office page reads it (js/blocks.js: a large CSV file in blocks, prepared by this worker and
// a helper worker, taken in order), then the full evaluation result as a JS object. The file
// is fetched into a Blob before timing; the helper is started (and its engine loaded) before
// timing too, as the office page keeps its helper.
import { engineClass } from './js/engine.js';
import { pushFile } from './js/blocks.js';

// Through engine.js, as the pages load it: the build's files are named by their content.
let Engine;
const ready = engineClass(true).then((c) => { Engine = c; });
const blobs = {};
const plans = {};
let helper = null;
let reader = null;

async function warmHelper() {
  helper ??= new Worker(new URL('./js/shard-worker.js', import.meta.url), { type: 'module' });
  // A tiny job loads its engine (it answers that it cannot prepare that file).
  await new Promise((resolve) => {
    helper.onmessage = resolve;
    helper.postMessage({ type: 'start', job: -1, blob: new Blob(['a\n']), name: 'x.csv', options: null, header: new Uint8Array([97, 10]), start: 2, plan: null, withBytes: false });
  });
}

self.onmessage = async (e) => {
  try {
    await ready;
    const { file, plan: planFile, helpers } = e.data;
    blobs[file] ??= await (await fetch(file)).blob();
    plans[planFile] ??= await (await fetch(planFile)).text();
    const plan = plans[planFile];
    const blob = blobs[file];
    if (helpers !== 0) await warmHelper();
    reader ??= new Worker(new URL('./js/read-worker.js', import.meta.url), { type: 'module' });
    const t0 = performance.now();
    const engine = new Engine(plan);
    const run = engine.ingestStart();
    run.expectBytes(blob.size);
    run.begin(file, undefined);
    const stats = {};
    const byHelper = await pushFile({ run, blob, name: file, options: null, engine, plan, helper: helpers === 0 ? null : helper, reader: helpers === 0 ? null : reader, aggregate: false, stats });
    run.end();
    let t1 = performance.now();
    const out = run.finish();
    stats.finish = performance.now() - t1;
    const ms = performance.now() - t0;
    run.free();
    engine.free();
    const units = out.result.units ?? [];
    self.postMessage({
      ms, bytes: blob.size, read: out.ingest.read, accepted: out.ingest.accepted,
      rejected: out.ingest.rejected.length, units: units.length, byHelper,
      stats: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, Math.round(v)])),
    });
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
};
