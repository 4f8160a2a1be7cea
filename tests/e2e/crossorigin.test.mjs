// Embedding across origins, under the headers of docs/deploy.md: the portal at
// http://localhost:PORTAL_PORT (served here), kaoping at KAOPING_URL's port under the name
// localhost: another origin (the port differs) but the same site, as a portal at
// www.example.gov.cn and kaoping at kaoping.example.gov.cn are. (A cross-site iframe gets no
// storage where the browser blocks third-party storage, as headless Chromium does: the draft and
// outbox cannot be kept there; docs/deploy.md says so.) The app's server allows the portal
// (`--frame-ancestors`, `--cors-origin`; `cargo xtask test` starts it so). The portal sends its
// own strict CSP that names kaoping's origin, as the recipe tells a portal to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { launch, url, watchErrors, axeCheck, serveFiles, PORTAL_PORT, RECEIVED_DIR } from './harness.mjs';
import { fillCadre, fillPublic } from './demo-fill.mjs';

const app = new URL(url(''));
app.hostname = 'localhost';
const KAOPING = app.origin;

function portalFiles(portal) {
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${KAOPING} 'wasm-unsafe-eval'`,
    `style-src 'self' ${KAOPING}`,
    `connect-src 'self' ${KAOPING}`,
    `frame-src ${KAOPING}`,
    "img-src 'self' data:",
  ].join('; ');
  const frameSrc = `${KAOPING}/embed.html?instrument=cadre&lang=zh-CN&endpoint=api/responses&origin=${encodeURIComponent(portal)}`;
  const html = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>门户（另一来源）</title>
  <link rel="icon" href="data:,">
  <script type="module" src="${KAOPING}/js/embed.js"></script>
  <script type="module" src="/portal.js"></script>
</head>
<body>
  <main>
    <h1>门户</h1>
    <kaoping-form instrument="public" lang="zh-CN" endpoint="${KAOPING}/api/responses"></kaoping-form>
    <iframe id="frame" title="领导班子和领导干部年度考评表" src="${frameSrc.replace(/&/g, '&amp;')}"></iframe>
    <ol id="log" aria-live="polite"></ol>
  </main>
</body>
</html>`;
  const js = `const log = document.getElementById('log');
const frame = document.getElementById('frame');
const note = (text) => log.append(Object.assign(document.createElement('li'), { textContent: text }));
document.addEventListener('kaoping-ready', () => note('element ready'));
document.addEventListener('kaoping-submit', (e) => note('element submit ' + e.detail.checksum));
window.addEventListener('message', (e) => {
  if (e.origin !== ${JSON.stringify(KAOPING)} || e.source !== frame.contentWindow) return;
  const msg = e.data || {};
  if (msg.type === 'kaoping-ready') note('frame ready');
  if (msg.type === 'kaoping-resize') frame.style.height = Math.min(msg.height + 20, 4000) + 'px';
  if (msg.type === 'kaoping-submit') note('frame submit ' + msg.record.checksum);
});
`;
  const headers = { 'Content-Security-Policy': csp };
  return {
    '/': { type: 'text/html; charset=utf-8', body: html, headers },
    '/portal.js': { type: 'text/javascript; charset=utf-8', body: js, headers },
  };
}

/** The checksums of the records the app's server stored that were not in `before`. */
async function arrived(before) {
  const added = (await readdir(RECEIVED_DIR)).filter((f) => !before.has(f));
  return Promise.all(added.map(async (f) => JSON.parse(await readFile(`${RECEIVED_DIR}/${f}`, 'utf8')).checksum));
}

function needPortal() {
  assert.ok(PORTAL_PORT, 'KAOPING_PORTAL_PORT is not set: run through `cargo xtask test`, or see PORTAL_PORT in harness.mjs');
  assert.ok(RECEIVED_DIR, 'KAOPING_RECEIVED_DIR is not set');
}

