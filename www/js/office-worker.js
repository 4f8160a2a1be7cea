// The office's worker: loads the office build of the engine and runs plan validation and
// scoring off the main thread, so that the page never freezes. It decides nothing itself.
//
// Messages in:  { id, type: 'validate', text? }            (no text: the built-in demo plan)
//               { id, type: 'demo', text?, seed, n }       (score demo inputs on the plan)
//               { id, type: 'records', text?, files: [{ name, blob }] }  (ingest + score files)
// Messages out: { id, type: 'progress', stage, records?, file?, bytes?, read?, accepted?, rejected? }
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

const handlers = {
  async records({ id, text, files }) {
    post({ id, type: 'progress', stage: 'plan' });
    const engine = engineFor(text ?? null);
    const read = [];
    let bytes = 0;
    for (const { name, blob } of files) {
      post({ id, type: 'progress', stage: 'read', file: name, bytes });
      read.push({ name, text: await blob.text() });
      bytes += blob.size;
    }
    post({ id, type: 'progress', stage: 'score', bytes });
    return engine.evaluateRecords(read);
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
