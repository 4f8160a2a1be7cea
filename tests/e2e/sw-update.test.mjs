// An app update with a draft open: the new build installs in the background, the page offers it
// and does not reload by itself; the draft stays; after the click the page runs the new build
// (its cache, the old one gone) and the JS glue and the WASM it gets are both that build's.
// A "new build" is made here from the served one: the glue gets a trailing comment, and sw.js
// is stamped as `cargo xtask build-web` does (new hash, the glue's new digest). The page talks
// to a small proxy in front of the app's server that can answer those two files differently
// (target/www/ on disk is never touched; Playwright's routes do not see a worker's update check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { launch, url, axeCheck, watchErrors, engineFile } from './harness.mjs';

// The forms build's glue and WASM, under the names the build gave them by content. A "new
// build" here changes the glue's bytes under the same name: the worker must still tell them
// apart by digest (a deploy that overwrote a file, or a proxy that served a stale one).
const GLUE = await engineFile('pkg', 'js');
const WASM = await engineFile('pkg', 'wasm');

/**
 * A proxy on a free 127.0.0.1 port to KAOPING_URL; `override[path]` answers that path instead
 * (a string: JavaScript; or `{type, body}`).
 */
async function proxy(override) {
  const upstream = new URL(url(''));
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const own = override[path];
    if (own !== undefined) {
      const { type, body } = typeof own === 'string' ? { type: 'text/javascript; charset=utf-8', body: own } : own;
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' }).end(body);
      return;
    }
    const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, at: (p = '') => `http://127.0.0.1:${server.address().port}/${p}` };
}

const digest = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);

/** The served sw.js split into its build line ({hash, shell}) and the worker's code. */
async function servedWorker() {
  const text = await (await fetch(url('sw.js'))).text();
  const [first, ...rest] = text.split('\n');
  const m = /^self\.KAOPING_BUILD=(.*);$/.exec(first);
  assert.ok(m, `sw.js starts with the build line: ${first.slice(0, 80)}`);
  return { build: JSON.parse(m[1]), code: rest.join('\n') };
}

/** A new build: `glue` replaces the forms build's glue; `claimed` is the digest sw.js states for it. */
function stamp(worker, name, glue, claimed = digest(glue)) {
  const shell = { ...worker.build.shell, [GLUE]: claimed };
  const hash = createHash('sha256').update(`${worker.build.hash} ${name}`).digest('hex').slice(0, 12);
  return { hash, text: `self.KAOPING_BUILD=${JSON.stringify({ hash, shell })};\n${worker.code}` };
}

/** In the page: the cache names, and the digests of the glue and WASM the page is served now. */
function inPage(page) {
  return page.evaluate(async ([gluePath, wasmPath]) => {
    const hex = async (res) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', await res.arrayBuffer())).subarray(0, 6),
      (b) => b.toString(16).padStart(2, '0')).join('');
    const glue = await fetch(gluePath);
    const wasm = await fetch(wasmPath);
    return {
      caches: (await caches.keys()).filter((k) => k.startsWith('kaoping-build-')).sort(),
      glueText: await glue.clone().text(),
      glue: await hex(glue),
      wasm: await hex(wasm),
    };
  }, [GLUE, WASM]);
}

