// <kaoping-form>'s interface for portals (docs/embed.md): every event with its detail, prefill
// shown and marked in the delivered record, the portal's auth header at its endpoint only,
// attribute changes after mounting, the iframe forwarding the same events, and a themed portal
// page that keeps WCAG AA (axe, at 320 px too).
//
// The portal is a small Node server of this test (its own origin, its own strict CSP): it
// serves its pages, passes kaoping's files through from KAOPING_URL (so the element is
// same-origin with it, as when a portal hosts the files) and is the endpoint, so that the
// test sees the request headers the dev server does not keep.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';
import { fillPublic } from './demo-fill.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; frame-src 'self'; base-uri 'self'; form-action 'self'";

const PORTAL_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>主题门户示例</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/portal.css">
  <script type="module" src="/js/embed.js"></script>
  <script type="module" src="/portal.js"></script>
</head>
<body>
  <header class="top"><p class="name">示例市政务服务网</p></header>
  <main id="main">
    <h1>市民满意度调查</h1>
    <kaoping-form id="form" instrument="public" lang="zh-CN" endpoint="/api/a" prefill='{"district": "hanyang"}'></kaoping-form>
  </main>
</body>
</html>`;

// A portal's own theme: its colours, font, corners and spacing, each pair at WCAG AA or better.
const PORTAL_CSS = `:root {
  --kaoping-ink: #0b1f33; --kaoping-muted: #3b4a5a; --kaoping-line: #6b7c8f;
  --kaoping-brand: #0b4f8a; --kaoping-link: #0b4f8a; --kaoping-primary: #0b4f8a; --kaoping-on-primary: #ffffff;
  --kaoping-panel: #e4edf6; --kaoping-field: #f7fafd; --kaoping-picked: #dcebf8; --kaoping-bg: #ffffff;
  --kaoping-error: #a4001d; --kaoping-focus: #ffd23f; --kaoping-focus-ring: #0b1f33;
  --kaoping-font: Georgia, "Noto Serif CJK SC", serif; --kaoping-font-size: 1.05rem;
  --kaoping-radius: 0px; --kaoping-space: 1.5rem;
}
body { margin: 0; background: #eef3f8; color: #0b1f33; font-family: Georgia, serif; }
.top { background: #0b4f8a; color: #fff; padding: .5rem 1rem; }
.top .name { margin: 0; font-weight: 700; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
kaoping-form { display: block; padding: 1rem; }
kaoping-form::part(question) { border-bottom: 1px solid #6b7c8f; }
kaoping-form::part(primary) { letter-spacing: .05em; }
`;

// Every event the element fires, with its detail, kept for the test to read; and the iframe's.
const PORTAL_JS = `window.heard = [];
for (const type of ['kaoping-ready', 'kaoping-change', 'kaoping-progress', 'kaoping-invalid', 'kaoping-submit',
  'kaoping-delivered', 'kaoping-queued', 'kaoping-failed']) {
  document.addEventListener(type, (e) => window.heard.push({ type, detail: e.detail, from: e.target.id }));
}
window.framed = [];
addEventListener('message', (e) => {
  if (e.origin === location.origin && e.data?.type && e.data.type !== 'kaoping-resize') window.framed.push(e.data);
});
`;

const FRAME_HTML = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>iframe 门户</title><link rel="icon" href="data:,">
<script type="module" src="/portal.js"></script></head>
<body><main><h1>iframe 嵌入</h1>
<iframe id="frame" title="问卷" src="/embed.html?instrument=public&lang=zh-CN&endpoint=/api/b&origin=ORIGIN" style="width:100%;height:900px"></iframe>
</main></body></html>`;

/** The demo plan with another title for the public survey: a plan that `plan=` changes to. */
function otherPlan() {
  const plan = JSON.parse(readFileSync(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8'));
  plan.instruments.find((i) => i.id === 'public').title = { 'zh-CN': '门户自己的满意度调查', en: "The portal's own survey" };
  return JSON.stringify(plan);
}

let server;
let origin;
const received = []; // {path, headers, body}

before(async () => {
  const plan2 = otherPlan();
  server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      received.push({ path, headers: req.headers, body: JSON.parse(body) });
      if (path === '/api/refuse') {
        res.writeHead(422, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'closed', message: { 'zh-CN': '调查已结束', en: 'The survey is closed' } }));
      } else {
        res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"stored":true}');
      }
      return;
    }
    const own = {
      '/portal.html': ['text/html; charset=utf-8', PORTAL_HTML],
      '/frame.html': ['text/html; charset=utf-8', FRAME_HTML.replace('ORIGIN', encodeURIComponent(origin))],
      '/portal.css': ['text/css', PORTAL_CSS],
      '/portal.js': ['text/javascript', PORTAL_JS],
      '/plan2.json': ['application/json', plan2],
    }[path];
    if (own) {
      res.writeHead(200, { 'Content-Type': own[0], 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' }).end(own[1]);
      return;
    }
    // kaoping's own files, passed through from the app's server.
    const up = await fetch(url(path.slice(1)));
    const type = up.headers.get('content-type') ?? 'application/octet-stream';
    res.writeHead(up.status, { 'Content-Type': type, 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
    res.end(Buffer.from(await up.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(() => server?.close());

/** The events heard so far, of `type` (all when absent). */
const heard = (page, type) => page.evaluate((t) => window.heard.filter((h) => !t || h.type === t), type);

/** Wait until an event of `type` (matching `ok(detail)`) has been heard; returns its detail. */
async function waitFor(page, type, ok = () => true) {
  for (let i = 0; i < 150; i += 1) {
    const found = (await heard(page, type)).find((h) => ok(h.detail));
    if (found) return found.detail;
    await page.waitForTimeout(100);
  }
  throw new Error(`no ${type} event; heard: ${JSON.stringify((await heard(page)).map((h) => h.type))}`);
}

test('every event, the prefill marked in the record, the auth header at the endpoint', async () => {
  const browser = await launch();
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 900 } })).newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(`${origin}/portal.html`, { timeout: 90_000 });
    const form = page.locator('kaoping-form');
    await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    await waitFor(page, 'kaoping-ready');
    // The prefilled district shows, and counts as answered.
    assert.equal(await form.getByLabel('汉阳区', { exact: true }).isChecked(), true, 'the prefill shows in the form');
    const first = await waitFor(page, 'kaoping-progress');
    assert.equal(first.answered, 1);
    assert.ok(first.total >= 2, `total ${first.total}`);
    assert.deepEqual(await heard(page, 'kaoping-change'), [], 'a prefill is not a change by the respondent');

    // The portal's auth: a header, and a hook that adds another.
    await page.evaluate(() => {
      const el = document.getElementById('form');
      el.setDeliveryHeaders({ authorization: 'Bearer portal-token-1' });
      el.beforeDeliver = (request) => {
        request.headers.set('x-portal-user', 'u-42');
      };
    });

    // Next without the age group: kaoping-invalid with the core's issue.
    await form.getByRole('button', { name: '下一部分' }).click();
    const invalid = await waitFor(page, 'kaoping-invalid');
    assert.equal(invalid.source, 'answers');
    assert.deepEqual(invalid.issues.map((i) => [i.question, i.code]), [['age_group', 'required']]);
    assert.match(invalid.issues[0].message, /请/);

    await fillPublic(form, { district: null });
    const change = await waitFor(page, 'kaoping-change', (d) => d.question === 'age_group');
    assert.equal(change.value, '18-29');
    const matrix = await waitFor(page, 'kaoping-change', (d) => d.question === 'services');
    assert.equal(typeof matrix.value, 'object');
    const progress = (await heard(page, 'kaoping-progress')).map((h) => h.detail);
    assert.ok(progress.some((p) => p.answered === 2), `progress: ${JSON.stringify(progress)}`);
    for (const p of progress) assert.deepEqual(Object.keys(p).sort(), ['answered', 'total']);

    const record = await waitFor(page, 'kaoping-submit');
    assert.deepEqual(record.prefilled, ['district'], 'the record names the prefilled answer');
    assert.equal(record.answers.district, 'hanyang');
    const delivered = await waitFor(page, 'kaoping-delivered');
    assert.deepEqual(delivered, { checksum: record.checksum, reason: null });
    const queued = await heard(page, 'kaoping-queued');
    assert.ok(queued.every((q) => q.detail.checksum === record.checksum), 'queued names the record');

    const posts = received.filter((r) => r.body.checksum === record.checksum);
    assert.equal(posts.length, 1);
    assert.equal(posts[0].path, '/api/a');
    assert.equal(posts[0].headers.authorization, 'Bearer portal-token-1');
    assert.equal(posts[0].headers['x-portal-user'], 'u-42');
    assert.deepEqual(posts[0].body.prefilled, ['district']);
    assert.equal(posts[0].body.checksum, record.checksum);

    // The endpoint changed after mounting: the next response goes there, with the auth.
    await page.evaluate(() => document.getElementById('form').setAttribute('endpoint', '/api/refuse'));
    await form.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
    await form.getByRole('button', { name: '重新填写一份' }).click();
    await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    assert.equal(await form.getByLabel('汉阳区', { exact: true }).isChecked(), true, 'the next response is prefilled too');
    await fillPublic(form, { district: null });
    const second = await waitFor(page, 'kaoping-submit', (d) => d.checksum !== record.checksum);
    const failed = await waitFor(page, 'kaoping-failed');
    assert.equal(failed.checksum, second.checksum);
    assert.deepEqual(failed.reason, { 'zh-CN': '调查已结束', en: 'The survey is closed' });
    const refused = received.find((r) => r.body.checksum === second.checksum);
    assert.equal(refused.path, '/api/refuse');
    assert.equal(refused.headers.authorization, 'Bearer portal-token-1');
    assert.deepEqual(errors.filter((e) => !/422/.test(e)), []);
  } finally {
    await browser.close();
  }
});

test('attribute changes and prefill problems take effect after mounting', async () => {
  const browser = await launch();
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 900 } })).newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(`${origin}/portal.html`, { timeout: 90_000 });
    const form = page.locator('kaoping-form');
    await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    await form.getByLabel('30–44岁', { exact: true }).check();
    const el = 'document.getElementById("form")';

    // lang: redrawn in English, the answers kept.
    await page.evaluate(`${el}.setAttribute('lang', 'en')`);
    await form.getByRole('heading', { level: 1, name: /Wuhan 2026 public satisfaction survey/i }).waitFor();
    assert.equal(await form.getByLabel('Hanyang District', { exact: true }).isChecked(), true);

    // instrument: the cadre appraisal; back to public, the draft is still there.
    await page.evaluate(`${el}.instrument = 'cadre'`);
    await form.getByRole('heading', { level: 1, name: /leading cadres/ }).waitFor();
    // The portal's prefill names a question the cadre appraisal does not have: said, not dropped.
    await form.getByRole('alert').filter({ hasText: 'The answers the portal prefilled have problems' }).filter({ hasText: 'district' }).waitFor();
    await page.evaluate(`${el}.instrument = 'public'`);
    await form.getByRole('heading', { level: 1, name: /Wuhan 2026 public satisfaction survey/i }).waitFor();
    assert.equal(await form.getByRole('alert').count(), 0, 'valid again for the public survey');
    assert.equal(await form.getByLabel('30–44', { exact: true }).isChecked(), true, 'the draft survives a re-mount');

    // plan: another plan's survey.
    await page.evaluate(`${el}.plan = '/plan2.json'`);
    await form.getByRole('heading', { level: 1, name: "The portal's own survey" }).waitFor();
    await page.evaluate(`${el}.plan = null; ${el}.setAttribute('lang', 'zh-CN')`);
    await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();

    // prefill attribute: an invalid value is shown in both languages, nothing taken.
    await page.evaluate(() => window.heard.splice(0));
    await page.evaluate(`${el}.setAttribute('prefill', JSON.stringify({ district: 'atlantis', nope: 1 }))`);
    const alert = form.getByRole('alert').filter({ hasText: '门户预填的答案有误' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /nope/);
    assert.match(await alert.innerText(), /district/);
    const bad = await waitFor(page, 'kaoping-invalid', (d) => d.source === 'prefill');
    assert.deepEqual(bad.issues.map((i) => [i.question, i.code]).sort(), [['district', 'not_an_option'], ['nope', 'prefill_unknown_question']]);
    assert.equal(await form.getByLabel('汉阳区', { exact: true }).isChecked(), true, 'the earlier answer stays');
    await page.evaluate(`${el}.setAttribute('lang', 'en')`);
    await form.getByRole('alert').filter({ hasText: 'The answers the portal prefilled have problems' }).waitFor();
    await page.evaluate(`${el}.setAttribute('prefill', '{not json')`);
    await form.getByRole('alert').filter({ hasText: 'The prefill attribute is not an object of answers' }).waitFor();
    await page.evaluate(`${el}.setAttribute('prefill', '{"district": "wuchang"}')`);
    assert.equal(await form.getByRole('alert').count(), 0, 'a valid prefill clears the problem');
    await page.waitForFunction(() => document.getElementById('form').shadowRoot.querySelector('input[value=wuchang]')?.checked);

    // prefill(): rejects with every problem in both languages, takes none.
    const rejected = await page.evaluate(async () => {
      try {
        await document.getElementById('form').prefill({ age_group: '200+', years_resident: 150, district: 'hanyang' });
        return null;
      } catch (e) {
        return { name: e.name, message: e.message, text: e.text, issues: e.issues.map((i) => [i.question, i.code]) };
      }
    });
    assert.equal(rejected.name, 'KaopingPrefillError');
    assert.deepEqual(rejected.issues, [['age_group', 'not_an_option'], ['years_resident', 'too_large']]);
    assert.match(rejected.text['zh-CN'], /years_resident: 不能大于 100。/);
    assert.match(rejected.message, /years_resident: Must be at most 100\./);
    assert.equal(await form.getByLabel('Wuchang District', { exact: true }).isChecked(), true, 'nothing of a refused prefill is taken');
    await page.evaluate(() => document.getElementById('form').prefill({ years_resident: 12 }));
    assert.equal(await form.getByLabel(/years have you lived/).inputValue(), '12');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the iframe forwards the same events to its parent, without the portal\'s headers', async () => {
  const browser = await launch();
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 900 } })).newPage();
  try {
    await page.goto(`${origin}/frame.html`);
    const frame = page.frameLocator('#frame');
    await frame.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    const framed = () => page.evaluate(() => window.framed);
    await page.waitForFunction(() => window.framed.some((m) => m.type === 'kaoping-progress'));
    await page.evaluate(() => document.getElementById('frame').contentWindow.postMessage({ type: 'kaoping-prefill', values: { district: 'hanyang' } }, location.origin));
    await frame.getByLabel('汉阳区', { exact: true }).waitFor();
    await page.waitForFunction(() => document.getElementById('frame').contentDocument.querySelector('input[value=hanyang]')?.checked);
    await page.evaluate(() => document.getElementById('frame').contentWindow.postMessage({ type: 'kaoping-prefill', values: { district: 'atlantis' } }, location.origin));
    await page.waitForFunction(() => window.framed.some((m) => m.type === 'kaoping-invalid' && m.detail.source === 'prefill'));
    await frame.getByRole('button', { name: '下一部分' }).click();
    await fillPublic(frame, { district: null });
    await page.waitForFunction(() => window.framed.some((m) => m.type === 'kaoping-delivered'));
    const got = await framed();
    const types = new Set(got.map((m) => m.type));
    for (const t of ['kaoping-ready', 'kaoping-progress', 'kaoping-change', 'kaoping-invalid', 'kaoping-submit', 'kaoping-delivered']) {
      assert.ok(types.has(t), `${t} forwarded; got ${[...types]}`);
    }
    const submit = got.find((m) => m.type === 'kaoping-submit');
    assert.deepEqual(submit.detail.prefilled, ['district']);
    assert.equal(submit.record.checksum, submit.detail.checksum);
    assert.deepEqual(got.find((m) => m.type === 'kaoping-delivered').detail, { checksum: submit.detail.checksum, reason: null });
    assert.equal(got.find((m) => m.type === 'kaoping-invalid' && m.detail.source === 'answers').detail.issues[0].question, 'age_group');
    const change = got.find((m) => m.type === 'kaoping-change');
    assert.equal(change.detail.question, 'age_group');
    const post = received.find((r) => r.body.checksum === submit.detail.checksum);
    assert.equal(post.path, '/api/b');
    assert.equal(post.headers.authorization, undefined, 'no portal header reaches another endpoint');
  } finally {
    await browser.close();
  }
});