test('cross-origin: the custom element and the iframe draw, deliver and message the portal', async () => {
  needPortal();
  const portal = `http://localhost:${PORTAL_PORT}`;
  const server = await serveFiles(PORTAL_PORT, portalFiles(portal));
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const errors = watchErrors(page);
    const fromKaoping = [];
    page.on('response', (r) => {
      if (r.url().startsWith(KAOPING)) fromKaoping.push(r);
    });
    const before = new Set(await readdir(RECEIVED_DIR).catch(() => []));
    await page.goto(`${portal}/`);
    const form = page.locator('kaoping-form');
    await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    await page.locator('#log').getByText('element ready').waitFor();
    await page.locator('#log').getByText('frame ready').waitFor();

    // What made it work: the app's answers to the portal's origin, for the custom element's
    // requests (the portal's own frame; the iframe loads the same files from its own origin,
    // and which of the two comes first is a race).
    const mine = (r) => {
      try {
        return r.frame() === page.mainFrame();
      } catch {
        return false; // a service worker's request has no frame
      }
    };
    const glue = fromKaoping.find((r) => mine(r) && /\/pkg\/kaoping_wasm\.[0-9a-f]{12}\.js$/.test(r.url()));
    const wasm = fromKaoping.find((r) => mine(r) && /\/pkg\/kaoping_wasm_bg\.[0-9a-f]{12}\.wasm$/.test(r.url()));
    const embed = fromKaoping.find((r) => r.url().includes('/embed.html'));
    for (const r of [glue, wasm]) {
      assert.equal(r?.headers()['access-control-allow-origin'], portal, r?.url());
      assert.match(r.headers().vary ?? '', /Origin/);
    }
    assert.equal(wasm.headers()['content-type'], 'application/wasm');
    assert.match(embed.headers()['content-security-policy'], new RegExp(`frame-ancestors 'self' ${portal}(;|$)`));
    assert.deepEqual(errors, [], 'no CSP, CORS or script errors');
    assert.deepEqual(await axeCheck(page), []);
    // axe-core applies an inline style inside the iframe while it analyses it, which the CSP
    // (rightly) blocks and reports; that report is the test tool's, not the app's.
    errors.length = 0;

    // The custom element: the public survey, POSTed across origins (with a preflight).
    await fillPublic(form, { submit: false });
    const posted = page.waitForResponse((r) => r.url() === `${KAOPING}/api/responses` && r.request().method() === 'POST');
    await form.getByRole('button', { name: '提交问卷' }).click();
    const elementItem = page.locator('#log li', { hasText: 'element submit' });
    await elementItem.waitFor();
    const elementSum = (await elementItem.textContent()).split(' ').pop();
    const post = await posted;
    assert.equal(post.status(), 201);
    assert.equal(post.headers()['access-control-allow-origin'], portal);

    // The iframe: the cadre appraisal; the record goes to the portal by postMessage and to the
    // app's own endpoint (same origin as the frame).
    const frame = page.frameLocator('#frame');
    await fillCadre(frame);
    const frameItem = page.locator('#log li', { hasText: 'frame submit' });
    await frameItem.waitFor();
    const frameSum = (await frameItem.textContent()).split(' ').pop();
    assert.match(frameSum, /^[0-9a-f]{64}$/);

    // Both records arrived at the app's server, once each.
    let got = [];
    for (let i = 0; i < 50 && !(got.includes(elementSum) && got.includes(frameSum)); i++) {
      await new Promise((r) => setTimeout(r, 200));
      got = await arrived(before);
    }
    assert.equal(got.filter((s) => s === elementSum).length, 1, 'the element record arrived once');
    assert.equal(got.filter((s) => s === frameSum).length, 1, 'the iframe record arrived once');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('cross-origin: a portal origin that is not allowed gets neither the script nor the frame', async () => {
  needPortal();
  // The same port under 127.0.0.1: another origin (and site), on none of the lists.
  const portal = `http://127.0.0.1:${PORTAL_PORT}`;
  const server = await serveFiles(PORTAL_PORT, portalFiles(portal));
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const blocked = page.waitForEvent('console', (m) => /frame-ancestors/.test(m.text()));
    await page.goto(`${portal}/`);
    await blocked;
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('#log li').count(), 0, 'neither embed came up');
    assert.equal(await page.locator('kaoping-form').evaluate((el) => el.shadowRoot), null, 'embed.js did not run');
    assert.ok(errors.some((e) => /CORS|Access-Control-Allow-Origin/.test(e)), errors.join('\n'));
  } finally {
    await browser.close();
    server.close();
  }
});
