// The cadre roster (干部名单) on the office page: the cadre appraisal's records and a roster of
// named people are scored together; the results name each cadre with post and grade, list the
// talks by name, and warn about the votes on a role nobody on the roster holds. zh-CN and
// English, axe on each state. The public page shows no cadre name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const RECORDS = new URL('../fixtures/office-demo/cadre.csv', import.meta.url);
const ROSTER = new URL('../../docs/examples/cadres-demo.csv', import.meta.url);

async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

test('a cadre roster names the cadres, their grades and the talk lists', async () => {
  // The example roster without 江岸区's second deputy: that role's votes are not graded.
  const roster = (await readFile(ROSTER, 'utf8')).split('\n').filter((l) => !l.startsWith('jiangan,江岸区,deputy_2,')).join('\n');
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'cadre.csv', mimeType: 'text/csv', buffer: await readFile(RECORDS) });
    await page.getByRole('button', { name: '选择干部名单…' }).waitFor();
    await page.locator('#cadre-roster').setInputFiles({ name: '干部名单.csv', mimeType: 'text/csv', buffer: Buffer.from(roster, 'utf8') });
    await page.locator('#cadre-roster-hint').getByText('已选干部名单：干部名单.csv').waitFor();
    await page.getByRole('button', { name: '用这些文件重新评分' }).click();
    await page.locator('#results-h').waitFor({ timeout: 120_000 });

    const table = page.getByRole('table', { name: '各单位领导干部等次（按姓名）' });
    await table.waitFor();
    const head = await table.locator('thead th').allTextContents();
    assert.deepEqual(head.slice(0, 4), ['单位', '干部', '姓名', '职务']);
    const rows = await rowsOf(table);
    assert.equal(rows.length, 63, 'every person on the roster, the missing role not graded');
    const jiangan = rows.filter((r) => r[0] === '江岸区');
    assert.deepEqual(jiangan.map((r) => r[2]), ['张某某', '王某某', '李某某']);
    assert.equal(jiangan[0][3], '区委书记');

    // The same grades and talk lists as the result the page downloads (the engine's).
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载结果（JSON）' }).click()]);
    const result = JSON.parse(await readFile(await dl.path(), 'utf8'));
    const grades = { excellent: '优秀', competent: '称职', basically_competent: '基本称职', incompetent: '不称职', insufficient: '票数不足' };
    const cadres = result.units.flatMap((u) => u.cadres);
    assert.deepEqual(rows.map((r) => [r[2], r[9]]), cadres.map((c) => [c.name, grades[c.grade]]));
    const talks = await rowsOf(page.getByRole('table', { name: '各单位谈话名单（按姓名）' }));
    const admonished = result.units.flatMap((u) => u.talks.admonition.map((e) => e.name));
    assert.ok(admonished.length > 0, 'the demo has admonition talks');
    for (const name of admonished) assert.ok(talks.some((r) => r[1].includes(name)), `${name} on the list`);
    const warning = result.warnings.find((w) => w.code === 'cadre_not_on_roster');
    assert.equal(warning?.unit, 'jiangan');
    await page.getByText(warning.message['zh-CN']).first().waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe: results with a cadre roster');

    // The unit's dialog names its cadres too.
    await page.getByRole('button', { name: '江岸区：查看明细' }).click();
    const dialog = page.getByRole('dialog', { name: '江岸区' });
    await dialog.getByRole('cell', { name: '张某某' }).waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe: unit dialog with named cadres');
    await page.keyboard.press('Escape');

    // English.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    const en = page.getByRole('table', { name: 'Leading cadres’ grades by unit, by name' });
    await en.waitFor();
    assert.deepEqual((await en.locator('thead th').allTextContents()).slice(0, 4), ['Unit', 'Cadre', 'Name', 'Post']);
    await page.getByRole('table', { name: 'Talk lists by unit, by name' }).waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe: results with a cadre roster, English');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
