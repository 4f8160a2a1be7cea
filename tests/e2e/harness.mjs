// Shared browser-launch helper for the e2e tests (`node --test tests/e2e/`).
//
//   import { launch, newPage, url, axeCheck, watchErrors } from './harness.mjs';
//   const browser = await launch();
//   const page = await newPage(browser);          // own context; axe needs that
//   const errors = watchErrors(page);
//   await page.goto(url('respond.html'));
//   assert.deepEqual(await axeCheck(page), []);
//   assert.deepEqual(errors, []);
//   await browser.close();
//
// `cargo xtask test` serves target/www/ (www/, minified) in-process and sets KAOPING_URL and CHROMIUM.
// Run by hand: `cargo xtask serve` in one shell, then
//   KAOPING_URL=http://127.0.0.1:8080/ node --test tests/e2e/
// Never `npx playwright install`: we use the system Chromium (Debian's `chromium`).

import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

/**
 * The site path of a build's JS glue (`kind` 'js') or WASM ('wasm') under the name the build
 * gave it by its content (xtask/src/hashed.rs), from build.json: `dir` 'pkg' gives e.g.
 * `pkg/kaoping_wasm_bg.0123456789ab.wasm`.
 */
export async function engineFile(dir, kind) {
  const { files } = await (await fetch(url('build.json'))).json();
  const name = new RegExp(`^${dir}/kaoping_wasm${kind === 'wasm' ? '_bg' : ''}\\.[0-9a-f]{12}\\.${kind}$`);
  const found = Object.keys(files).filter((p) => name.test(p));
  if (found.length !== 1) throw new Error(`build.json lists ${found.length} files like ${name}: ${found}`);
  return found[0];
}

/**
 * Where the in-process server stores `POST /api/responses` bodies (`<n>.json`), so tests can
 * check that a submission arrived. Set by `cargo xtask test`.
 */
export const RECEIVED_DIR = process.env.KAOPING_RECEIVED_DIR;

/** The served front end, e.g. `http://127.0.0.1:8080/` (always ends with `/`). */
export const BASE = process.env.KAOPING_URL;

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** The flags every launch passes; a test that needs one more passes `args: [...ARGS, flag]`. */
export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/**
 * A headless Chromium (playwright-core `Browser`). Each launch gets a fresh temporary
 * profile (`--user-data-dir`, created and deleted by playwright), so service workers,
 * storage and caches never leak between test files.
 */
export async function launch(options = {}) {
  if (!BASE) {
    throw new Error('KAOPING_URL is not set: run through `cargo xtask test`, or start ' +
      '`cargo xtask serve` and set KAOPING_URL=http://127.0.0.1:8080/');
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timeout: 60_000,
    ...options,
  });
}

/** `new URL(path, BASE).href`. */
export function url(path = '') {
  return new URL(path, BASE).href;
}

/**
 * A page in its own fresh context (what axe needs: it opens a helper page in the same
 * context, which `browser.newPage()` pages cannot do). Close it with `page.context().close()`.
 */
export async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  return context.newPage();
}

/** Accessibility violations (WCAG 2.0/2.1 A and AA) on the page as it is now; tests assert `[]`. */
export async function axeCheck(page) {
  const builder = () => new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  let results;
  try {
    results = await builder().analyze();
  } catch (e) {
    // Pages from `browser.newPage()` cannot open axe's helper page: run axe in the page itself.
    if (!/browser\.newContext/.test(String(e?.message))) throw e;
    results = await builder().setLegacyMode(true).analyze();
  }
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
}

/**
 * Collects uncaught page errors, console errors (including CSP violations and failed
 * module loads) and failed requests into the returned array, as strings. Chromium's
 * automatic `/favicon.ico` request is ignored (pages can avoid it with
 * `<link rel="icon" href="data:,">`, allowed by the CSP's `img-src data:`).
 */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if ((m.location()?.url || '').endsWith('/favicon.ico')) return;
    errors.push(`console: ${m.text()} (${m.location()?.url || 'no location'})`);
  });
  page.on('requestfailed', (r) => {
    errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  return errors;
}

/**
 * The port of the "portal" a cross-origin test serves itself (http://localhost:PORT, another
 * origin than the app's http://127.0.0.1:…). `cargo xtask test` picks it and starts the app's
 * server with that origin allowed (--frame-ancestors, --cors-origin). By hand:
 *   cargo xtask serve --no-build --port 8471 --frame-ancestors http://localhost:8472 \
 *     --cors-origin http://localhost:8472
 *   KAOPING_URL=http://127.0.0.1:8471/ KAOPING_PORTAL_PORT=8472 node --test tests/e2e/crossorigin.test.mjs
 */
export const PORTAL_PORT = process.env.KAOPING_PORTAL_PORT;

/**
 * A tiny static server on 127.0.0.1:`port` for a test's own pages: `files` maps a path
 * (`/`, `/portal.js`) to `{type, body, headers}`. Resolves to the `http.Server`; close it with
 * `server.close()`.
 */
export async function serveFiles(port, files) {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const file = files[new URL(req.url, 'http://x').pathname];
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-cache', ...file.headers }).end(file.body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), '127.0.0.1', resolve);
  });
  return server;
}
