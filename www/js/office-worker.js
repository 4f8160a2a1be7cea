// The office's worker: loads the office build of the engine and runs plan validation and
// scoring off the main thread, so that the page never freezes. It decides nothing itself.
//
// Messages in:  { id, type: 'validate', text? }            (no text: the built-in demo plan)
//               { id, type: 'demo', text?, seed, n }       (score demo inputs on the plan)
//               { id, type: 'records', text?, files, options? }
//                 files: File/Blob objects (streamed chunk by chunk, never read whole), or
//                 { name, text } (read as they are); options: { [file name]: IFileOptions }
// Messages out: { id, type: 'progress', stage, records? }
//               { id, type: 'progress', stage: 'score', file, bytes, total, read, accepted, rejected }
//                 while files stream: bytes of this file done / its size, rows so far (all files)
//               { id, type: 'done', value } | { id, type: 'error', message }
import init, { Engine } from '../pkg-office/kaoping_wasm.js';

const ready = init({ module_or_path: new URL('../pkg-office/kaoping_wasm_bg.wasm', import.meta.url) });

// The engine of the last plan scored, reused while the plan text stays the same.
let cached = { text: null, engine: null };

function engineFor(text) {
  if (cached.engine && cached.text === text) return cached.engine;
  cached.engine?.free();
  cached = { text, engine: new Engine(text ?? undefined) };
  return cached.engine;
}

// At most this often (ms) a progress message while streaming.
const PROGRESS_EVERY = 100;

const handlers = {
  async records({ id, text, files, options }) {
    post({ id, type: 'progress', stage: 'plan' });
    const engine = engineFor(text ?? null);
    post({ id, type: 'progress', stage: 'score' });
    const run = engine.ingestStart();
    try {
      const encoder = new TextEncoder();
      let last = 0;
      const progress = (file, bytes, total, force) => {
        const now = performance.now();
        if (!force && now - last < PROGRESS_EVERY) return;
        last = now;
        post({ id, type: 'progress', stage: 'score', file, bytes, total, ...run.progress() });
      };
      for (const f of files) {
        const name = f.name ?? 'file';
        run.begin(name, options?.[name]);
        if (typeof f.stream === 'function') {
          const total = f.size;
          let bytes = 0;
          const reader = f.stream().getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            run.push(value);
            bytes += value.byteLength;
            progress(name, bytes, total, false);
          }
          run.end();
          progress(name, total, total, true);
        } else {
          const bytes = encoder.encode(f.text ?? '');
          run.push(bytes);
          run.end();
          progress(name, bytes.byteLength, bytes.byteLength, true);
        }
      }
      return run.finish();
    } finally {
      run.free();
    }
  },
  validate({ text }) {
    const planText = text ?? Engine.demoPlanJson();
    const report = Engine.validatePlan(planText);
    let plan = null;
    if (report.ok) plan = engineFor(text ?? null).plan();
    return { report, plan };
  },
  demo({ id, text, seed, n }) {
    post({ id, type: 'progress', stage: 'plan' });
    const engine = engineFor(text ?? null);
    // Generated and scored inside WASM: the inputs never cross into JavaScript.
    post({ id, type: 'progress', stage: 'score' });
    const result = engine.evaluateDemo(seed, n);
    post({ id, type: 'progress', stage: 'transfer' });
    return result;
  },
};

function post(msg) {
  self.postMessage(msg);
}

self.addEventListener('message', async (e) => {
  const { id, type } = e.data;
  try {
    await ready;
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request "${type}"`);
    post({ id, type: 'done', value: await handler(e.data) });
  } catch (err) {
    post({ id, type: 'error', message: String(err?.message ?? err) });
  }
});

post({ type: 'ready' });