test('a themed portal: its colours, font and parts inside the element, WCAG AA at 1024 and 320 px', async () => {
  const browser = await launch();
  for (const width of [1024, 320]) {
    const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
    const errors = watchErrors(page);
    await page.goto(`${origin}/portal.html`, { timeout: 90_000 });
    const form = page.locator('kaoping-form');
    await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    const look = await page.evaluate(() => {
      const root = document.getElementById('form').shadowRoot;
      const style = (sel) => getComputedStyle(root.querySelector(sel));
      return {
        text: style('.kaoping-embed').color,
        font: style('.kaoping-embed').fontFamily,
        primary: style('button.primary').backgroundColor,
        radius: style('.choice').borderTopLeftRadius,
        question: style('.question').borderBottomWidth,
        margin: style('.question').marginTop,
        parts: [...new Set([...root.querySelectorAll('[part]')].map((e) => e.getAttribute('part')))].sort(),
      };
    });
    assert.equal(look.text, 'rgb(11, 31, 51)', 'the portal\'s ink');
    assert.match(look.font, /Georgia/);
    assert.equal(look.primary, 'rgb(11, 79, 138)', 'the portal\'s primary colour');
    assert.equal(look.radius, '0px');
    assert.equal(look.question, '1px', '::part(question) styled by the portal');
    assert.equal(look.margin, `${1.25 * 1.5 * 16}px`, 'the portal\'s spacing unit');
    for (const p of ['button primary', 'choice', 'form', 'progress', 'question', 'title']) assert.ok(look.parts.includes(p), `part ${p}: ${look.parts}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(await axeCheck(page), [], `axe on the themed portal at ${width} px`);
    // With the error summary and messages showing, too.
    await form.getByLabel('汉阳区', { exact: true }).check();
    await form.getByRole('button', { name: '下一部分' }).click();
    await form.locator('.error-summary').waitFor();
    assert.deepEqual(await axeCheck(page), [], `axe with errors shown at ${width} px`);
    // axe-core applies an inline style while it analyses, which the CSP (rightly) blocks and
    // reports; that report is the test tool's, not the element's (as in embed.test.mjs).
    assert.deepEqual(errors.filter((e) => !/Applying inline style violates/.test(e)), []);
    await page.context().close();
  }
  await browser.close();
});

test('the example portal page keeps WCAG AA at 320 px, both embeds drawn', async () => {
  const browser = await launch();
  const page = await (await browser.newContext({ viewport: { width: 320, height: 800 } })).newPage();
  try {
    await page.goto(url('host-example.html'));
    await page.locator('kaoping-form').getByRole('heading', { level: 1 }).waitFor();
    await page.frameLocator('#frame').getByRole('heading', { level: 1 }).waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe on host-example.html at 320 px');
  } finally {
    await browser.close();
  }
});
