// Live validation (issue 19): a 200-question rating form answered one question at a time, in
// Node with the respondent's (forms) build of the engine, each answer timed:
//   full         the page's old path: every answer sent again, the whole form evaluated
//                (`engine.evaluate(instrument, answers, lang)`), the whole state back;
//   incremental  the page's path now: one answer set in the form's session
//                (`session.setAnswer(id, value)`), only what reads it re-evaluated, a diff back;
//   surveyjs     SurveyJS (survey-core from npm, this folder's own package.json) on the same
//                form: `survey.setValue(name, value)` with `checkErrorsMode: 'onValueChanged'`,
//                its own live path (conditions run, the changed question validated).
// The form: 200 rating questions (1–5, required) in 10 pages of 20; each question after the
// first is shown unless the one before it is answered 1 (a relevance chain through the whole
// form: all 200 are shown, and required, from the start), and every 10th has a constraint on
// the one before it. Both engines are
// checked to agree on what is shown and what is wrong at the end. Prints plan-load time,
// median and p95 per answer; writes them to OUT.json when given.
//   node --expose-gc xtask/bench/live/live.mjs PKG_DIR ROUNDS [OUT.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const [pkgDir = 'www/pkg', roundsArg = '20', out] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);
const N = 200;
const PER_PAGE = 20;

// ---- the form, for both ----------------------------------------------------------------------
const text = (s) => ({ 'zh-CN': s, en: s });
const id = (i) => `q${i + 1}`;
const points = [1, 2, 3, 4, 5].map((v) => ({ value: v, label: text(String(v)) }));
const sections = [];
for (let p = 0; p < N / PER_PAGE; p++) {
  const questions = [];
  for (let i = p * PER_PAGE; i < (p + 1) * PER_PAGE; i++) {
    const q = { id: id(i), type: 'rating', required: true, label: text(`Question ${i + 1}`), scale: { min: 1, max: 5, step: 1, points } };
    if (i > 0) q.relevant = `empty(${id(i - 1)}) or ${id(i - 1)} >= 2`;
    if (i > 0 && i % 10 === 9) q.constraints = [{ expr: `. >= ${id(i - 1)} - 2`, message: text('at most 2 below the one before') }];
    questions.push(q);
  }
  sections.push({ id: `s${p + 1}`, title: text(`Page ${p + 1}`), questions });
}
const plan = { id: 'live-bench', version: '1', title: text('Live'), instruments: [{ id: 'live', kind: 'survey', title: text('Live'), sections }] };
const planText = JSON.stringify(plan);

const surveyJson = {
  checkErrorsMode: 'onValueChanged',
  pages: sections.map((s) => ({
    name: s.id,
    elements: s.questions.map((q, k) => ({
      type: 'rating', name: q.id, title: q.label.en, isRequired: true, rateMin: 1, rateMax: 5,
      ...(q.relevant ? { visibleIf: `{${id(Number(q.id.slice(1)) - 2)}} empty or {${id(Number(q.id.slice(1)) - 2)}} >= 2` } : {}),
      ...(q.constraints ? { validators: [{ type: 'expression', expression: `{${q.id}} >= {${id(Number(q.id.slice(1)) - 2)}} - 2`, text: 'at most 2 below the one before' }] } : {}),
    })),
  })),
};

// The answers, in order: 2–5, one in 7 first answered 1 then 4 (the next question hides, then
// shows again), one in 13 first off the scale (9) then corrected.
const steps = [];
for (let i = 0; i < N; i++) {
  const v = 2 + ((i * 7) % 4);
  if (i % 7 === 3) steps.push([id(i), 1]);
  if (i % 13 === 5) steps.push([id(i), 9]);
  steps.push([id(i), v]);
}

// ---- timing ----------------------------------------------------------------------------------
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1], n: s.length };
};
const ms = (x) => `${x.toFixed(3)} ms`;

// ---- kaoping ---------------------------------------------------------------------------------
const glue = await import(resolve(pkgDir, 'kaoping_wasm.js'));
glue.initSync({ module: readFileSync(resolve(pkgDir, 'kaoping_wasm_bg.wasm')) });
const { Engine } = glue;

