// Embedding in a portal: the <kaoping-form> custom element and the iframe mode, on the example
// host page, under the dev server's strict Content-Security-Policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';
import { fillCadre, fillPublic } from './demo-fill.mjs';

test('the custom element and the iframe both deliver the record to the host page', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    const res = await page.goto(url('host-example.html'));
    assert.match(res.headers()['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
    const form = page.locator('kaoping-form');
    await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    assert.deepEqual(errors, [], 'no errors while loading both embeds');
    assert.deepEqual(await axeCheck(page), [], 'axe on the host page with both embeds');
    // axe-core applies an inline style inside the iframe while it analyses it, which the CSP
    // (rightly) blocks and reports; that report is the test tool's, not the app's.
    errors.length = 0;

    // The custom element: fill the public survey inside its shadow root.
    await fillPublic(form);
    await page.getByRole('list').filter({ hasText: 'kaoping-submit（自定义元素）：public' }).waitFor();

    // The iframe: the cadre appraisal; its record arrives by postMessage.
    const frame = page.frameLocator('#frame');
    await fillCadre(frame);
    await page.getByText(/kaoping-submit（iframe）：cadre，校验码 [0-9a-f]{64}/).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the iframe sends the record to the configured origin only', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(url('host-example.html'));
    // Point the frame at a parent origin that is not the host's (localhost vs 127.0.0.1).
    const wrong = url('').replace('127.0.0.1', 'localhost').replace(/\/$/, '');
    await page.evaluate((o) => {
      document.getElementById('frame').src = `embed.html?instrument=cadre&origin=${encodeURIComponent(o)}`;
    }, wrong);
    const frame = page.frameLocator('#frame');
    await frame.getByLabel('江汉区', { exact: true }).check();
    await frame.getByRole('button', { name: '下一部分' }).click();
    for (const row of ['政治思想建设', '领导能力', '工作实绩', '党风廉政建设']) {
      await frame.getByRole('group', { name: row, exact: true }).getByLabel('好', { exact: true }).check();
    }
    await frame.getByRole('button', { name: '下一部分' }).click();
    for (const row of ['党委（党组）书记', '行政主要负责人', '分管负责同志（一）', '分管负责同志（二）']) {
      await frame.getByRole('group', { name: row, exact: true }).getByLabel('优秀', { exact: true }).check();
    }
    await frame.getByRole('button', { name: '提交问卷' }).click();
    await frame.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
    await page.waitForTimeout(1000);
    assert.equal(await page.getByText('kaoping-submit（iframe）').count(), 0, 'nothing reached the host');
  } finally {
    await browser.close();
  }
});
