// The plan as a workbook on the office page: a workbook with mistakes is refused with each
// problem at its cell, a hand-edited workbook loads as the plan, the current plan and a blank
// template download as workbooks; at 320 px; axe on each new state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const fixture = (name) => new URL(`../fixtures/planbook/${name}/book.xlsx`, import.meta.url);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const OUT = process.env.KAOPING_SCREENSHOTS;

async function downloaded(page, button) {
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

test('a plan workbook is read with its problems at their cells, and the plan downloads as one', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 320, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();

    // The demo plan as a workbook: a ZIP named by the plan's id.
    const book = await downloaded(page, page.getByRole('button', { name: '下载方案工作簿（.xlsx）' }));
    assert.equal(book.name, 'wuhan-2026.xlsx');
    assert.equal(book.bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
    const blank = await downloaded(page, page.getByRole('button', { name: '下载空白方案工作簿' }));
    assert.equal(blank.name, 'plan-template.xlsx');

    // A workbook with mistakes: refused, each problem at its cell.
    const input = page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）');
    await input.setInputFiles({ name: 'errors.xlsx', mimeType: XLSX, buffer: await readFile(fixture('errors')) });
    await page.getByText(/方案工作簿有 3 个问题/).first().waitFor();
    const table = page.getByRole('table', { name: '方案工作簿的问题（按类型分组，附单元格）' });
    await table.waitFor();
    const text = await table.textContent();
    assert.match(text, /指标!F3/);
    assert.match(text, /\/indicators\/1\/weights\/central/);
    assert.match(text, /“abc”不是数字/);
    assert.match(text, /'表单-public'!Q3/);
    assert.deepEqual(await axeCheck(page), [], 'axe with the problems of a plan workbook');
    if (OUT) await page.screenshot({ path: `${OUT}/office-planbook-problems-320.png`, fullPage: true });

    // The same mistakes fixed in a spreadsheet (a typo fixed, numbers as text…): the plan loads.
    await input.setInputFiles({ name: 'edited.xlsx', mimeType: XLSX, buffer: await readFile(fixture('edited_in_libreoffice')) });
    await page.getByText('方案有效').first().waitFor();
    const status = await page.locator('#plan-status').textContent();
    // The fingerprint the core's fixture test reads from the same workbook (planbook_fixtures).
    const expected = JSON.parse(await readFile(new URL('../fixtures/planbook/edited_in_libreoffice/expected.json', import.meta.url), 'utf8'));
    assert.match(expected.sha256, /^[0-9a-f]{64}$/);
    assert.ok(status.includes(expected.sha256), `${status} names ${expected.sha256}`);
    // Its warnings stay in view (a skipped title row, an unknown column).
    const warnings = await page.getByRole('table', { name: '方案工作簿的问题（按类型分组，附单元格）' }).textContent();
    assert.match(warnings, /单位!F2/);
    assert.deepEqual(await axeCheck(page), [], 'axe with a plan workbook loaded');
    if (OUT) await page.screenshot({ path: `${OUT}/office-planbook-loaded-320.png`, fullPage: true });
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
  }
});

test('next year’s plan: downloaded as a workbook, loaded back as the plan, saved as JSON', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 320, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();

    // This year's plan (the demo's, 2026) → next year's as a workbook, with each change listed.
    const next = await downloaded(page, page.getByRole('button', { name: '下载明年的方案（XLSX）' }));
    assert.equal(next.name, 'kaoping-plan-2027.xlsx');
    assert.equal(next.bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
    const changes = page.getByRole('list', { name: 'kaoping-plan-2027.xlsx 中的改动' });
    await changes.waitFor();
    const items = await changes.getByRole('listitem').allInnerTexts();
    assert.ok(items.includes('年度 2026 → 2027'), items.join('\n'));
    assert.ok(items.some((x) => x.startsWith('编号 wuhan-2026 → wuhan-2027')), items.join('\n'));
    assert.deepEqual(await axeCheck(page), [], 'axe with next year’s changes listed');

    // The workbook, as the office would drop it back after editing: it is next year's plan.
    await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles({ name: next.name, mimeType: XLSX, buffer: next.bytes });
    // (Another plan id than the one in use: loaded as the plan, no amendment offered.)
    await page.locator('.facts').first().getByText(next.name).waitFor();
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    assert.equal(await page.locator('section.amend').count(), 0);

    // Saved as the JSON the web site publishes.
    const json = await downloaded(page, page.getByRole('button', { name: '下载方案（JSON）' }));
    assert.equal(json.name, 'wuhan-2027.json');
    const plan = JSON.parse(json.bytes.toString('utf8'));
    assert.equal(plan.year, 2027);
    assert.equal(plan.version, '1');
    assert.equal(plan.amendments, undefined);
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
  }
});
