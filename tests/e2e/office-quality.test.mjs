// The office page draws what the plan's quality rules did (scoring.quality): per unit and in
// total, in the results and in a unit's dialog, in zh-CN and English, at 320 px. The numbers
// are the engine's: the test compares the page with the result JSON the page downloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const DEMO_PLAN = new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url);

async function qualityPlan() {
  const plan = JSON.parse(await readFile(DEMO_PLAN, 'utf8'));
  plan.scoring.quality = {
    speeder: { action: 'down_weight', weight: 0.5 },
    straight_lining: { action: 'exclude' },
  };
  return JSON.stringify(plan, null, 2);
}

async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

test('the results show what the quality rules touched, by unit and in total', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles({
      name: 'quality-plan.json', mimeType: 'application/json', buffer: Buffer.from(await qualityPlan()),
    });
    // The same plan id as the built-in plan: the page offers to record an amendment; the
    // demo's records name that id, so the new rules replace the plan without one.
    await page.getByRole('button', { name: '不记录，直接替换' }).click();
    await page.locator('.facts').first().getByText('quality-plan.json').waitFor();
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    await page.getByRole('button', { name: '生成示例数据' }).click();
    await page.locator('#results-h:focus').waitFor({ timeout: 120_000 });

    const table = page.getByRole('table', { name: '各单位答卷质量规则涉及的答卷数' });
    await table.waitFor();
    const head = await table.locator('thead th').allTextContents();
    assert.deepEqual(head, ['单位', '问卷', '答卷数', '过快作答', '直线作答', '重复提交', '剔除', '降权']);
    const rows = await rowsOf(table);
    const [dl] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: '下载结果（JSON）' }).click()]);
    const result = JSON.parse(await readFile(await dl.path(), 'utf8'));
    const perUnit = result.units.flatMap((u) => u.quality);
    assert.equal(rows.length, perUnit.length + result.quality.length, 'a row per unit and instrument, and the total');
    const total = rows.at(-1);
    assert.equal(total[0], '合计');
    const fmt = (n) => new Intl.NumberFormat('zh-CN').format(n);
    assert.equal(total[2], fmt(result.quality[0].records));
    assert.match(total[3], /降权 ×0\.5/);
    assert.match(total[4], /剔除/);
    assert.match(total[5], /照常计入/);
    assert.deepEqual(await axeCheck(page), [], 'axe: results with quality rules');
    if (process.env.KAOPING_SHOTS) {
      await page.locator('.quality-rules').screenshot({ path: `${process.env.KAOPING_SHOTS}/quality-zh.png` });
    }

    // A unit's dialog shows its own rules' counts, the same as its row.
    const first = result.units.find((u) => u.components.public.n > 0);
    const name = rows.find((r) => r[2] === new Intl.NumberFormat('zh-CN').format(first.quality[0].records))?.[0];
    assert.ok(name, 'the unit has a row');
    await page.getByRole('button', { name: `${name}：查看明细` }).click();
    const dialog = page.getByRole('dialog', { name });
    await dialog.getByRole('heading', { name: '答卷质量规则', exact: true }).waitFor();
    const inDialog = await rowsOf(dialog.getByRole('table', { name: '各单位答卷质量规则涉及的答卷数' }));
    assert.deepEqual(inDialog, [rows.find((r) => r[0] === name).slice(1)]);
    assert.match(await dialog.innerText(), /n_eff = /, 'the effective n beside n');
    assert.deepEqual(await axeCheck(page), [], 'axe: unit dialog with quality rules');
    await page.keyboard.press('Escape');

    // English, and 320 px wide.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('table', { name: 'Records touched by the quality rules, by unit' }).waitFor();
    assert.match(await page.locator('.quality-rules').innerText(), /Total[\s\S]*down-weighted ×0\.5/);
    await page.setViewportSize({ width: 320, height: 800 });
    assert.deepEqual(await axeCheck(page), [], 'axe: English at 320 px');
    if (process.env.KAOPING_SHOTS) {
      await page.locator('.quality-rules').screenshot({ path: `${process.env.KAOPING_SHOTS}/quality-en-320.png` });
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
