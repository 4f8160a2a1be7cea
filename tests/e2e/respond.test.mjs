// The respondent's path through the demo public survey, driven by roles and labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const inGroup = (page, name) => page.getByRole('group', { name, exact: true });

async function pick(page, group, label) {
  await inGroup(page, group).getByLabel(label, { exact: true }).check();
}

test('a respondent fills the public survey, is shown errors, reloads, submits and downloads the record', async () => {
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('respond.html'));
    await page.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.deepEqual(await axeCheck(page), [], 'axe on the first section');

    // Nothing answered: the summary lists both required questions and links to them.
    await page.getByRole('button', { name: '下一部分' }).click();
    const summary = page.getByRole('alert').filter({ hasText: '请修改以下问题后继续' });
    await summary.waitFor();
    const links = summary.getByRole('link');
    assert.equal(await links.count(), 2);
    assert.match(await links.first().innerText(), /您常住在哪个区/);
    assert.deepEqual(await axeCheck(page), [], 'axe with the error summary');
    await links.first().click();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'radio');

    await page.getByLabel('江岸区', { exact: true }).check();
    await page.getByLabel('30–44岁', { exact: true }).check();
    // A number that breaks the plan's constraint is reported next to the field.
    await page.getByLabel(/您在本区居住了几年/).fill('120');
    await page.getByRole('button', { name: '下一部分' }).click();
    await page.getByText('不能大于 100。').first().waitFor();
    await page.getByLabel(/您在本区居住了几年/).fill('12');
    await page.getByRole('button', { name: '下一部分' }).click();
    await page.getByRole('heading', { level: 2, name: '公共服务与民生' }).waitFor();

    // The matrix: one row dissatisfied needs a reason; one row unable to judge.
    const rows = { 微循环道路: '满意', 绿道建设: '非常满意', 停车便利: '不满意', 社区卫生服务: '一般', 养老服务: '无法评价', 社会治安: '满意' };
    for (const [row, answer] of Object.entries(rows)) await pick(page, row, answer);

    // Reload mid-way: every answer is still there.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: '公共服务与民生' }).waitFor();
    assert.ok(await page.getByText('已恢复您上次在本机填写的答案。').isVisible());
    assert.ok(await inGroup(page, '停车便利').getByLabel('不满意', { exact: true }).isChecked());
    assert.ok(await inGroup(page, '养老服务').getByLabel('无法评价', { exact: true }).isChecked());

    await page.getByRole('button', { name: '下一部分' }).click();
    await summary.waitFor();
    const text = await summary.innerText();
    assert.match(text, /环境卫生/, 'the unanswered row is listed');
    assert.match(text, /请填写不满意的理由/, 'the missing reason is listed');
    assert.deepEqual(await axeCheck(page), [], 'axe with matrix errors');
    await pick(page, '环境卫生', '满意');
    await page.getByLabel('请说明不满意的原因').fill('小区周边停车位太少');
    await page.getByRole('button', { name: '下一部分' }).click();
    await page.getByRole('heading', { level: 2, name: '总体评价' }).waitFor();

    await pick(page, /总体而言/, '满意');
    await page.getByLabel('交通出行', { exact: true }).check();
    assert.equal(await page.getByLabel('请写明其他方面').isVisible(), false, 'hidden until "other" is chosen');
    await page.getByLabel('其他', { exact: true }).check();
    await page.getByLabel('请写明其他方面').fill('公共厕所');
    await pick(page, /您有多大可能/, '9');
    assert.deepEqual(await axeCheck(page), [], 'axe on the last section');

    // The listener is in place before the key press (awaited), so the event cannot be missed.
    await page.evaluate(() => {
      window.kaopingSubmitted = new Promise((resolve) => {
        window.addEventListener('kaoping-submit', (e) => resolve(e.detail), { once: true });
      });
    });
    const submitted = () => page.evaluate(() => window.kaopingSubmitted);
    await page.getByRole('button', { name: '提交问卷' }).click();
    await page.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
    const event = await submitted();
    assert.deepEqual(await axeCheck(page), [], 'axe on the confirmation');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载回执（JSON）' }).click(),
    ]);
    const record = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(record.format, 'kaoping.response/1');
    assert.equal(record.plan_id, 'wuhan-2026');
    assert.match(record.plan_sha256, /^[0-9a-f]{64}$/);
    assert.match(record.checksum, /^[0-9a-f]{64}$/);
    assert.equal(record.instrument, 'public');
    assert.equal(record.answers.district, 'jiangan');
    assert.equal(record.answers.years_resident, 12);
    assert.equal(record.answers.services.parking, 2);
    assert.equal(record.answers.services.elderly_care, 'unable');
    assert.deepEqual(record.answers.priorities, ['traffic', 'other']);
    assert.equal(record.reasons.services, '小区周边停车位太少');
    assert.equal(record.quality.speeder, true, 'a test run is faster than the 60 s minimum');
    assert.equal(record.checksum, event.checksum, 'the host page received the same record');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the survey is in English with ?lang=en and the switch goes back to Chinese', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('respond.html?lang=en'));
    await page.getByRole('heading', { level: 1, name: 'Wuhan 2026 public satisfaction survey' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.getByRole('button', { name: 'Next part' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 320 px (overflow ${overflow}px)`);
    assert.deepEqual(await axeCheck(page), []);
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a plan that leaves its defaults out is drawn exactly as the demo plan is', async () => {
  // engine.plan() gives the plan as written: the page must supply what the plan format
  // defaults (a scale's step of 1, false flags, a matrix's each_row_required).
  const demo = JSON.parse(await readFile(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8'));
  let left = 0;
  const strip = (v) => {
    if (Array.isArray(v)) v.forEach(strip);
    else if (v && typeof v === 'object') {
      if (v.step === 1 && Array.isArray(v.points)) { delete v.step; left++; }
      for (const k of ['required', 'unable', 'long', 'veto']) if (v[k] === false) { delete v[k]; left++; }
      if (v.each_row_required === true) { delete v.each_row_required; left++; }
      Object.values(v).forEach(strip);
    }
  };
  strip(demo);
  assert.ok(left >= 5, `defaults left out: ${left}`);

  const browser = await launch();
  try {
    const drawn = async (path) => {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.route('**/plan-without-defaults.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(demo) }));
      await page.goto(url(path));
      await page.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
      const first = await page.locator('main').innerHTML();
      await page.getByLabel('江岸区', { exact: true }).check();
      await page.getByLabel('30–44岁', { exact: true }).check();
      await page.getByRole('button', { name: '下一部分' }).click();
      await page.getByRole('heading', { level: 2, name: '公共服务与民生' }).waitFor();
      const second = await page.locator('main').innerHTML();
      assert.equal(await inGroup(page, '停车便利').getByRole('radio').count(), 6, '1–5 and unable to judge');
      assert.deepEqual(errors, []);
      await context.close();
      return [first, second];
    };
    const [asDemo, asWritten] = [await drawn('respond.html'), await drawn('respond.html?plan=plan-without-defaults.json')];
    assert.equal(asWritten[0], asDemo[0], 'first section');
    assert.equal(asWritten[1], asDemo[1], 'second section (matrix on a scale without a step)');
  } finally {
    await browser.close();
  }
});
