// Records through a real collector (issue 17, docs/collect.md): `kaoping collect` started here
// on a free loopback port with the demo plan, a temporary database and the app's origin allowed.
// The respondent's page delivers to it (first offline: the record waits in the outbox; then
// online: stored, 201), and the office page pulls every record back with the office token and
// scores them: the counts on the page are the records sent; a wrong token is said as such. A
// later pull fetches only the records that arrived since (counted request by request), and
// "pull all again" everything.
//
// The collector runs on another origin than the pages (another port), as on its own host name
// (docs/deploy.md, "The collector"): the deployment lists it in the respondent page's
// <meta name="kaoping-endpoints"> and adds it to the pages' connect-src; the test makes those
// two changes to the pages as served, and nothing else.
//
// Needs KAOPING_BIN, the `kaoping` binary (`cargo xtask test` builds it and sets it). By hand:
//   cargo build -p kaoping_cli && KAOPING_BIN=$CARGO_TARGET_DIR/debug/kaoping \
//     KAOPING_URL=http://127.0.0.1:8080/ node --test tests/e2e/collect.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launch, url, axeCheck, watchErrors, ARGS } from './harness.mjs';
import { fillSurvey, outbox, receiptChecksum, setOffline } from './reliability-lib.mjs';

const BIN = process.env.KAOPING_BIN;
const PLAN = fileURLToPath(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url));
const APP = new URL(url('')).origin;
const QUEUED = '当前无法连接服务器，答卷已保存在本机，联网后将自动发送。';
const DELIVERED = '答卷已送达。';
// The pages here are served through `route.fulfill` (to widen their CSP), and Chromium gives a
// fulfilled page no address space, so its requests to the loopback collector would be refused
// as a public page reaching a local one (Local Network Access). In a deployment both are public
// hosts; here both are on 127.0.0.1, and only that check is turned off.
const browserArgs = { args: [...ARGS, '--disable-features=LocalNetworkAccessChecks'] };

let collector; // the one the pages use: { child, origin, token, dir }
const started = []; // every collector started, stopped after the tests

/**
 * Starts `kaoping collect` on a free port in a temporary folder, allowing the origin `allow`;
 * resolves when it says where it listens.
 */
async function startCollector(allow = APP) {
  const dir = await mkdtemp(join(tmpdir(), 'kaoping-collect-e2e-'));
  const tokenFile = join(dir, 'office.token');
  await promisify(execFile)(BIN, ['collect', 'token', '--out', tokenFile]);
  const token = (await readFile(tokenFile, 'utf8')).trim();
  const child = spawn(BIN, ['collect', '--plan', PLAN, '--db', join(dir, 'records.sqlite'),
    '--listen', '127.0.0.1:0', '--origin', allow, '--token-file', `${tokenFile}.hash`], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push({ child, dir });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const origin = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`kaoping collect did not start within 30 s: ${stderr}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kaoping collect exited with ${code}: ${stderr}`));
    });
  });
  return { child, origin, token, dir };
}

before(async () => {
  assert.ok(BIN, 'KAOPING_BIN is not set: run through `cargo xtask test`, or build kaoping_cli and set it to the binary');
  collector = await startCollector();
});

