// The other places a record is made (docs/reliability.md): the expert review sheet, the
// site-check sheet, the <kaoping-form> custom element and the iframe. Each, reopened after a
// submit, shows its receipt (it used to fail to load for the survey's embeds), and a record
// submitted offline is delivered on the next visit, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';
import { fillSurvey, outbox, receiptChecksum, routePosts, setOffline } from './reliability-lib.mjs';

/** Fill a review or site-check sheet with one unit (project) left, and submit it. */
async function fillSheet(page, { id, group, quarter, score, submit }) {
  await page.getByRole('textbox', { name: id.label }).fill(id.value);
  await page.getByRole('group', { name: group.name }).getByLabel(group.label).check();
  if (quarter) await page.getByRole('group', { name: quarter }).getByRole('radio').first().check();
  const boxes = page.locator('[data-recuse]');
  const n = await boxes.count();
  for (let i = 1; i < n; i += 1) await boxes.nth(i).check();
  for (const box of await page.locator('input.score').all()) if (await box.isVisible()) await box.fill(score);
  await page.getByRole('button', { name: submit }).click();
}

test('review sheet: submitted offline, reopened: the receipt, then delivered once', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    const posted = await routePosts(context);
    let page = await context.newPage();
    await page.goto(url('review.html'));
    await page.getByRole('heading', { level: 1, name: '专家评审团现场评议表' }).waitFor();
    await setOffline(context, true);
    await fillSheet(page, {
      id: { label: /工号\/编号/, value: 'E-0201' },
      group: { name: /评审组别/, label: '高校学者' },
      score: '80',
      submit: '提交评审表',
    });
    await page.getByRole('heading', { name: '评审表已提交，谢谢！' }).waitFor();
    await page.getByText('当前无法连接服务器，评审记录已保存在本机，联网后将自动发送。').waitFor();
    const checksum = await receiptChecksum(page);
    assert.deepEqual((await outbox(page)).map((e) => [e.kind, e.state]), [['review', 'waiting']]);
    await page.close();

    await setOffline(context, false);
    page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('review.html'));
    await page.getByRole('heading', { name: '评审表已提交，谢谢！' }).waitFor();
    await page.getByText('评审记录已送达。').waitFor();
    assert.equal(await receiptChecksum(page), checksum);
    assert.deepEqual(await axeCheck(page), [], 'axe on the reopened review receipt');
    assert.deepEqual(posted.map((p) => p.checksum), [checksum]);
    await page.getByRole('button', { name: '填写新的评审表' }).click();
    await page.getByRole('textbox', { name: /工号\/编号/ }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('site-check sheet: reloaded after a submit, the receipt; the record sent once', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    const posted = await routePosts(context);
    const page = await context.newPage();
    await page.goto(url('review.html?instrument=site_check'));
    await page.getByLabel('评价人编号').waitFor();
    await fillSheet(page, {
      id: { label: '评价人编号', value: 'B-0002' },
      group: { name: /评价主体/, label: /^受益主体/ },
      quarter: /查核季度/,
      score: '4',
      submit: '提交现场查核评价表',
    });
    await page.getByText('评价记录已送达。').waitFor();
    const checksum = await receiptChecksum(page);
    await page.reload();
    await page.getByRole('heading', { name: '现场查核评价表已提交，谢谢！' }).waitFor();
    await page.getByText('评价记录已送达。').waitFor();
    assert.equal(await receiptChecksum(page), checksum);
    assert.deepEqual(await axeCheck(page), []);
    assert.deepEqual(posted.map((p) => p.checksum), [checksum]);
  } finally {
    await browser.close();
  }
});

test('custom element and iframe: reloaded after a submit, each shows its receipt', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('host-example.html'));
    const form = page.locator('kaoping-form');
    await form.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    await fillSurvey(form, { district: '汉阳区' });
    const elementSum = await receiptChecksum(form);

    // The iframe, on its own page so that it can be reloaded: the public survey.
    const frameUrl = url('embed.html?instrument=public');
    const framePage = await context.newPage();
    await framePage.goto(url('host-example.html'));
    await framePage.evaluate((src) => {
      document.getElementById('frame').src = src;
    }, frameUrl);
    const frame = framePage.frameLocator('#frame');
    // The element and the iframe share the origin's draft: the frame shows that receipt too.
    await frame.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
    assert.equal(await receiptChecksum(frame), elementSum);
    await frame.getByRole('button', { name: '重新填写一份' }).click();
    await fillSurvey(frame, { district: '江岸区' });
    const frameSum = await receiptChecksum(frame);
    assert.notEqual(frameSum, elementSum);

    await page.reload();
    await form.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
    assert.equal(await receiptChecksum(form), frameSum, 'the element shows the newest receipt');
    await framePage.evaluate(() => {
      const f = document.getElementById('frame');
      f.src = f.src;
    });
    await frame.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
    assert.equal(await receiptChecksum(frame), frameSum);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
