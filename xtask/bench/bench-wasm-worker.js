// The WASM path: the office build's streaming ingest (IngestRun) over the CSV Blob, then the
// full evaluation result as a JS object. The file is fetched into a Blob before timing.
import init, { Engine } from './pkg-office/kaoping_wasm.js';

const ready = init({ module_or_path: new URL('./pkg-office/kaoping_wasm_bg.wasm', import.meta.url) });
const blobs = {};

self.onmessage = async (e) => {
  try {
    await ready;
    const { file } = e.data;
    blobs[file] ??= await (await fetch(file)).blob();
    const blob = blobs[file];
    const t0 = performance.now();
    const engine = new Engine();
    const run = engine.ingestStart();
    run.expectBytes(blob.size);
    run.begin(file, undefined);
    const reader = blob.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      run.push(value);
    }
    run.end();
    const out = run.finish();
    const ms = performance.now() - t0;
    run.free();
    engine.free();
    const units = out.result.units ?? [];
    self.postMessage({
      ms, bytes: blob.size, read: out.ingest.read, accepted: out.ingest.accepted,
      rejected: out.ingest.rejected.length, units: units.length,
    });
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
};
