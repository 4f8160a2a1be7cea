// Amending the plan on the office page (docs/plan.md §12): a new version of the plan in use
// shows the engine's diff and its verdict per instrument; the amendment is recorded with a
// date and a reason in each plan language (keyboard only), and the old version's records
// count again (per plan version); a removed option is shown as breaking the earlier records,
// which are then rejected as incompatible_version. axe on each new state, 320 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const FIX = new URL('../fixtures/amend/', import.meta.url);
const OUT = process.env.KAOPING_SCREENSHOTS;
const fixture = (name) => readFile(new URL(name, FIX));
const json = async (name, file) => ({ name, mimeType: 'application/json', buffer: await fixture(file) });
const book = async (name, file) => ({ name, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await fixture(file) });

async function axeClean(page, what) {
  assert.deepEqual(await axeCheck(page), [], `axe: ${what}`);
}

const rowsOf = (table) => table.locator('tbody tr').evaluateAll((trs) =>
  trs.map((tr) => [...tr.children].map((c) => c.innerText.trim())));

async function noSidewaysScroll(page, what) {
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scroll at 320 px: ${what} (${overflow})`);
  if (OUT) await page.screenshot({ path: `${OUT}/office-amend-320-${what.replace(/\W+/g, '-')}.png`, fullPage: true });
  await axeClean(page, `${what} at 320 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The office page with the old plan (version 1) in use. */
async function withOldPlan(browser, dir) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  await page.goto(url('office.html'));
  await page.getByText('方案有效').first().waitFor();
  // Another plan than the demo: loaded as before, no amendment offered.
  await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles(await json('方案-v1.json', `${dir}/old.json`));
  await page.locator('.facts').first().getByText('方案-v1.json').waitFor();
  await page.locator('#plan-status').getByText('方案有效').waitFor();
  assert.equal(await page.locator('section.amend').count(), 0, 'no amendment for another plan');
  return { page, errors };
}

