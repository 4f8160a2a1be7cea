// The npm package on a portal of its own (issue 20): the tarball of `cargo xtask package`
// installed into a fresh project as a portal developer installs it (offline, from the file),
// its files served as they are by the portal's own server under /kaoping/, on the portal's
// own origin with its own strict CSP (scripts from itself only, 'wasm-unsafe-eval', no
// 'unsafe-inline'). The portal embeds the custom element and the iframe page; the element's
// record goes to an endpoint on a third origin that answers with the CORS headers docs/embed.md
// documents, the iframe's to the portal's own endpoint. Then the static bundle
// (dist/kaoping-VERSION/) from a static host on another origin, loaded with the integrity its
// integrity.json lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, watchErrors, axeCheck } from './harness.mjs';
import {
  PACKAGE_DIR, installPackage, servePortal, serveEndpoint, strictCsp, until,
} from './package-lib.mjs';
import { fillCadre, fillPublic } from './demo-fill.mjs';

/** The portal's page and script: the element (records to `endpoint`) and the iframe. */
function portalPages({ origin, endpoint, embedScript, integrity, portal = false }) {
  const frameSrc = `/kaoping/embed.html?instrument=cadre&lang=zh-CN&endpoint=/api/responses&origin=${encodeURIComponent(origin)}`;
  const sri = integrity ? ` integrity="${integrity}" crossorigin="anonymous"` : '';
  const html = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>门户 · 安装的包</title>
  <link rel="icon" href="data:,">
  <script type="module" src="${embedScript}"${sri}></script>
  <script type="module" src="/portal.js"></script>${portal ? '\n  <link rel="stylesheet" href="/portal.css">' : ''}
</head>
<body>
  <main>
    <h1>门户</h1>
    <kaoping-form instrument="public" lang="zh-CN" endpoint="${endpoint}"${portal ? ` prefill='{"district": "hanyang"}'` : ''}></kaoping-form>
    <iframe id="frame" title="领导班子和领导干部年度考评表" src="${frameSrc.replace(/&/g, '&amp;')}"></iframe>
    <ol id="log" aria-live="polite"></ol>
  </main>
</body>
</html>`;
  const js = `const log = document.getElementById('log');
const frame = document.getElementById('frame');
const note = (text) => log.append(Object.assign(document.createElement('li'), { textContent: text }));
document.querySelector('kaoping-form').addEventListener('kaoping-ready', () => note('element ready'));
document.querySelector('kaoping-form').addEventListener('kaoping-submit', (e) => note('element submit ' + e.detail.checksum));
window.addEventListener('message', (e) => {
  if (e.origin !== location.origin || e.source !== frame.contentWindow) return;
  const msg = e.data || {};
  if (msg.type === 'kaoping-ready') note('frame ready');
  if (msg.type === 'kaoping-resize') frame.style.height = Math.min(msg.height + 20, 4000) + 'px';
  if (msg.type === 'kaoping-submit') note('frame submit ' + msg.record.checksum);
});
` + (portal ? `const el = document.querySelector('kaoping-form');
customElements.whenDefined('kaoping-form').then(() => el.setDeliveryHeaders({ authorization: 'Bearer portal-token' }));
let changes = 0;
el.addEventListener('kaoping-change', () => { changes += 1; el.dataset.changes = String(changes); });
el.addEventListener('kaoping-progress', (e) => { el.dataset.progress = e.detail.answered + '/' + e.detail.total; });
el.addEventListener('kaoping-delivered', (e) => note('element delivered ' + e.detail.checksum));
` : '');
  return {
    '/': { type: 'text/html; charset=utf-8', body: html },
    '/portal.js': { type: 'text/javascript; charset=utf-8', body: js },
    // The portal's theme: its own colour for the element's main buttons.
    '/portal.css': { type: 'text/css; charset=utf-8', body: 'kaoping-form { --kaoping-primary: #0b3d91; --kaoping-on-primary: #ffffff; }\n' },
  };
}

/** The checksum in the log line starting with `what`, once it is there. */
async function logged(page, what) {
  const item = page.locator('#log li', { hasText: what });
  await item.waitFor();
  return (await item.textContent()).split(' ').pop();
}

/** Draw, fill and submit both embeds on the portal at `portal.origin`; returns both checksums. */
async function submitBoth(page, portal) {
  await page.goto(`${portal.origin}/`);
  const form = page.locator('kaoping-form');
  await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
  await page.locator('#log').getByText('element ready').waitFor();
  await page.locator('#log').getByText('frame ready').waitFor();
  await fillPublic(form);
  const element = await logged(page, 'element submit');
  await fillCadre(page.frameLocator('#frame'));
  const frame = await logged(page, 'frame submit');
  assert.match(element, /^[0-9a-f]{64}$/);
  assert.match(frame, /^[0-9a-f]{64}$/);
  return { element, frame };
}

test('portal package: installed from the tarball, the element and the iframe work under a strict CSP', async () => {
  const { dir, pkg, manifest } = await installPackage();
  const browser = await launch();
  const servers = [];
  try {
    // What the package says of itself, as a portal's tooling reads it.
    assert.equal(manifest.name, '@kaoping/embed');
    assert.equal(manifest.exports['.'].default, './js/embed.js');
    assert.match(manifest.types, /\.d\.ts$/);
    assert.ok((await readFile(join(pkg, manifest.types.slice(2)), 'utf8')).length > 0, 'the types entry exists');
    const readme = await readFile(join(pkg, 'README.md'), 'utf8');
    for (const needed of ["'wasm-unsafe-eval'", 'Access-Control-Allow-Origin', 'Idempotency-Key', 'frame-ancestors', 'connect-src']) {
      assert.ok(readme.includes(needed), `the README documents ${needed}`);
    }
    // One WASM, the forms build, named by its content as the built site names it.
    const wasms = (await readdir(join(pkg, 'pkg'))).filter((f) => f.endsWith('.wasm'));
    assert.equal(wasms.length, 1, wasms.join());
    assert.match(wasms[0], /^kaoping_wasm_bg\.[0-9a-f]{12}\.wasm$/);

    // The portal's origin is known once it listens; its pages and CSP name the endpoint's.
    const pages = {};
    const headers = {};
    const portal = await servePortal({ pages, headers, dirs: { '/kaoping/': pkg } });
    servers.push(portal.server);
    // The portal sends its own auth header with each record (setDeliveryHeaders), so its
    // endpoint allows it, as docs/embed.md says.
    const endpoint = await serveEndpoint(portal.origin, { allowHeaders: 'Content-Type, Idempotency-Key, Authorization' });
    servers.push(endpoint.server);
    Object.assign(pages, portalPages({ origin: portal.origin, endpoint: endpoint.url, embedScript: '/kaoping/js/embed.js', portal: true }));
    headers['Content-Security-Policy'] = strictCsp({ connect: [endpoint.origin] });

    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const errors = watchErrors(page);
    const hosts = new Set();
    page.on('request', (r) => hosts.add(new URL(r.url()).origin));
    // The portal's theme reaches inside the element (an inherited custom property).
    await page.goto(`${portal.origin}/`);
    await page.locator('kaoping-form').getByRole('heading', { level: 1 }).waitFor();
    const primary = await page.evaluate(() => {
      const button = document.querySelector('kaoping-form').shadowRoot.querySelector('[part~="primary"]');
      return button && getComputedStyle(button).backgroundColor;
    });
    assert.equal(primary, 'rgb(11, 61, 145)', 'the portal\'s --kaoping-primary is used');
    // The prefilled district shows as chosen.
    assert.equal(await page.locator('kaoping-form').getByLabel('汉阳区', { exact: true }).isChecked(), true);
    const sums = await submitBoth(page, portal);
    assert.deepEqual(errors, [], 'no CSP, CORS or script errors');
    // The element's events reached the portal's own script.
    assert.equal(await logged(page, 'element delivered'), sums.element);
    const data = await page.locator('kaoping-form').evaluate((el) => ({ ...el.dataset }));
    assert.ok(Number(data.changes) >= 4, `changes: ${data.changes}`);
    assert.match(data.progress, /^\d+\/\d+$/);

    // The element's record reached the third origin, after the preflight the README describes.
    assert.ok(await until(() => endpoint.received.length > 0), 'the endpoint received the record');
    assert.deepEqual(endpoint.received.map((r) => r.record.checksum), [sums.element]);
    assert.equal(endpoint.received[0].idempotencyKey, sums.element);
    assert.equal(endpoint.received[0].authorization, 'Bearer portal-token', 'the portal\'s auth header');
    assert.deepEqual(endpoint.received[0].record.prefilled, ['district'], 'the record names the prefilled answer');
    assert.equal(endpoint.received[0].origin, portal.origin);
    assert.equal(endpoint.preflights[0]?.method, 'POST');
    assert.deepEqual(endpoint.preflights[0].headers.split(',').map((h) => h.trim()).sort(), ['authorization', 'content-type', 'idempotency-key']);
    // The iframe's record reached the portal's own endpoint.
    assert.ok(await until(() => portal.received.length > 0), 'the portal received the iframe record');
    assert.deepEqual(portal.received.map((r) => r.checksum), [sums.frame]);
    // Everything came from the portal (the installed files) but the record sent to the endpoint.
    assert.deepEqual([...hosts].filter((h) => h.startsWith('http')).sort(), [endpoint.origin, portal.origin].sort());
    assert.ok(portal.requests.includes(`GET /kaoping/pkg/${wasms[0]}`), 'the WASM came from the installed package');
    // The iframe page works offline from the installed files too: its service worker installed
    // (the respondent's shell it caches is in the package) with the package's folder as scope.
    const framed = page.frames().find((f) => f.url().includes('/kaoping/embed.html'));
    const scope = await framed.evaluate(() => Promise.race([
      navigator.serviceWorker.ready.then((r) => r.scope),
      new Promise((resolve) => setTimeout(() => resolve('not ready'), 15_000)),
    ]));
    assert.equal(scope, `${portal.origin}/kaoping/`);
    assert.deepEqual(await axeCheck(page), []);
  } finally {
    await browser.close();
    for (const s of servers) s.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('portal package: the static bundle from another origin, loaded with its SRI hash', async () => {
  const dists = (await readdir(join(PACKAGE_DIR, 'dist')).catch(() => [])).filter((d) => d.startsWith('kaoping-'));
  assert.equal(dists.length, 1, `one bundle in ${PACKAGE_DIR}/dist: run \`cargo xtask package\``);
  const dist = join(PACKAGE_DIR, 'dist', dists[0]);
  const { files } = JSON.parse(await readFile(join(dist, 'integrity.json'), 'utf8'));
  const readme = await readFile(join(dist, 'README.md'), 'utf8');
  assert.ok(readme.includes(`integrity="${files['js/embed.js']}"`), 'the README has the script line with its hash');
  const browser = await launch();
  const servers = [];
  try {
    const pages = {};
    const headers = {};
    const cors = {};
    const portal = await servePortal({ pages, headers });
    servers.push(portal.server);
    // The static host answers the portal's CORS requests, as docs/embed.md says it must.
    const host = await servePortal({ dirs: { '/': dist }, headers: cors, host: '127.0.0.1' });
    servers.push(host.server);
    Object.assign(cors, { 'Access-Control-Allow-Origin': portal.origin, Vary: 'Origin' });
    const endpoint = await serveEndpoint(portal.origin);
    servers.push(endpoint.server);
    headers['Content-Security-Policy'] = strictCsp({
      scripts: `'self' ${host.origin}`,
      styles: `'self' ${host.origin}`,
      connect: [host.origin, endpoint.origin],
    });
    const elementOnly = (integrity) => {
      const all = portalPages({ origin: portal.origin, endpoint: endpoint.url, embedScript: `${host.origin}/js/embed.js`, integrity });
      all['/'].body = all['/'].body.replace(/\s*<iframe[^>]*><\/iframe>/, '');
      all['/portal.js'].body = all['/portal.js'].body.replace(/\nwindow\.addEventListener[\s\S]*$/, '\n');
      return all;
    };

    // A tampered hash: the browser refuses the script, so nothing is drawn.
    Object.assign(pages, elementOnly(files['js/embed.js'].replace(/^sha384-./, (m) => (m.endsWith('A') ? 'sha384-B' : 'sha384-A'))));
    const refused = await browser.newPage();
    const refusedErrors = watchErrors(refused);
    await refused.goto(`${portal.origin}/`);
    await until(() => refusedErrors.some((e) => /integrity/i.test(e)), 5000);
    assert.ok(refusedErrors.some((e) => /integrity/i.test(e)), refusedErrors.join('\n'));
    assert.equal(await refused.evaluate(() => customElements.get('kaoping-form')), undefined);
    await refused.close();

    // The listed hash: the element draws, and its record goes to the endpoint.
    Object.assign(pages, elementOnly(files['js/embed.js']));
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${portal.origin}/`);
    const form = page.locator('kaoping-form');
    await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    await page.locator('#log').getByText('element ready').waitFor();
    await fillPublic(form);
    const sum = await logged(page, 'element submit');
    assert.ok(await until(() => endpoint.received.length > 0), 'the endpoint received the record');
    assert.deepEqual(endpoint.received.map((r) => r.record.checksum), [sum]);
    assert.ok(host.requests.some((r) => /^GET \/pkg\/kaoping_wasm_bg\.[0-9a-f]{12}\.wasm$/.test(r)), 'the WASM came from the static host');
    assert.deepEqual(errors, [], 'no CSP, CORS or script errors');
  } finally {
    await browser.close();
    for (const s of servers) s.close();
  }
});
