// The office's worker: loads the office build of the engine and runs plan validation and
// scoring off the main thread, so that the page never freezes. It decides nothing itself.
//
// Messages in:  { id, type: 'validate', text? }            (no text: the built-in demo plan)
//                 → { report, plan, trust } (plan and trust, ITrustChoices, when it is valid)
//               { id, type: 'demo', text?, seed, n }       (score demo inputs on the plan)
//                 → { result, satisfaction, levels, orientations } (satisfaction: each unit's
//                   answers to the satisfaction question with their shares,
//                   ISatisfactionAnswers[]; levels: each unit's confidence level for its view's
//                   intervals; orientations: subtotals by orientation, ICategoryOrientations[])
//               { id, type: 'records', text?, files, options?, planName?, lang?, roles? }
//                 files: { name, blob } (the Blob streamed chunk by chunk, never read whole) or
//                 { name, text } (read as it is); options: { [file name]: IFileOptions };
//                 roles: { [file name]: IInputRole } (default: detected from the first bytes);
//                 the plan file of the manifest: `text` as `planName` (default plan.json), or
//                 the built-in demo plan's text as plan.json; lang: the output tables' language
//                 → { ingest, result, manifest, outputs: [{ name, bytes }], satisfaction } (an
//                   aggregation as `kaoping aggregate` writes it: result.json, the CSV tables,
//                   result.xlsx; satisfaction, levels and orientations as for 'demo')
//               { id, type: 'exports', text?, result, ingest?, lang, base }  (files to download)
//               { id, type: 'verify', files: [{ name, blob }] }  (a manifest and its files)
//               { id, type: 'preview', text?, name, blob, options? }  → IPreview | null
//               { id, type: 'template', text?, kind, lang, fileName }  → Uint8Array
//               { id, type: 'planDiff', text?, next }  → IPlanDiff (the plan in use `text`
//                 against the plan `next`, with `next`'s languages and whether the ids match)
//               { id, type: 'amendPlan', text?, next, date, reason }  → IAmended
//               { id, type: 'planWithTrust', text?, edit }  → string (the plan with its trust
//                 section changed by the ITrustEdit `edit` and a new version, to amend)
//               { id, type: 'carry', text?, result, resultBytes?, history: [{ name, blob }], lang,
//                 outName }  → { bytes, entries }
//               { id, type: 'planFile', name, blob }  → IPlanFile (a JSON text or a workbook)
//               { id, type: 'planBook', text?, lang }  → Uint8Array (the plan as a workbook)
//               { id, type: 'planJson', text? }  → Uint8Array (the plan's JSON as loaded)
//               { id, type: 'planTemplate', lang }  → Uint8Array (a blank plan workbook)
//               { id, type: 'nextYear', text?, lang, book }  → { bytes, changes } (next year's
//                 plan: its JSON, or as a workbook when `book`; each change made, in both languages)
// Messages out: { id, type: 'progress', stage, records? }
//               { id, type: 'progress', stage: 'score', file, bytes, read, accepted, rejected }
//                 while files stream: bytes of all files done so far, rows so far (all files)
//               { id, type: 'done', value } | { id, type: 'error', message }
import { engineClass } from './engine.js';
import { pushFile, BLOCKS_FROM } from './blocks.js';

let Engine; // the office build's class, once loaded
const ready = engineClass(true).then((c) => { Engine = c; });

// The engine of the last plan scored, reused while the plan text stays the same.
let cached = { text: null, engine: null };

function engineFor(text) {
  if (cached.engine && cached.text === text) return cached.engine;
  cached.engine?.free();
  cached = { text, engine: new Engine(text ?? undefined) };
  return cached.engine;
}