test('sw update: offered with a draft open, applied on click, one build in use', async () => {
  const override = {};
  const px = await proxy(override);
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(px.at('respond.html'));
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
    const a = await servedWorker();
    const glueA = await (await fetch(url(GLUE))).text();
    const before = await inPage(page);
    assert.deepEqual(before.caches, [`kaoping-build-${a.build.hash}`]);
    assert.equal(before.glue, a.build.shell[GLUE]);
    assert.equal(before.wasm, a.build.shell[WASM]);

    // A draft: one answer (saved on change), and a mark that is gone if the page reloads.
    await page.getByLabel('武昌区', { exact: true }).check();
    await page.evaluate(() => { window.sameDocument = true; });

    // Build B appears on the server.
    const glueB = `${glueA}\n// build B\n`;
    const b = stamp(a, 'B', glueB);
    Object.assign(override, { '/sw.js': b.text, [`/${GLUE}`]: glueB });
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));

    const notice = page.getByRole('status').filter({ hasText: '新版本可用。' });
    await notice.waitFor({ timeout: 15000 });
    await page.waitForTimeout(1000);
    assert.ok(await page.evaluate(() => window.sameDocument), 'the page did not reload by itself');
    assert.ok(await page.getByLabel('武昌区', { exact: true }).isChecked(), 'the draft is on the page');
    const waiting = await inPage(page);
    assert.deepEqual(waiting.caches, [`kaoping-build-${a.build.hash}`, `kaoping-build-${b.hash}`].sort(),
      'B is cached whole beside A');
    assert.equal(waiting.glue, a.build.shell[GLUE], 'the page still gets build A');
    assert.deepEqual(await axeCheck(page), []);
    // In English too, following the page's language switch.
    await page.locator('#lang-switch').click();
    await page.getByRole('status').filter({ hasText: 'A new version is available.' })
      .getByRole('button', { name: 'Update and reload' }).waitFor();
    await page.locator('#lang-switch').click();

    // The click: the page reloads into build B; the draft comes back from storage.
    const reloaded = page.waitForEvent('load');
    await notice.getByRole('button', { name: '更新并重新加载' }).click();
    await reloaded;
    await page.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    assert.equal(await page.evaluate(() => window.sameDocument), undefined, 'reloaded');
    assert.ok(await page.getByLabel('武昌区', { exact: true }).isChecked(), 'the draft survived the update');
    const after = await inPage(page);
    assert.deepEqual(after.caches, [`kaoping-build-${b.hash}`], 'A\'s cache is gone');
    assert.ok(after.glueText.endsWith('// build B\n'), 'the glue is B\'s');
    assert.equal(after.glue, digest(glueB));
    assert.equal(after.wasm, a.build.shell[WASM], 'the WASM is B\'s (unchanged)');
    assert.equal(await page.getByRole('status').filter({ hasText: '新版本可用。' }).count(), 0);

    // Build C whose glue on the server is not the one its sw.js names (a deploy mid-install):
    // the install fails, nothing is offered, B stays whole.
    const c = stamp(a, 'C', `${glueA}\n// build C\n`, digest(`${glueA}\n// build C, other bytes\n`));
    Object.assign(override, { '/sw.js': c.text, [`/${GLUE}`]: `${glueA}\n// build C\n` });
    const state = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      await reg.update().catch(() => {});
      const w = reg.installing;
      if (!w) return 'no install';
      if (w.state !== 'installing') return w.state;
      return new Promise((resolve) => w.addEventListener('statechange', () => resolve(w.state)));
    });
    assert.equal(state, 'redundant', 'the mixed build is not installed');
    await page.waitForTimeout(500);
    assert.equal(await page.getByRole('status').filter({ hasText: '新版本可用。' }).count(), 0);
    assert.deepEqual((await inPage(page)).caches, [`kaoping-build-${b.hash}`]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    px.server.close();
  }
});

test('a plan from ?plan= is network first, and its last copy serves offline', async () => {
  const demo = JSON.parse(await readFile(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8'));
  const titled = (title) => {
    const plan = structuredClone(demo);
    plan.instruments.find((i) => i.id === 'public').title['zh-CN'] = title;
    return { type: 'application/json', body: JSON.stringify(plan) };
  };
  const override = { '/plans/test.json': titled('调查（第一版）') };
  const px = await proxy(override);
  const browser = await launch();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(px.at('respond.html?plan=plans/test.json'));
    await page.getByRole('heading', { level: 1, name: '调查（第一版）' }).waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
    // The plan was loaded before the worker took over: the page asked it to keep it.
    await page.waitForFunction(async () => (await (await caches.open('kaoping-data')).keys()).length > 0, null, { timeout: 15000 });

    override['/plans/test.json'] = titled('调查（第二版）');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '调查（第二版）' }).waitFor();

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '调查（第二版）' }).waitFor();
    assert.deepEqual(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED')), []);
  } finally {
    await browser.close();
    px.server.close();
  }
});

test('the review page and the iframe page work offline after one visit: their files join the build', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    const visits = [
      ['review.html', '专家评审团现场评议表', ['review.html', 'js/review.js', await engineFile('pkg-review', 'wasm')]],
      ['embed.html?instrument=public', '武汉市2026年度社会公众满意度调查', ['embed.html', 'js/frame.js']],
    ];
    for (const [path, title, files] of visits) {
      const page = await context.newPage();
      await page.goto(url(path));
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
      // Kept in the build's own cache (checked against build.json), not refreshed from the network.
      await page.waitForFunction(async (want) => {
        const name = (await caches.keys()).find((k) => k.startsWith('kaoping-build-'));
        const cache = await caches.open(name);
        return (await Promise.all(want.map((f) => cache.match(f)))).every(Boolean);
      }, files, { timeout: 20000 });
      await page.close();
    }
    await context.setOffline(true);
    for (const [path, title] of visits) {
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(url(path));
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      assert.deepEqual(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED')), [], path);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