function kaopingRound(mode, times, loads) {
  let t0 = performance.now();
  const engine = new Engine(planText);
  let session;
  const answers = { values: {}, reasons: {} };
  if (mode === 'full') engine.evaluate('live', answers, 'zh-CN');
  else session = engine.formSession('live', answers, 'zh-CN');
  loads.push(performance.now() - t0);
  for (const [q, v] of steps) {
    t0 = performance.now();
    if (mode === 'full') {
      answers.values[q] = v;
      engine.evaluate('live', answers, 'zh-CN');
    } else {
      session.setAnswer(q, v);
    }
    times.push(performance.now() - t0);
  }
  const state = mode === 'full' ? engine.evaluate('live', answers, 'zh-CN') : session.state();
  session?.free();
  engine.free();
  return state;
}

// ---- SurveyJS --------------------------------------------------------------------------------
const require = createRequire(join(resolve('xtask/bench/live'), 'package.json'));
const Survey = require('survey-core');
const surveyVersion = JSON.parse(readFileSync(resolve('xtask/bench/live/node_modules/survey-core/package.json'), 'utf8')).version;

function surveyRound(times, loads) {
  let t0 = performance.now();
  const survey = new Survey.Model(surveyJson);
  loads.push(performance.now() - t0);
  for (const [q, v] of steps) {
    t0 = performance.now();
    survey.setValue(q, v);
    times.push(performance.now() - t0);
  }
  return survey;
}

// ---- run -------------------------------------------------------------------------------------
const modes = {
  full: { times: [], loads: [] },
  incremental: { times: [], loads: [] },
  surveyjs: { times: [], loads: [] },
};
// One round of each first, not counted: the JIT's and the allocator's warm-up.
kaopingRound('full', [], []);
kaopingRound('incremental', [], []);
surveyRound([], []);
let full;
let incremental;
let survey;
// Each round starts after a full collection (node --expose-gc), so that one path's garbage is
// not collected in another's time.
const collect = globalThis.gc ?? (() => {});
for (let r = 0; r < ROUNDS; r++) {
  collect();
  full = kaopingRound('full', modes.full.times, modes.full.loads);
  collect();
  incremental = kaopingRound('incremental', modes.incremental.times, modes.incremental.loads);
  collect();
  survey = surveyRound(modes.surveyjs.times, modes.surveyjs.loads);
}

// The three agree on the end state: what is shown, and which questions have issues.
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
if (!same(full, incremental)) throw new Error('the incremental state differs from the full evaluation');
const shown = survey.getAllQuestions().filter((q) => q.isVisible).map((q) => q.name);
if (!same(shown, full.questions)) throw new Error(`SurveyJS shows ${shown.length} questions, kaoping ${full.questions.length}`);
const bad = new Set(full.issues.map((i) => i.question));
const surveyBad = survey.getAllQuestions().filter((q) => q.isVisible && q.hasErrors(false)).map((q) => q.name);
if (!same(surveyBad, full.questions.filter((q) => bad.has(q)))) throw new Error(`SurveyJS finds issues in ${surveyBad}, kaoping in ${[...bad]}`);

const rows = [
  ['kaoping, full evaluation (the old path)', modes.full],
  ['kaoping, incremental session (the page now)', modes.incremental],
  [`SurveyJS ${surveyVersion} (survey-core, setValue)`, modes.surveyjs],
];
console.log(`live validation: ${N} rating questions, a relevance chain, ${steps.length} answers per round, ${ROUNDS} rounds; ` +
  `${full.questions.length} shown and ${full.issues.length} issues at the end in all three`);
const result = { questions: N, answers: steps.length, rounds: ROUNDS, surveyjs: surveyVersion, modes: {} };
for (const [name, m] of rows) {
  const t = stats(m.times);
  const l = stats(m.loads);
  console.log(`${name.padEnd(48)} per answer: median ${ms(t.median)}, p95 ${ms(t.p95)}, max ${ms(t.max)}; plan load: median ${ms(l.median)}`);
}
for (const [k, m] of Object.entries(modes)) result.modes[k] = { answer: stats(m.times), load: stats(m.loads) };
if (out) writeFileSync(out, JSON.stringify(result, null, 2));