/** Stops a collector (SIGTERM: it finishes what is under way) and waits for it. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

after(async () => {
  for (const { child, dir } of started) {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
});

/** The records the collector holds, read as the office reads them (node, no Origin). */
async function held() {
  const res = await fetch(`${collector.origin}/api/records?since=0`, { headers: { Authorization: `Bearer ${collector.token}` } });
  assert.equal(res.status, 200);
  return (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/**
 * Serves `page` as a deployment that uses the collector would: its connect-src (header and
 * meta) names the collector's origin and, with `endpoints`, the page lists it as an endpoint.
 */
async function deployed(context, page, { endpoints = false, also = [] } = {}) {
  const widen = (csp) => csp.replace("connect-src 'self'", `connect-src 'self' ${[collector.origin, ...also].join(' ')}`);
  await context.route((u) => u.pathname.endsWith(`/${page}`), async (route) => {
    const res = await route.fetch();
    let html = (await res.text()).replace(/(<meta http-equiv="Content-Security-Policy" content=")([^"]*)"/, (_, a, csp) => `${a}${widen(csp)}"`);
    if (endpoints) html = html.replace('<head>', `<head>\n  <meta name="kaoping-endpoints" content="${collector.origin}/">`);
    const headers = { ...res.headers() };
    if (headers['content-security-policy']) headers['content-security-policy'] = widen(headers['content-security-policy']);
    delete headers['content-length'];
    return route.fulfill({ status: res.status(), headers, body: html });
  });
}

/** Submits the demo survey in a fresh context, online; resolves to its checksum once delivered. */
async function respondOnline(browser, endpoint) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    await deployed(context, 'respond.html', { endpoints: true });
    const page = await context.newPage();
    await page.goto(url(`respond.html?endpoint=${encodeURIComponent(endpoint)}`));
    await page.getByRole('heading', { level: 1 }).waitFor();
    await fillSurvey(page, { district: '江汉区' });
    await page.getByText(DELIVERED).waitFor();
    return await receiptChecksum(page);
  } finally {
    await context.close();
  }
}

test('the respondent page delivers to the collector, offline then online; the office pulls and scores', async () => {
  const browser = await launch(browserArgs);
  try {
    const endpoint = `${collector.origin}/api/responses`;
    // Offline first: the record waits in the outbox; online: the collector stores it (201).
    const context = await browser.newContext({ serviceWorkers: 'block' });
    await deployed(context, 'respond.html', { endpoints: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const statuses = [];
    page.on('response', (r) => {
      if (r.url() === endpoint && r.request().method() === 'POST') statuses.push(r.status());
    });
    await page.goto(url(`respond.html?endpoint=${encodeURIComponent(endpoint)}`));
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.getByText('已忽略').count(), 0, 'the listed endpoint is taken');
    await setOffline(context, true);
    await fillSurvey(page);
    await page.getByText(QUEUED).waitFor();
    const first = await receiptChecksum(page);
    assert.deepEqual((await outbox(page)).map((e) => [e.checksum, e.state, e.endpoint]), [[first, 'waiting', endpoint]]);
    assert.deepEqual(await held(), [], 'nothing reached the collector while offline');
    await setOffline(context, false);
    await page.getByText(DELIVERED).waitFor();
    assert.deepEqual(statuses, [201], 'stored by the collector');
    assert.deepEqual((await outbox(page)).map((e) => e.state), ['sent']);
    // Offline, the browser logs the failed POSTs; nothing else may fail.
    assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
    await context.close();

    const second = await respondOnline(browser, endpoint);
    const records = await held();
    assert.deepEqual(records.map((r) => r.checksum), [first, second], 'both records held, once each');

    // The office pulls them with its token and scores them as a data file.
    const office = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
    await deployed(office, 'office.html');
    // The collector's pages made one record long (the real service answers each), so that the
    // page has to follow the cursor: since=0, then each Kaoping-Next-Since until Kaoping-More is 0.
    const sinces = [];
    await office.route((u) => u.origin === collector.origin && u.pathname === '/api/records', (route) => {
      const u = new URL(route.request().url());
      u.searchParams.set('limit', '1');
      sinces.push(Number(u.searchParams.get('since')));
      return route.continue({ url: u.href });
    });
    // The records each answer brought (its Kaoping-Count), answer by answer.
    const counts = [];
    office.on('response', (r) => {
      if (new URL(r.url()).pathname === '/api/records' && r.status() === 200) counts.push(Number(r.headers()['kaoping-count']));
    });
    const op = await office.newPage();
    op.setDefaultTimeout(30000);
    const officeErrors = watchErrors(op);
    await op.goto(url('office.html'));
    await op.getByText('方案有效').first().waitFor();
    const form = op.getByRole('form', { name: '从收集服务拉取答卷' });
    await form.waitFor();
    assert.match(await form.innerText(), /令牌只保存在本页面的内存中/, 'the page says where the token is kept');
    await op.getByLabel('收集服务地址').fill(collector.origin);
    await op.getByLabel('考评办的令牌').fill('not-the-token');
    await op.getByRole('button', { name: '拉取并评分' }).click();
    const refusal = op.locator('#collector-error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /收集服务不接受此令牌（401）/);
    const tokenField = op.getByLabel('考评办的令牌');
    assert.equal(await tokenField.getAttribute('aria-invalid'), 'true');
    assert.equal(await op.evaluate(() => document.activeElement?.id), 'collector-token', 'the focus is on the token');
    assert.deepEqual(await axeCheck(op), [], 'axe on the refused pull');
    assert.equal(await op.locator('#ingest-h').count(), 0, 'nothing was run');

    assert.deepEqual(sinces, [0], 'one request, refused');
    sinces.length = 0;
    await tokenField.fill(collector.token);
    await op.getByRole('button', { name: '拉取并评分' }).click();
    const heading = op.locator('#ingest-h');
    await heading.waitFor();
    assert.equal(await heading.innerText(), '读取 2 条，接受 2 条，拒绝 0 条');
    assert.equal(sinces.length, 3, `two full pages and an empty one: ${sinces}`);
    assert.ok(sinces[0] === 0 && sinces[1] > 0 && sinces[2] > sinces[1], `the cursor followed: ${sinces}`);
    const name = `collector-${new URL(collector.origin).host.replace(':', '_')}.jsonl`;
    assert.match(await op.locator('#collector-status').innerText(), new RegExp(`已拉取 2 条答卷，作为数据文件“${name.replace(/\./g, '\\.')}”评分`));
    await op.getByRole('row', { name: new RegExp(`^${name.replace(/\./g, '\\.')}`) }).waitFor();
    assert.equal(await op.locator('#collector-error').count(), 0);
    assert.deepEqual(await axeCheck(op), [], 'axe after the pull');
    // The 401 was logged by the browser as a failed load; nothing else failed.
    assert.deepEqual(officeErrors.filter((e) => !/status of 401/.test(e)), []);

    // The token is nowhere in the browser's storage; the address is remembered for the plan.
    const stored = await op.evaluate(() => new Promise((resolve) => {
      const req = indexedDB.open('kaoping-office');
      req.onsuccess = () => {
        const tx = req.result.transaction('kv');
        const all = tx.objectStore('kv').getAll();
        const keys = tx.objectStore('kv').getAllKeys();
        tx.oncomplete = () => resolve({ values: JSON.stringify(all.result), keys: keys.result, local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) });
      };
    }));
    for (const where of ['values', 'local', 'session']) assert.ok(!stored[where].includes(collector.token), `no token in ${where}`);
    assert.ok(stored.keys.some((k) => String(k).startsWith('collector:')), 'the address is kept per plan');
    await op.reload();
    await op.getByText('方案有效').first().waitFor();
    assert.equal(await op.getByLabel('收集服务地址').inputValue(), `${collector.origin}/`);
    assert.equal(await op.getByLabel('考评办的令牌').inputValue(), '', 'the token is asked again');

    // A third record arrives; the next pull (after the reload: the cursor is kept with the
    // file) asks from where the last one ended and fetches that record alone.
    const third = await respondOnline(browser, endpoint);
    assert.deepEqual((await held()).map((r) => r.checksum), [first, second, third]);
    const cursor = sinces.at(-1);
    sinces.length = 0;
    counts.length = 0;
    await op.getByLabel('考评办的令牌').fill(collector.token);
    await op.getByRole('button', { name: '拉取新答卷并评分' }).click();
    await op.getByText(`已拉取上次之后的 1 条新答卷；数据文件“${name}”现有 3 条，重新评分。`).waitFor();
    await op.locator('#ingest-h').waitFor();
    assert.equal(await op.locator('#ingest-h').innerText(), '读取 3 条，接受 3 条，拒绝 0 条');
    assert.deepEqual(sinces, [cursor, sinces[1]], `from the last cursor on: ${sinces}`);
    assert.ok(sinces[1] > cursor, `the cursor moved on: ${sinces}`);
    assert.deepEqual(counts, [1, 0], 'the new record alone was fetched');
    const row = op.getByRole('row', { name: new RegExp(`^${name.replace(/\./g, '\\.')}`) });
    assert.match(await row.innerText(), /\t3\t3\t0\t/, 'the file: 3 read, 3 accepted, 0 rejected');

    // Nothing new: one request, nothing fetched, the result as it was.
    sinces.length = 0;
    counts.length = 0;
    await op.getByRole('button', { name: '拉取新答卷并评分' }).click();
    await op.getByText(`上次拉取之后没有新答卷；数据文件“${name}”仍为 3 条，结果未变。`).waitFor();
    assert.deepEqual([sinces.length, counts], [1, [0]]);
    assert.equal(await op.locator('#ingest-h').innerText(), '读取 3 条，接受 3 条，拒绝 0 条');

    // Pull all again: from the start, the file replaced, the same counts.
    sinces.length = 0;
    counts.length = 0;
    await op.getByRole('button', { name: '重新拉取全部' }).click();
    await op.getByText(`已拉取 3 条答卷，作为数据文件“${name}”评分。`).waitFor();
    await op.locator('#ingest-h').waitFor();
    assert.equal(await op.locator('#ingest-h').innerText(), '读取 3 条，接受 3 条，拒绝 0 条');
    assert.equal(sinces[0], 0);
    assert.deepEqual(counts, [1, 1, 1, 0], 'every record again, once');
    assert.deepEqual(await axeCheck(op), [], 'axe after the pulls');
    assert.deepEqual(officeErrors.filter((e) => !/status of 401/.test(e)), []);
    await office.close();

    // The same records as the file `kaoping collect export` writes, dropped on a fresh office
    // page: the same counts.
    await promisify(execFile)(BIN, ['collect', 'export', '--db', join(collector.dir, 'records.sqlite'), '--out', join(collector.dir, 'export')]);
    const files = await browser.newContext({ serviceWorkers: 'block' });
    const fp = await files.newPage();
    fp.setDefaultTimeout(30000);
    await fp.goto(url('office.html'));
    await fp.getByText('方案有效').first().waitFor();
    await fp.getByLabel('数据文件', { exact: true }).setInputFiles(join(collector.dir, 'export', 'public.jsonl'));
    await fp.locator('#ingest-h').waitFor();
    assert.equal(await fp.locator('#ingest-h').innerText(), '读取 3 条，接受 3 条，拒绝 0 条');
    await files.close();
  } finally {
    await browser.close();
  }
});

test('the pull form in English at 320 px: CSP, a bad address, a foreign origin, no collector', async () => {
  // A collector that allows another portal only: it refuses this page's origin.
  const other = await startCollector('https://portal.example.gov.cn');
  const browser = await launch(browserArgs);
  try {
    const office = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 320, height: 800 } });
    await deployed(office, 'office.html', { also: [other.origin] });
    const op = await office.newPage();
    op.setDefaultTimeout(30000);
    await op.goto(url('office.html?lang=en'));
    await op.getByText('The plan is valid').first().waitFor();
    const form = op.getByRole('form', { name: 'Pull records from a collector' });
    await form.waitFor();
    // Not the collector's origin: the page's CSP refuses it before any request leaves.
    await op.getByLabel('Collector address').fill('http://127.0.0.1:9/');
    await op.getByLabel('Office token').fill('x');
    await op.getByRole('button', { name: 'Pull and score' }).click();
    await op.locator('#collector-error').waitFor();
    assert.match(await op.locator('#collector-error').innerText(), /Content-Security-Policy does not allow connecting to http:\/\/127\.0\.0\.1:9/);
    assert.equal(await op.evaluate(() => document.activeElement?.id), 'collector-url');
    // A bad address is said before anything is fetched.
    await op.getByLabel('Collector address').fill('records.example');
    await op.getByRole('button', { name: 'Pull and score' }).click();
    await op.getByText('must be a URL starting with http:// or https://').waitFor();
    assert.deepEqual(await axeCheck(op), [], 'axe at 320 px with the error');
    const overflow = await op.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 320 px (${overflow} px)`);

    // The origin refused: the collector answers, but not to this page.
    await op.getByLabel('Collector address').fill(other.origin);
    await op.getByLabel('Office token').fill(other.token);
    await op.getByRole('button', { name: 'Pull and score' }).click();
    await op.getByText(`The collector at ${other.origin} refused this page’s origin: start it with --origin ${APP}`).waitFor();

    // The collector stopped: the same address no longer answers.
    await stop(other.child);
    await op.getByRole('button', { name: 'Pull and score' }).click();
    await op.getByText(`Cannot reach ${other.origin}`).waitFor();
    assert.equal(await op.evaluate(() => document.activeElement?.id), 'collector-url');
    assert.deepEqual(await axeCheck(op), [], 'axe at 320 px, no connection');
    await office.close();
  } finally {
    await browser.close();
  }
});