test('a label fix is recorded as an amendment and the old records count', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await withOldPlan(browser, 'label_fix');

    // The new version through the same input, as the workbook the office edited in Excel
    // (new.xlsx is `kaoping plan to-xlsx new.json`): its changes, all keeping the records valid.
    await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles(await book('方案-v2.xlsx', 'label_fix/new.xlsx'));
    const panel = page.locator('section.amend');
    await panel.getByRole('heading', { name: '修订方案：版本 1 → 2' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'amend-h', 'focus on the amendment');
    await panel.getByText('各问卷的旧版答卷仍然有效。').waitFor();
    const changes = await rowsOf(page.getByRole('table', { name: '改动清单（6 处）' }));
    assert.equal(changes.length, 6);
    assert.match(changes[3][0], /问卷 public 题目 overall 的题干修改（仅文字）/);
    assert.ok(changes.every((r) => r[1] === '仍然有效'), JSON.stringify(changes));
    const verdicts = await rowsOf(page.getByRole('table', { name: '各问卷和现场查核表：旧版答卷是否仍然有效' }));
    assert.deepEqual(verdicts, [['public', '仍然有效', '—'], ['expert', '仍然有效', '—']]);
    assert.match(await panel.innerText(), /版本 1 收集的全部答卷都会作为“属于另一方案”（another_plan）被拒绝/);
    assert.equal(await page.locator('.facts').first().getByText('方案-v1.json').count(), 1, 'the old plan still in use');
    if (OUT) await page.screenshot({ path: `${OUT}/office-amend-diff.png`, fullPage: true });
    await axeClean(page, 'the diff');
    await noSidewaysScroll(page, 'the diff');

    // Date and reasons, then the record button, by keyboard alone.
    assert.match(await page.locator('#amend-date').inputValue(), /^\d{4}-\d{2}-\d{2}$/, 'today by default');
    await page.locator('#amend-date').fill('2026-07-01');
    await page.locator('#amend-reason-zh-CN').focus();
    await page.keyboard.type('年中修订');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'amend-reason-en');
    await page.keyboard.type('Mid-year amendment');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'amend-record');
    await page.keyboard.press('Enter');

    const done = page.locator('#amend-done');
    await done.getByText('已记录修订：版本 2（2026-07-01），现为现行方案。').waitFor();
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    assert.equal(await page.locator('section.amend').count(), 0);
    const [download] = await Promise.all([page.waitForEvent('download'),
      done.getByRole('button', { name: '下载修订后的方案（方案-v2.json）' }).click()]);
    const amended = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(amended.version, '2');
    assert.deepEqual(amended.amendments.map((a) => [a.version, a.date, a.reason]),
      [['2', '2026-07-01', { 'zh-CN': '年中修订', en: 'Mid-year amendment' }]]);
    await axeClean(page, 'the amendment recorded');

    // The version 1 records count, under version 1; the amended plan survives a reload.
    await page.reload();
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    await page.getByLabel('数据文件', { exact: true }).setInputFiles(await json('records.jsonl', 'label_fix/records.jsonl'));
    await page.getByRole('heading', { name: '读取 3 条，接受 3 条，拒绝 0 条' }).waitFor();
    assert.deepEqual(await rowsOf(page.getByRole('table', { name: '按方案版本接受的答卷' })), [['1', '3'], ['2', '0']]);
    await axeClean(page, 'the records per version');
    await noSidewaysScroll(page, 'the records per version');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a removed option is shown as breaking earlier records, which are then rejected', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await withOldPlan(browser, 'option_removed');

    // The explicit action, by keyboard: the button opens the file chooser.
    // (Listening before the key: Playwright intercepts the chooser only once it listens.)
    const chooserOpened = new Promise((resolve) => { page.once('filechooser', resolve); });
    await page.locator('#amend-choose').focus();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'amend-choose');
    await page.keyboard.press('Enter');
    const chooser = await chooserOpened;
    await chooser.setFiles(await json('方案-v2.json', 'option_removed/new.json'));
    const panel = page.locator('section.amend');
    await panel.getByText('有的问卷的旧版答卷不再有效（见下表）。').waitFor();
    const changes = await rowsOf(page.getByRole('table', { name: /^改动清单/ }));
    const removed = changes.find((r) => /删除选项 60\+/.test(r[0]));
    assert.deepEqual(removed?.[1], '不再有效', JSON.stringify(changes));
    const verdicts = await rowsOf(page.getByRole('table', { name: '各问卷和现场查核表：旧版答卷是否仍然有效' }));
    assert.deepEqual(verdicts[0], ['public', '不再有效', '问卷 public 题目 age 删除选项 60+']);
    await axeClean(page, 'an incompatible diff');
    await noSidewaysScroll(page, 'an incompatible diff');

    // In English, as the engine wrote it.
    await page.locator('#lang-switch').click();
    await panel.getByRole('heading', { name: 'Amending the plan: version 1 → 2' }).waitFor();
    await panel.getByText("instrument public: question age's option 60+ removed").first().waitFor();
    await axeClean(page, 'the diff in English');
    await page.locator('#lang-switch').click();

    // A reason missing a language is refused with the engine's message.
    await page.getByLabel('修订理由（中文）').fill('删除选项');
    await page.getByRole('button', { name: '记录修订并使用新版本' }).click();
    await page.locator('#amend-error').waitFor();
    await page.getByLabel('修订理由（英文）').fill('Option removed');
    await page.getByRole('button', { name: '记录修订并使用新版本' }).click();
    await page.locator('#amend-done').waitFor();

    await page.getByLabel('数据文件', { exact: true }).setInputFiles(await json('records.jsonl', 'option_removed/records.jsonl'));
    await page.getByRole('heading', { name: '读取 3 条，接受 0 条，拒绝 3 条' }).waitFor();
    const rejections = await rowsOf(page.getByRole('table', { name: '被拒绝的记录' }));
    assert.equal(rejections.length, 3);
    assert.ok(rejections.every((r) => r[3].startsWith('旧版答卷不再有效')), JSON.stringify(rejections));
    await page.locator('#lang-switch').click();
    const en = await rowsOf(page.getByRole('table', { name: 'Rejected records' }));
    assert.ok(en[0][3].startsWith('Earlier version no longer valid'), JSON.stringify(en[0]));
    await axeClean(page, 'the incompatible_version rejections');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
