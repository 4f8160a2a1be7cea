// The office's own files on the office page: a 问卷星-style export checked before the run
// (what each column becomes, how it is read, the value that matches no option with its count),
// then scored with the check's readings; the year-end templates downloaded, a filled figures
// table dropped and counted as indicator figures; next year's history; axe on each new state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const EXPORT = new URL('../fixtures/office-files/wjx-export.csv', import.meta.url);
const OUT = process.env.KAOPING_SCREENSHOTS;

/** Clicks `button` and returns the download: its suggested name and bytes. */
async function downloaded(page, button) {
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

/** Rows of a table as arrays of cell texts (th and td). */
async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

/** The figures template (CSV text, BOM, CRLF) with every data indicator's figures filled. */
function fillFigures(bytes) {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter(Boolean);
  const head = lines[0].split(',');
  const col = (name) => head.indexOf(name);
  let filled = 0;
  const rows = lines.slice(1).map((l) => {
    const cells = l.split(',');
    if (cells[col('指标类型')] === '数据类') {
      cells[col('实际值')] = '95';
      cells[col('目标值')] = '100';
      filled += 1;
    }
    return cells.join(',');
  });
  return { csv: Buffer.from(`\uFEFF${[lines[0], ...rows].join('\r\n')}\r\n`, 'utf8'), filled, blank: rows.length - filled };
}

test('a survey tool export is checked before the run, and the year-end files go in and out', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'wjx-export.csv', mimeType: 'text/csv', buffer: await readFile(EXPORT) });

    // Before the run: the check, and no ingest report yet.
    const unmatched = page.getByRole('table', { name: '“wjx-export.csv”中无法对应的值' });
    await unmatched.waitFor();
    assert.equal(await page.locator('#ingest-h').count(), 0, 'not run yet');
    const [row] = await rowsOf(unmatched);
    assert.equal(row[0], '5、总体而言，您对本区政府工作的满意程度如何？');
    assert.equal(row[1], '特别满意');
    assert.equal(row[2], '2', 'its count');
    assert.match(row[4], /满意/, 'the options it could be');
    await page.getByRole('heading', { name: '1 个值无法对应到选项' }).waitFor();
    const columns = await rowsOf(page.getByRole('table', { name: '“wjx-export.csv”各列的读法' }));
    const of = (header) => columns.find((r) => r[0] === header);
    assert.match(of('来自IP')[1], /^已识别，不使用/);
    assert.match(of('所用时间')[1], /^答题用时/);
    assert.match(of('4、(停车便利)')[1], /^矩阵题的一行/);
    assert.equal(of('4、(停车便利)')[2], '选项文字');
    assert.match(of('1、您常住在哪个区？')[1], /^题目/);
    assert.deepEqual(await axeCheck(page), [], 'axe on the check before the run');
    if (OUT) await page.locator('section.preview').screenshot({ path: `${OUT}/office-preview-1280.png` });

    // The run, with the check's readings: the two rows holding the value are rejected.
    await page.getByRole('button', { name: '用这些文件重新评分' }).click();
    const heading = page.locator('#ingest-h');
    await heading.waitFor();
    assert.match(await heading.innerText(), /^读取 4 条，接受 2 条，拒绝 2 条$/);
    const rejections = await page.getByRole('table', { name: '被拒绝的记录' }).innerText();
    assert.match(rejections, /特别满意/);

    // The figures template, filled and dropped: counted as indicator figures.
    const template = await downloaded(page, page.getByRole('button', { name: '指标数据模板（CSV）' }));
    assert.match(template.name, /^kaoping-.*-figures-template\.csv$/);
    const xlsx = await downloaded(page, page.getByRole('button', { name: '指标数据模板（XLSX）' }));
    assert.deepEqual([...xlsx.bytes.subarray(0, 2)], [0x50, 0x4b], 'a ZIP');
    const { csv, filled, blank } = fillFigures(template.bytes);
    assert.ok(filled > 0 && blank > 0, `${filled} filled, ${blank} blank`);
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'figures.csv', mimeType: 'text/csv', buffer: csv });
    const files = page.getByRole('table', { name: /^已载入的数据文件：2 个/ });
    await files.getByText(`指标数据：使用 ${filled} 行，空 ${blank} 行`).waitFor();
    const inputs = await page.locator('table.inputs').innerText();
    assert.match(inputs, new RegExp(`指标数据条数\\s+${filled}`));
    assert.deepEqual(await axeCheck(page), [], 'axe with the year-end file counted');
    if (OUT) await files.screenshot({ path: `${OUT}/office-files-1280.png` });

    // Next year's history from this result (no history file loaded).
    const next = await downloaded(page, page.getByRole('button', { name: '下载明年的往年等次（CSV）' }));
    assert.match(next.name, /-history\.csv$/);
    const lines = next.bytes.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
    assert.ok(lines.length > 1, 'a header and a row per unit');
    assert.equal(await page.locator('#yearend-message').innerText(), '');

    // With this year's history file loaded, next year's history carries it on (as XLSX).
    const history = await readFile(new URL('../fixtures/office-demo/history.json', import.meta.url));
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'history.json', mimeType: 'application/json', buffer: history });
    await page.getByRole('table', { name: /^已载入的数据文件：3 个/ }).getByText('往年等次', { exact: true }).waitFor();
    await page.getByText(/^由本次结果和已载入的 1 个往年等次文件生成/).waitFor();
    const nextXlsx = await downloaded(page, page.getByRole('button', { name: '下载明年的往年等次（XLSX）' }));
    assert.match(nextXlsx.name, /-history\.xlsx$/);
    assert.deepEqual([...nextXlsx.bytes.subarray(0, 2)], [0x50, 0x4b], 'a ZIP');
    assert.equal(await page.locator('#yearend-message').innerText(), '');

    // At 320 px wide: the check and the year-end buttons stay usable.
    await page.setViewportSize({ width: 320, height: 800 });
    await page.getByRole('button', { name: '移除 history.json' }).click();
    await page.getByRole('button', { name: '移除 figures.csv' }).click();
    await page.getByRole('button', { name: '移除 wjx-export.csv' }).click();
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'wjx-export.csv', mimeType: 'text/csv', buffer: await readFile(EXPORT) });
    await unmatched.waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scroll at 320 px (${overflow})`);
    assert.deepEqual(await axeCheck(page), [], 'axe at 320 px');
    // A reload shows the check again, still before the run.
    await page.reload();
    await unmatched.waitFor();
    assert.equal(await page.locator('#ingest-h').count(), 0, 'still not run');
    if (OUT) {
      await page.locator('section.preview').screenshot({ path: `${OUT}/office-preview-320.png` });
      await page.locator('section.yearend').screenshot({ path: `${OUT}/office-yearend-320.png` });
    }
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
  }
});
