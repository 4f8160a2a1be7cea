// The package in the frameworks portals use (issue 20): a React and a Vue host app
// (tests/e2e/hosts/), bundled here with esbuild from npm (react, react-dom and vue are dev
// dependencies: nothing from a CDN, nothing fetched at run time from another host), on a portal
// of their own origin with a strict CSP, with the tarball of `cargo xtask package` installed
// and served as it is. Each app binds the element's attributes from its state and listens to
// its events; the form mounts, follows a language switch made in the app's state, and its
// submission reaches the app's handler and the endpoint on a third origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { launch, watchErrors, axeCheck } from './harness.mjs';
import { installPackage, servePortal, serveEndpoint, strictCsp, until } from './package-lib.mjs';
import { fillPublic } from './demo-fill.mjs';

const HOSTS = join(import.meta.dirname, 'hosts');

/** The app's bundle: one minified ES module, production builds of the framework. */
async function bundle(entry) {
  const out = await build({
    entryPoints: [join(HOSTS, entry)],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    jsx: 'automatic',
    logLevel: 'warning',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  });
  return out.outputFiles[0].contents;
}

function hostPage(name, endpoint, app) {
  const html = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${name} 门户</title>
  <link rel="icon" href="data:,">
  <script type="module" src="/kaoping/js/embed.js"></script>
  <script type="module" src="/app.js"></script>
</head>
<body>
  <div id="app" data-endpoint="${endpoint}"></div>
</body>
</html>`;
  return {
    '/': { type: 'text/html; charset=utf-8', body: html },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: app },
  };
}

for (const [name, entry, prefix] of [['React', 'react.jsx', 'react'], ['Vue', 'vue.js', 'vue']]) {
  test(`portal frameworks: ${name} renders <kaoping-form>, binds its attributes and receives its events`, async () => {
    const app = await bundle(entry);
    const { dir, pkg } = await installPackage();
    const browser = await launch();
    const servers = [];
    try {
      const pages = {};
      const headers = {};
      const portal = await servePortal({ pages, headers, dirs: { '/kaoping/': pkg } });
      servers.push(portal.server);
      const endpoint = await serveEndpoint(portal.origin);
      servers.push(endpoint.server);
      Object.assign(pages, hostPage(name, endpoint.url, app));
      headers['Content-Security-Policy'] = strictCsp({ connect: [endpoint.origin], frames: "'none'" });

      const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
      const errors = watchErrors(page);
      const hosts = new Set();
      page.on('request', (r) => hosts.add(new URL(r.url()).origin));
      await page.goto(`${portal.origin}/`);
      const form = page.locator('kaoping-form');
      await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
      await page.locator('#state').getByText(`${prefix}: ready`).waitFor();

      // The app's state drives the element's attribute: the form redraws in English and back.
      await page.locator('#switch').click();
      await form.getByRole('heading', { level: 1, name: 'Wuhan 2026 public satisfaction survey' }).waitFor();
      assert.equal(await form.getAttribute('lang'), 'en');
      await page.locator('#switch').click();
      await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
      assert.equal(await form.getAttribute('instrument'), 'public');
      assert.equal(await form.getAttribute('endpoint'), endpoint.url);

      // A submission reaches the framework's handler and the endpoint on the third origin.
      await fillPublic(form);
      const item = page.locator('#received li', { hasText: `${prefix} submit` });
      await item.waitFor();
      const sum = (await item.textContent()).split(' ').pop();
      assert.match(sum, /^[0-9a-f]{64}$/);
      assert.ok(await until(() => endpoint.received.length > 0), 'the endpoint received the record');
      assert.deepEqual(endpoint.received.map((r) => r.record.checksum), [sum]);
      assert.equal(await page.locator('#received li').count(), 1, 'the handler ran once');

      // Offline-capable: the page, the bundle and kaoping's files all came from the portal.
      assert.deepEqual([...hosts].filter((h) => h.startsWith('http')).sort(), [endpoint.origin, portal.origin].sort());
      assert.deepEqual(errors, [], 'no CSP, CORS or script errors');
      assert.deepEqual(await axeCheck(page), []);
    } finally {
      await browser.close();
      for (const s of servers) s.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
