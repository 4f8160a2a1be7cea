// An office's own year on the office page, in one session (issue 15, "How it is checked"):
// its plan as a workbook saved by LibreOffice, with a mistyped cell, is refused with the
// problem at its cell (指标!F3); the corrected workbook loads; the public survey is previewed
// in English at 320 px; the year's first records are read and scored; the plan is amended
// mid-year with a compatible change (a new workbook version); the earlier records still count,
// under version 1, and give the same scores. axe on each new state. Fixtures:
// tests/fixtures/office-year/README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const YEAR = new URL('../fixtures/office-year/', import.meta.url);
const AMEND = new URL('../fixtures/amend/label_fix/', import.meta.url);
const OUT = process.env.KAOPING_SCREENSHOTS;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
// The plan of the workbooks (tests/fixtures/amend/label_fix/old.json): the records' plan_sha256.
const SHA_V1 = 'c547b28f8ceab55dd21c86ae93911ba33187c2521dc9e94b951659833fb5690e';

const file = async (name, dir, path, mimeType) => ({ name, mimeType, buffer: await readFile(new URL(path, dir)) });
const rowsOf = (table) => table.locator('tbody tr').evaluateAll((trs) =>
  trs.map((tr) => [...tr.children].map((c) => c.innerText.trim())));
const overflow = (page, selector) => page.locator(selector).evaluate((el) => el.scrollWidth - el.clientWidth);

async function axeClean(page, what) {
  assert.deepEqual(await axeCheck(page), [], `axe: ${what}`);
  if (OUT) await page.screenshot({ path: `${OUT}/office-year-${what.replace(/\W+/g, '-')}.png`, fullPage: true });
}

/** The mistyped workbook refused at its cell, in both languages; the corrected one loaded. */
async function loadPlanBook(page) {
  const input = page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）');
  await input.setInputFiles(await file('城镇考评方案.xlsx', YEAR, 'broken.xlsx', XLSX));
  await page.locator('#plan-status.bad').getByText(/^方案工作簿有 \d+ 个问题/).waitFor();
  const problems = page.getByRole('table', { name: '方案工作簿的问题（按类型分组，附单元格）' });
  const rows = await rowsOf(problems);
  const f3 = rows.filter((r) => r.join(' ').includes('指标!F3'));
  assert.equal(f3.length, 1, JSON.stringify(rows));
  assert.match(f3[0].join(' '), /“0\.4。”不是数字/);
  assert.match(f3[0].join(' '), /\/indicators\/1\/weights\/district/);
  await axeClean(page, 'the workbook refused');
  await page.locator('#lang-switch').click();
  const en = await page.getByRole('table', { name: 'Problems of the plan workbook (grouped by kind, with their cells)' }).textContent();
  assert.match(en, /指标!F3/);
  assert.match(en, /"0\.4。" is not a number/);
  await page.locator('#lang-switch').click();

  // The cell corrected (the workbook as LibreOffice saved it): the plan the records were made for.
  await input.setInputFiles(await file('城镇考评方案.xlsx', YEAR, 'fixed.xlsx', XLSX));
  await page.locator('#plan-status.good').getByText(SHA_V1).waitFor();
  assert.equal(await page.getByRole('table', { name: '方案工作簿的问题（按类型分组，附单元格）' }).count(), 0);
  assert.equal(await page.locator('section.amend').count(), 0, 'another plan than the demo: no amendment');
  await axeClean(page, 'the corrected workbook loaded');
}

