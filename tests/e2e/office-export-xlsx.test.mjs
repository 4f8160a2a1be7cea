// A survey tool's export as a workbook on the office page: the 问卷星-style export saved by
// LibreOffice Calc (tests/fixtures/office-files/wjx-export.xlsx) is dropped, checked before the
// run (the value that matches no option listed with its count), that value is recoded to an
// option in the check, and the run reads the rows holding it (one is then rejected by the
// form's own check, by name). The recoding is remembered for
// the tool's layout: the same file dropped again gets it back. Axe and 320 px on the new states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const BOOK = new URL('../fixtures/office-files/wjx-export.xlsx', import.meta.url);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const OUT = process.env.KAOPING_SCREENSHOTS;
const Q5 = '5、总体而言，您对本区政府工作的满意程度如何？';

/** Rows of a table as arrays of cell texts (th and td). */
async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

test('an XLSX export is checked, a value recoded, and run; the recoding is offered again', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    const drop = async () => page.getByLabel('数据文件', { exact: true })
      .setInputFiles({ name: 'wjx-export.xlsx', mimeType: XLSX, buffer: await readFile(BOOK) });
    await drop();

    // The check before the run: the workbook's unmatched value, with its count.
    const unmatched = page.getByRole('table', { name: '“wjx-export.xlsx”中无法对应的值' });
    await unmatched.waitFor();
    const [row] = await rowsOf(unmatched);
    assert.deepEqual(row.slice(0, 3), [Q5, '特别满意', '2']);
    const select = page.getByLabel(`把“特别满意”（${Q5}）读作`);
    assert.equal(await select.inputValue(), '', 'not recoded yet');
    assert.deepEqual(await axeCheck(page), [], 'axe on the check with the recoding select');

    // Recode it to 非常满意 (5), then run: the two rows holding it are read.
    await select.selectOption('=5');
    await page.getByRole('button', { name: '用这些文件重新评分' }).click();
    const heading = page.locator('#ingest-h');
    await heading.waitFor();
    // Both rows holding it are read now; one of them then meets the form's own check (其他
    // chosen, its text left empty), named as such.
    assert.match(await heading.innerText(), /^读取 4 条，接受 3 条，拒绝 1 条$/);
    const [rejected] = await rowsOf(page.getByRole('table', { name: '被拒绝的记录' }));
    assert.deepEqual(rejected.slice(0, 3), ['wjx-export.xlsx', '5', '8、请写明其他方面']);
    if (OUT) await page.locator('section.preview').screenshot({ path: `${OUT}/office-recode-1280.png` });

    // Dropped again (the same layout): the recoding chosen is offered, and said so.
    await page.getByRole('button', { name: '移除 wjx-export.xlsx' }).click();
    await page.setViewportSize({ width: 320, height: 800 });
    await drop();
    await unmatched.waitFor();
    await page.getByText('已沿用此前同样表头的文件所选的对应与改写，可在下面修改。').waitFor();
    assert.equal(await page.getByLabel(`把“特别满意”（${Q5}）读作`).inputValue(), '=5');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scroll at 320 px (${overflow})`);
    assert.deepEqual(await axeCheck(page), [], 'axe at 320 px');
    if (OUT) await page.locator('section.preview').screenshot({ path: `${OUT}/office-recode-320.png` });
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
  }
});
