// Lighthouse report: every page a respondent or a reviewer opens, as a phone on a slow network
// sees it (Lighthouse's default mobile run: a mid-range phone, simulated slow 4G, CPU 4× slower).
//
//   node tests/e2e/lighthouse.mjs [--runs 3] [--confirm] [--min-score 90] [--max-lcp-ms 2500] [--page P]…
//
// For each page, `--runs` cold loads (a fresh Chromium profile each, storage and caches cleared
// by Lighthouse), then one line per page: the median of the runs' performance score, largest
// contentful paint (LCP), total blocking time (TBT) and bytes transferred (compressed, as the
// server sent them), with every run's figures beside. Exits 1 when a page's median score is
// under `--min-score` or its median LCP over `--max-lcp-ms` (issue 19: 90 and 2.5 s).
// `--confirm` (with `--runs 1`, as `cargo xtask test` runs it): a page that misses on its one
// run is loaded twice more and the median of the three decides, so one slow load on a busy
// machine does not fail the suite and a real miss still does.
// Normally run by `cargo xtask lighthouse`, which serves target/www/ in-process, compressed.

import { parseArgs } from 'node:util';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { ARGS, CHROMIUM, url } from './harness.mjs';

/** The pages: the respondent's (standalone and embedded) and the reviewer's two sheets. */
const PAGES = [
  'respond.html',
  'review.html',
  'review.html?instrument=site_check',
  'embed.html?instrument=public',
  'host-example.html',
];

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'min-score': { type: 'string', default: '90' },
    'max-lcp-ms': { type: 'string', default: '2500' },
    page: { type: 'string', multiple: true },
    confirm: { type: 'boolean', default: false },
  },
});
const runs = Number(opts.runs);
const minScore = Number(opts['min-score']);
const maxLcp = Number(opts['max-lcp-ms']);
for (const [flag, v] of [['--runs', runs], ['--min-score', minScore], ['--max-lcp-ms', maxLcp]]) {
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`lighthouse: ${flag} expects a positive number`);
    process.exit(2);
  }
}
const pages = opts.page ?? PAGES;

/** One cold load of `page`: score (0–100), LCP and TBT (ms), bytes transferred. */
async function measure(page) {
  // A fresh profile each run (chrome-launcher makes and removes it).
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ARGS.filter((f) => f !== '--headless').concat('--headless=new'),
  });
  try {
    const result = await lighthouse(url(page), {
      port: chrome.port,
      onlyCategories: ['performance'],
      output: 'json',
      logLevel: 'error',
    });
    const lhr = result.lhr;
    if (lhr.runtimeError) throw new Error(`${page}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const audit = (id) => lhr.audits[id]?.numericValue;
    return {
      score: Math.round((lhr.categories.performance.score ?? 0) * 100),
      lcp: audit('largest-contentful-paint'),
      tbt: audit('total-blocking-time'),
      fcp: audit('first-contentful-paint'),
      bytes: audit('total-byte-weight'),
      warnings: lhr.runWarnings,
    };
  } finally {
    await chrome.kill();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;

const failures = [];
const table = [];
for (const page of pages) {
  const results = [];
  let total = runs;
  const misses = () => median(results.map((r) => r.score)) < minScore || median(results.map((r) => r.lcp)) > maxLcp;
  for (let i = 0; i < total; i++) {
    const r = await measure(page);
    for (const w of r.warnings ?? []) console.warn(`lighthouse: ${page}: ${w}`);
    results.push(r);
    console.log(`lighthouse: ${page} run ${i + 1}/${total}: score ${r.score}, LCP ${secs(r.lcp)}, FCP ${secs(r.fcp)}, TBT ${Math.round(r.tbt)} ms, ${kb(r.bytes)}`);
    if (opts.confirm && total === 1 && misses()) {
      console.log(`lighthouse: ${page} misses a target on one run: two more, the median decides`);
      total = 3;
    }
  }
  const row = {
    page,
    score: median(results.map((r) => r.score)),
    lcp: median(results.map((r) => r.lcp)),
    tbt: median(results.map((r) => r.tbt)),
    bytes: median(results.map((r) => r.bytes)),
    scores: results.map((r) => r.score).join(' '),
    lcps: results.map((r) => (r.lcp / 1000).toFixed(2)).join(' '),
  };
  table.push(row);
  if (row.score < minScore) failures.push(`${page}: performance ${row.score} < ${minScore}`);
  if (row.lcp > maxLcp) failures.push(`${page}: LCP ${secs(row.lcp)} > ${secs(maxLcp)}`);
}

const w = Math.max(...table.map((r) => r.page.length), 4);
console.log();
console.log(`Lighthouse mobile (simulated slow 4G, 4× CPU), median of each page's runs (${runs}${opts.confirm ? ", 3 to confirm a miss" : ""}); runs in brackets`);
console.log(`${'page'.padEnd(w)}  score  LCP              TBT      transfer   (scores; LCP s)`);
for (const r of table) {
  console.log(`${r.page.padEnd(w)}  ${String(r.score).padStart(5)}  ${secs(r.lcp).padEnd(15)}  ${`${Math.round(r.tbt)} ms`.padEnd(7)}  ${kb(r.bytes).padStart(9)}  (${r.scores}; ${r.lcps})`);
}
if (failures.length) {
  console.error(`\nlighthouse: FAILED (targets: score >= ${minScore}, LCP <= ${secs(maxLcp)}):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`\nlighthouse: every page at or above ${minScore} with LCP at or under ${secs(maxLcp)}`);
