// Size report: what a page (the respondent's, the reviewer's) costs over the wire.
//
//   node tests/e2e/size.mjs [--budget-kb 150] [--page respond.html]
//
// Opens the page under KAOPING_URL in headless Chromium, waits until the network is
// idle (the survey or sheet has rendered), records every response the page and its workers
// loaded (HTML, JS, CSS, WASM, plan JSON, fonts, ...), gzips each body with zlib level 9 and
// brotli quality 11 (the encodings the servers send, docs/deploy.md), prints a table and exits
// 1 when the gzip total exceeds the budget. 1 KB = 1024 bytes.
// Normally run by `cargo xtask size` / `cargo xtask test`, which serve target/www/ (www/ with
// JS and CSS minified) in-process.

import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { parseArgs } from 'node:util';
import { launch, url, watchErrors } from './harness.mjs';

const { values: opts } = parseArgs({
  options: {
    'budget-kb': { type: 'string', default: '150' },
    page: { type: 'string', default: 'respond.html' },
  },
});
const budgetKb = Number(opts['budget-kb']);
if (!Number.isFinite(budgetKb) || budgetKb <= 0) {
  console.error(`size: --budget-kb expects a positive number, got ${opts['budget-kb']}`);
  process.exit(2);
}

const pageUrl = url(opts.page);
const browser = await launch();
let rows;
let errors;
try {
  const context = await browser.newContext();
  const seen = new Map(); // url -> Promise<row|null>, first load only
  context.on('response', (res) => {
    const u = res.url();
    // Only what is loaded: not the POSTed submission, not data: URLs.
    if (!u.startsWith('http') || res.request().method() !== 'GET' || seen.has(u)) return;
    seen.set(u, (async () => {
      if (res.status() >= 300 && res.status() < 400) return null; // redirect: no body
      if (res.status() >= 400) {
        if (!u.endsWith('/favicon.ico')) console.warn(`size: warning: ${u} answered ${res.status()}`);
        return null;
      }
      let body;
      try {
        body = await res.body();
      } catch (e) {
        console.warn(`size: could not read the body of ${u}: ${e.message}`);
        return null;
      }
      const type = (res.headers()['content-type'] || '').split(';')[0];
      return {
        file: u.startsWith(url()) ? u.slice(url().length) || '/' : u,
        type,
        status: res.status(),
        raw: body.length,
        gzip: gzipSync(body, { level: constants.Z_BEST_COMPRESSION }).length,
        br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }).length,
      };
    })());
  });
  const page = await context.newPage();
  errors = watchErrors(page);
  const nav = await page.goto(pageUrl, { waitUntil: 'networkidle', timeout: 60_000 });
  if (!nav || !nav.ok()) {
    throw new Error(`${pageUrl} answered ${nav ? nav.status() : 'nothing'}`);
  }
  // The service worker installed (its precache fetched, whatever the timing), then a beat for
  // anything kicked off by the last responses.
  await page.evaluate(() => 'serviceWorker' in navigator && Promise.race([
    navigator.serviceWorker.ready, new Promise((resolve) => setTimeout(resolve, 15_000))]));
  await page.waitForLoadState('networkidle');
  rows = (await Promise.all(seen.values())).filter(Boolean);
  await context.close();
} finally {
  await browser.close();
}

rows.sort((a, b) => b.gzip - a.gzip || a.file.localeCompare(b.file));
const kb = (n) => (n / 1024).toFixed(1);
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, br: t.br + r.br }), { raw: 0, gzip: 0, br: 0 });
const w = Math.max(4, ...rows.map((r) => r.file.length));
const line = '-'.repeat(w + 58);
console.log(`size of ${pageUrl} (every response loaded until network idle; gzip level 9, brotli 11)`);
console.log(line);
console.log(`${'file'.padEnd(w)}  ${'type'.padEnd(22)}  ${'raw B'.padStart(9)}  ${'gzip B'.padStart(8)}  ${'br B'.padStart(8)}`);
console.log(line);
for (const r of rows) {
  console.log(`${r.file.padEnd(w)}  ${r.type.slice(0, 22).padEnd(22)}  ${String(r.raw).padStart(9)}  ${String(r.gzip).padStart(8)}  ${String(r.br).padStart(8)}`);
}
console.log(line);
console.log(`${'total'.padEnd(w)}  ${`${rows.length} files`.padEnd(22)}  ${String(total.raw).padStart(9)}  ${String(total.gzip).padStart(8)}  ${String(total.br).padStart(8)}`);
console.log(`total: ${kb(total.gzip)} KB gzip, ${kb(total.br)} KB brotli (${kb(total.raw)} KB raw), budget ${budgetKb} KB gzip`);
for (const e of errors) console.warn(`size: warning: the page reported ${e}`);

if (rows.length === 0) {
  console.error('size: FAIL: the page loaded nothing');
  process.exit(1);
}
if (total.gzip > budgetKb * 1024) {
  console.error(`size: FAIL: ${kb(total.gzip)} KB gzip exceeds the budget of ${budgetKb} KB by ${kb(total.gzip - budgetKb * 1024)} KB`);
  process.exit(1);
}
console.log(`size: OK (${kb(budgetKb * 1024 - total.gzip)} KB under budget)`);
