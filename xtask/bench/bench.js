// The benchmark page (cargo xtask bench): runs one path at a time in a worker and measures it,
// while the main thread checks that it stays responsive (the longest gap between 10 ms ticks).

function runIn(worker, msg) {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage(msg);
  });
}

const workers = {};
function workerFor(mode) {
  if (mode.startsWith('wasm')) {
    workers.wasm ??= new Worker(new URL('./bench-wasm-worker.js', import.meta.url), { type: 'module' });
    return workers.wasm;
  }
  if (mode === 'bytes') {
    workers.bytes ??= new Worker(new URL('./bench-bytes-worker.js', import.meta.url));
    return workers.bytes;
  }
  workers.js ??= new Worker(new URL('./bench-js-worker.js', import.meta.url));
  return workers.js;
}

// `layout`: the folder of the layout's CSV file, plan.json and spec.json.
window.runBench = async (mode, layout) => {
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    // wasm: the office page's way (two workers for a large CSV file); wasm-1: one worker.
    const msg = { mode, file: `${layout}/${layout}.csv`, plan: `${layout}/plan.json`, spec: `${layout}/spec.json` };
    const out = await runIn(workerFor(mode), { ...msg, helpers: mode === 'wasm-1' ? 0 : 1 });
    return { ...out, longestMainThreadGapMs: Math.round(longest) };
  } finally {
    clearInterval(tick);
  }
};
window.benchReady = true;
document.getElementById('log').textContent = 'ready';