// The helper that prepares blocks of large CSV files (blocks.js), and the worker that reads
// them for both, started when first needed.
let helper = null;
let reader = null;
function helperFor(blob) {
  if (blob.size < BLOCKS_FROM) return null;
  helper ??= new Worker(new URL('./shard-worker.js', import.meta.url), { type: 'module' });
  return helper;
}
function readerFor(blob) {
  if (blob.size < BLOCKS_FROM) return null;
  reader ??= new Worker(new URL('./read-worker.js', import.meta.url), { type: 'module' });
  return reader;
}

// At most this often (ms) a progress message while streaming.
const PROGRESS_EVERY = 100;

const handlers = {
  async records({ id, text, files, options, planName, lang, roles }) {
    post({ id, type: 'progress', stage: 'plan' });
    const engine = engineFor(text ?? null);
    post({ id, type: 'progress', stage: 'score' });
    const encoder = new TextEncoder();
    const planBytes = encoder.encode(text ?? Engine.demoPlanJson());
    const run = engine.aggregateStart(text == null ? 'plan.json' : (planName ?? 'plan.json'), planBytes, lang ?? 'zh-CN');
    try {
      run.expectBytes(files.reduce((n, f) => n + ((f.blob ?? f).size ?? 0), 0));
      let last = 0;
      let offset = 0; // bytes of the files before this one
      const progress = (file, bytes, force) => {
        const now = performance.now();
        if (!force && now - last < PROGRESS_EVERY) return;
        last = now;
        const { read, accepted, rejected } = run.progress();
        post({ id, type: 'progress', stage: 'score', file, bytes: offset + bytes, read, accepted, rejected });
      };
      for (const f of files) {
        const blob = f.blob ?? (typeof f.stream === 'function' ? f : null);
        const name = f.name ?? 'file';
        run.begin(name, roles?.[name] ?? null, options?.[name]);
        if (blob) {
          // A large CSV file in blocks with the helper worker, else chunk by chunk.
          await pushFile({
            run, blob, name, options: options?.[name], engine, plan: text ?? null,
            helper: helperFor(blob), reader: readerFor(blob), aggregate: true, onBytes: (bytes) => progress(name, bytes, false),
          });
          run.end();
          progress(name, blob.size, true);
          offset += blob.size;
        } else {
          const bytes = encoder.encode(f.text ?? '');
          run.push(bytes);
          run.end();
          progress(name, bytes.byteLength, true);
          offset += bytes.byteLength;
        }
      }
      const out = run.finish();
      return { ...out, satisfaction: Engine.satisfactionAnswers(out.result), levels: Engine.unitConfidences(out.result), orientations: engine.orientationSubtotals(out.result) };
    } finally {
      run.free();
    }
  },
  // Exports of a result in `lang`: every table as CSV, the XLSX workbook, canonical JSON, the
  // public results page and each unit's feedback letter in a ZIP (both in both languages) and,
  // when an ingest report is given, the rejections as CSV. Files as { name, bytes, type }.
  exports({ text, result, ingest, lang, base }) {
    const engine = engineFor(text ?? null);
    const enc = new TextEncoder();
    const files = [];
    const csvType = 'text/csv;charset=utf-8';
    files.push({ name: `${base}.xlsx`, bytes: engine.exportXlsx(result, ingest ?? null, lang),
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', kind: 'xlsx' });
    files.push({ name: `${base}.json`, bytes: enc.encode(Engine.exportJson(result)), type: 'application/json', kind: 'json' });
    files.push({ name: `${base}-公示.html`, bytes: enc.encode(engine.publicPage(result)), type: 'text/html;charset=utf-8', kind: 'public' });
    files.push({ name: `${base}-反馈函.zip`, bytes: engine.unitLettersZip(result), type: 'application/zip', kind: 'letters' });
    for (const table of engine.exportTables(result, lang)) {
      files.push({ name: `${base}-${table.id}.csv`, bytes: enc.encode(engine.exportCsv(result, table.id, lang)),
        type: csvType, kind: 'csv', title: table.title });
    }
    if (ingest) {
      files.push({ name: `${base}-rejections.csv`, bytes: enc.encode(Engine.exportRejectionsCsv(ingest, lang)),
        type: csvType, kind: 'rejections' });
    }
    return files;
  },
  // The audit check: the files a person chose; the engine finds the manifest among them,
  // matches the others to it by base name (its own demo plan when none is given; outputs
  // only with result.json) and recomputes.
  async verify({ files }) {
    const read = await Promise.all(files.map(async ({ name, blob }) => ({ name, bytes: new Uint8Array(await blob.arrayBuffer()) })));
    return Engine.verifyFiles(read);
  },
  // What a run will make of a response table, before the run (null: it fits no instrument).
  async preview({ text, name, blob, options }) {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    return engineFor(text ?? null).previewTable(name, bytes, options);
  },
  // A year-end template of the plan (kind 'figures' or 'history') as `fileName` (.csv, .xlsx).
  template({ text, kind, lang, fileName }) {
    return engineFor(text ?? null).yearEndTemplate(kind, lang, fileName);
  },
  // Next year's history as `outName` from the result (result.json's bytes, or the result
  // written as JSON) and this year's history files → { bytes, entries }.
  async carry({ text, result, resultBytes, history, lang, outName }) {
    const bytes = resultBytes ?? new TextEncoder().encode(Engine.exportJson(result));
    const files = await Promise.all(history.map(async ({ name, blob }) => ({ name, bytes: new Uint8Array(await blob.arrayBuffer()) })));
    return engineFor(text ?? null).carryForward({ name: 'result.json', bytes }, files, lang, outName);
  },
  // A plan file the office gives: the core tells a workbook from a JSON text.
  async planFile({ name, blob }) {
    return Engine.planFromFile(name, new Uint8Array(await blob.arrayBuffer()));
  },
  planBook({ text, lang }) {
    return Engine.planToXlsx(text ?? Engine.demoPlanJson(), lang);
  },
  planJson({ text }) {
    return new TextEncoder().encode(text ?? Engine.demoPlanJson());
  },
  planTemplate({ lang }) {
    return Engine.planTemplateXlsx(lang);
  },
  nextYear({ text, lang, book }) {
    const next = Engine.nextYearPlan(text ?? Engine.demoPlanJson());
    const bytes = book ? Engine.planToXlsx(next.json, lang) : new TextEncoder().encode(next.json);
    return { bytes, changes: next.changes };
  },
  // What changed from the plan in use to `next` (both valid plans, else an error): IPlanDiff.
  planDiff({ text, next }) {
    return Engine.planDiff(text ?? Engine.demoPlanJson(), next);
  },
  amendPlan({ text, next, date, reason }) {
    return Engine.amendPlan(text ?? Engine.demoPlanJson(), next, date, reason);
  },
  planWithTrust({ text, edit }) {
    return Engine.planWithTrust(text ?? Engine.demoPlanJson(), edit);
  },
  validate({ text }) {
    const planText = text ?? Engine.demoPlanJson();
    const report = Engine.validatePlan(planText);
    let plan = null;
    let trust = null;
    if (report.ok) {
      const engine = engineFor(text ?? null);
      plan = engine.plan();
      trust = engine.trustChoices();
    }
    return { report, plan, trust };
  },
  demo({ id, text, seed, n }) {
    post({ id, type: 'progress', stage: 'plan' });
    const engine = engineFor(text ?? null);
    // Generated and scored inside WASM: the inputs never cross into JavaScript.
    post({ id, type: 'progress', stage: 'score' });
    const result = engine.evaluateDemo(seed, n);
    const satisfaction = Engine.satisfactionAnswers(result);
    const levels = Engine.unitConfidences(result);
    const orientations = engine.orientationSubtotals(result);
    post({ id, type: 'progress', stage: 'transfer' });
    return { result, satisfaction, levels, orientations };
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
    post({ id, type: 'error', message: String(err?.message ?? err), text: err?.text });
  }
});

post({ type: 'ready' });