/** The public survey as respondents see it in English, on a phone. */
async function previewInEnglish(page) {
  const step = page.locator('#forms');
  const frame = page.locator('#forms-frame');
  await step.getByLabel('问卷', { exact: true }).selectOption('public');
  await step.getByRole('radio', { name: 'English' }).check();
  await step.getByLabel('手机宽度（320 像素）').check();
  await frame.getByRole('heading', { level: 1, name: 'Public satisfaction survey' }).waitFor();
  assert.equal(await frame.getAttribute('lang'), 'en');
  const box = await frame.boundingBox();
  assert.ok(Math.abs(box.width - 320) <= 1, `the phone frame is 320 px wide, not ${box.width}`);
  assert.deepEqual(await frame.locator('[data-question]').evaluateAll((qs) => qs.map((q) => q.dataset.question)),
    ['district', 'age', 'overall', 'comment']);
  // The English labels, as a screen reader names each question and answer.
  for (const name of ['Where do you live? (required)', 'Your age (optional)', 'Overall satisfaction (required)']) {
    assert.ok(await frame.getByRole('group', { name, exact: true }).isVisible(), `the question “${name}”`);
  }
  for (const name of ['East', 'West', '18–29', '60 and over', 'Very dissatisfied', 'Very satisfied']) {
    assert.ok(await frame.getByRole('radio', { name, exact: true }).isVisible(), `the answer “${name}”`);
  }
  assert.ok(await frame.getByRole('textbox', { name: 'Comments (optional)', exact: true }).isVisible());
  assert.deepEqual(await frame.locator('h2').allInnerTexts(), ['About you', 'Your views']);
  assert.equal(await frame.getByText('您住在哪个区？').count(), 0, 'no Chinese label in the English preview');
  assert.ok(await overflow(page, '#forms-frame') <= 0, 'nothing wider than the phone frame');
  // And the office page itself on a phone.
  await page.setViewportSize({ width: 320, height: 800 });
  await frame.getByRole('heading', { level: 1, name: 'Public satisfaction survey' }).waitFor();
  assert.ok(await overflow(page, 'html') <= 0, 'no sideways scroll at 320 px');
  assert.ok(await overflow(page, '#forms-frame') <= 0, 'nothing wider than the phone frame at 320 px');
  await axeClean(page, 'the survey in English at 320 px');
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The records read and scored; the ranking, to compare after the amendment. */
async function ingest(page, what) {
  await page.getByRole('heading', { name: '读取 3 条，接受 3 条，拒绝 0 条' }).waitFor();
  const files = await rowsOf(page.getByRole('table', { name: /^已载入的数据文件：1 个/ }));
  assert.deepEqual(files.map((r) => r.slice(0, 1).concat(r.slice(2, 5))), [['records.jsonl', '3', '3', '0']]);
  assert.equal(await page.getByRole('table', { name: '被拒绝的记录' }).count(), 0);
  const ranking = await rowsOf(page.getByRole('table', { name: '城区排名' }));
  assert.equal(ranking.length, 2, JSON.stringify(ranking));
  await axeClean(page, what);
  return ranking;
}

/** A compatible amendment (new wording, an added option and question) recorded by the office. */
async function amend(page) {
  await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles(await file('城镇考评方案-7月.xlsx', AMEND, 'new.xlsx', XLSX));
  const panel = page.locator('section.amend');
  await panel.getByRole('heading', { name: '修订方案：版本 1 → 2' }).waitFor();
  await panel.getByText('各问卷的旧版答卷仍然有效。').waitFor();
  const verdicts = await rowsOf(page.getByRole('table', { name: '各问卷和现场查核表：旧版答卷是否仍然有效' }));
  assert.deepEqual(verdicts, [['public', '仍然有效', '—'], ['expert', '仍然有效', '—']]);
  await axeClean(page, 'the amendment offered');
  await page.locator('#amend-date').fill('2026-07-01');
  await page.getByLabel('修订理由（中文）').fill('年中追加选项和题目');
  await page.getByLabel('修订理由（英文）').fill('Mid-year: an option and a question added');
  await page.getByRole('button', { name: '记录修订并使用新版本' }).click();
  await page.locator('#amend-done').getByText('已记录修订：版本 2（2026-07-01），现为现行方案。').waitFor();
  await page.locator('#plan-status.good').getByText('方案有效').waitFor();
  assert.doesNotMatch(await page.locator('#plan-status').textContent(), new RegExp(SHA_V1), 'version 2 in use');
}

test('an office’s year: workbook fixed by its cell, survey previewed, records kept across an amendment', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();

    await loadPlanBook(page);
    await previewInEnglish(page);

    // The first months' records (sealed under version 1): all accepted and scored.
    const records = await file('records.jsonl', AMEND, 'records.jsonl', 'application/json');
    await page.getByLabel('数据文件', { exact: true }).setInputFiles(records);
    const before = await ingest(page, 'the records read under version 1');
    assert.equal(await page.getByRole('table', { name: '按方案版本接受的答卷' }).count(), 0, 'one version: no count per version');

    await amend(page);

    // The same files scored again under version 2: still accepted, counted under version 1,
    // the same scores.
    // (Only a plan with amendments counts per version: the table shows this run's report.)
    await page.getByRole('button', { name: '用这些文件重新评分' }).click();
    const versions = page.getByRole('table', { name: '按方案版本接受的答卷' });
    await versions.waitFor();
    assert.deepEqual(await rowsOf(versions), [['1', '3'], ['2', '0']]);
    const after = await ingest(page, 'the records read under version 2');
    assert.deepEqual(after, before, 'the same ranking and scores');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
