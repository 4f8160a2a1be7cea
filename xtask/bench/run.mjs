// Drives the benchmark page in headless Chromium (playwright-core, Debian's chromium):
//   node xtask/bench/run.mjs URL RUNS OUT.json LAYOUT...
// Runs every mode on every layout RUNS times (the modes taking turns), prints one line per run,
// checks that every mode read, accepted and rejected the same rows as the engine, and writes
// the best run of each mode per layout to OUT.json. Run by `cargo xtask bench`.
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [url, runsArg, out, ...layouts] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const modes = ['wasm', 'wasm-1', 'js-fast', 'js', 'bytes'];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  timeout: 60_000,
});
const results = {};
const wrong = [];
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(900_000);
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(new URL('bench.html', url).href);
  await page.waitForFunction(() => window.benchReady === true);
  for (const layout of layouts) {
    const best = {};
    for (let i = 0; i < runs; i++) {
      for (const mode of modes) {
        const r = await page.evaluate(([m, l]) => window.runBench(m, l), [mode, layout]);
        const mbs = r.bytes / 1e6 / (r.ms / 1000);
        console.log(`${layout} ${mode.padEnd(7)} run ${i + 1}: ${(r.ms / 1000).toFixed(3)} s  ${mbs.toFixed(0)} MB/s  `
          + `read ${r.read}, accepted ${r.accepted}, rejected ${r.rejected}; main thread longest gap ${r.longestMainThreadGapMs} ms`
          + (r.byHelper != null ? `; blocks by the helper worker ${r.byHelper}` : '')
          + (r.reread != null ? `; rows re-read quote-aware ${r.reread}` : '')
          + (r.stats ? `; ms ${JSON.stringify(r.stats)}` : ''));
        if (!best[mode] || r.ms < best[mode].ms) best[mode] = r;
      }
    }
    // No baseline may win by reading or rejecting other rows than the engine.
    const w = best.wasm;
    for (const mode of modes) {
      const r = best[mode];
      if (r.read !== w.read || r.accepted !== w.accepted || r.rejected !== w.rejected) {
        wrong.push(`${layout} ${mode}: read ${r.read}, accepted ${r.accepted}, rejected ${r.rejected}; the engine: read ${w.read}, accepted ${w.accepted}, rejected ${w.rejected}`);
      }
    }
    results[layout] = Object.fromEntries(modes.map((m) => [m, {
      s: best[m].ms / 1000, read: best[m].read, accepted: best[m].accepted, rejected: best[m].rejected,
      ...(best[m].stats ? { stats: best[m].stats } : {}),
    }]));
    results[layout].size = w.bytes;
    console.log(`${layout}: best of ${runs}: WASM ${(w.ms / 1000).toFixed(3)} s; PapaParse fastMode ${(best['js-fast'].ms / w.ms).toFixed(1)}x, `
      + `quote-aware ${(best.js.ms / w.ms).toFixed(1)}x; byte loop ${(best.bytes.ms / 1000).toFixed(3)} s (WASM ${(w.ms / best.bytes.ms).toFixed(1)}x slower)`);
  }
} finally {
  await browser.close();
}
writeFileSync(out, JSON.stringify(results, null, 1));
if (wrong.length) {
  console.error(`counts differ from the engine's:\n${wrong.join('\n')}`);
  process.exit(1);
}
