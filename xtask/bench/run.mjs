// Drives the benchmark page in headless Chromium (playwright-core, Debian's chromium):
//   node xtask/bench/run.mjs URL FILE RUNS
// Prints one line per run and a summary with the ratio; run by `cargo xtask bench`.
import { chromium } from 'playwright-core';

const [url, file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  timeout: 60_000,
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(600_000);
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(new URL('bench.html', url).href);
  await page.waitForFunction(() => window.benchReady === true);
  const best = {};
  const modes = ['wasm', 'wasm-1', 'js-fast', 'js'];
  for (let i = 0; i < runs; i++) {
    for (const mode of modes) {
      const r = await page.evaluate(([m, f]) => window.runBench(m, f), [mode, file]);
      const mbs = r.bytes / 1e6 / (r.ms / 1000);
      console.log(`${mode.padEnd(8)} run ${i + 1}: ${(r.ms / 1000).toFixed(3)} s  ${mbs.toFixed(0)} MB/s  `
        + `read ${r.read}, accepted ${r.accepted}, rejected ${r.rejected}; main thread longest gap ${r.longestMainThreadGapMs} ms`
        + (r.byHelper != null ? `; blocks by the helper worker ${r.byHelper}` : '')
        + (r.stats ? `; ms ${JSON.stringify(r.stats)}` : ''));
      if (!best[mode] || r.ms < best[mode].ms) best[mode] = r;
    }
  }
  const w = best.wasm.ms;
  console.log(`best of ${runs}: WASM ${(w / 1000).toFixed(3)} s (one worker: ${(best['wasm-1'].ms / 1000).toFixed(3)} s); PapaParse fastMode + JS ${(best['js-fast'].ms / 1000).toFixed(3)} s `
    + `(${(best['js-fast'].ms / w).toFixed(1)}x); PapaParse (quote-aware) + JS ${(best.js.ms / 1000).toFixed(3)} s (${(best.js.ms / w).toFixed(1)}x)`);
  console.log(`file: ${(best.wasm.bytes / 1e6).toFixed(1)} MB, ${best.wasm.read} rows`);
} finally {
  await browser.close();
}
