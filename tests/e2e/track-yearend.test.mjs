// The tracking page's year-end step (issue 18, point 1): the demo's whole year made into the
// year's indicator figures in one step, each with its sources and every gap listed; an override
// without a reason refused in the page's language, then made with one and shown with the value
// before and after; the file downloaded is what the aggregation reads, the override in it.
// Zero axe violations, in zh-CN and in English. Driven by roles and labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

test('the year-end figures are made from the demo year in one step, with an override', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('track.html'));
    await page.getByRole('heading', { level: 1, name: '跟踪管理：月度、季度监测与预警' }).waitFor();

    // through September the year is not over: the engine says so
    await page.getByLabel('截至月份').selectOption('2026-09');
    await page.getByRole('button', { name: '载入示例数据' }).click();
    await page.getByRole('heading', { level: 2, name: '9. 年终指标数据' }).waitFor();
    await page.getByRole('button', { name: '生成年终指标数据' }).click();
    await page.getByRole('alert').getByText(/跟踪数据截至 2026-09；年终指标数据取全年最后一期（2026-12）的数据/).waitFor();

    // the whole year
    await page.getByLabel('截至月份').selectOption('2026-12');
    await page.getByRole('button', { name: '载入示例数据' }).click();
    await page.getByRole('button', { name: '生成年终指标数据' }).click();
    await page.getByRole('heading', { level: 3, name: '生成结果' }).waitFor();
    const facts = await page.locator('#yearend-h ~ dl.facts').innerText();
    assert.match(facts, /截至\s+2026-12/);
    assert.match(facts, /单位×指标\s+160/);
    assert.match(facts, /有数值\s+118/);
    assert.match(facts, /缺数据\s+42/);
    assert.match(facts, /人工调整\s+0/);
    const figures = await rowsOf(page.getByRole('region', { name: /各单位各指标的数值与来源/ }));
    assert.equal(figures.length, 160);
    const row = (u, i) => figures.find((f) => f[0] === u && f[1] === i);
    assert.equal(row('蔡甸区', '生态环境保护')[2], '未达标，一票否决');
    assert.match(row('蔡甸区', '生态环境保护')[4], /市生态环境局通报〔2026〕12号.*\[events\.json:1\]/);
    assert.equal(row('硚口区', '重大项目建设')[3], '完成节点 2/4');
    assert.match(row('黄陂区', '一般公共预算收入')[4], /2026-01 至 2026-12 共 12 期之和/);
    assert.match(row('江岸区', '重大项目建设')[2], /^缺数据：方案的跟踪管理部分没有该单位此项指标的项目/);
    assert.equal(row('江岸区', '重大项目建设')[3], '—');
    const december = row('江岸区', '地区生产总值增速')[2].match(/实际值 ([\d.]+)/)[1];
    assert.deepEqual(await axeCheck(page), [], 'axe: the year-end figures');

    // an override without a reason is refused, what was typed kept
    await page.getByLabel('单位和指标').selectOption({ label: '江岸区 — 地区生产总值增速' });
    await page.getByLabel('调整项').selectOption({ label: '实际值' });
    await page.getByLabel('新值（数字，或“是”“否”）').fill('6.1');
    await page.getByRole('button', { name: '加入调整' }).click();
    await page.getByRole('alert').getByText(/调整须写明原因（必填）/).waitFor();
    assert.equal(await page.getByLabel('新值（数字，或“是”“否”）').inputValue(), '6.1');
    await page.getByLabel('调整原因').fill('统计局年度统计公报修订');
    await page.getByRole('button', { name: '加入调整' }).click();
    await page.getByRole('heading', { level: 3, name: '人工调整' }).waitFor();
    const overrides = await rowsOf(page.getByRole('region', { name: /^人工调整/ }));
    assert.deepEqual(overrides, [['江岸区', '地区生产总值增速', '实际值', december, '6.1', '统计局年度统计公报修订', '撤销']]);
    assert.equal(await page.getByRole('alert').count(), 0);

    // the file: what the aggregation reads, with the override and its reason
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /下载年终指标数据/ }).click()]);
    assert.equal(dl.suggestedFilename(), 'year-end-figures-2026.json');
    const text = await readFile(await dl.path(), 'utf8');
    assert.ok(text.startsWith('{\n  "indicators": ['), text.slice(0, 40));
    const file = JSON.parse(text);
    assert.equal(file.indicators.length, 118);
    assert.deepEqual(file.overrides, [{
      unit: 'jiangan', indicator: 'gdp_growth', field: 'actual', original: Number(december), value: 6.1, reason: '统计局年度统计公报修订',
    }]);
    assert.equal(file.indicators.find((i) => i.unit === 'jiangan' && i.indicator === 'gdp_growth').actual, 6.1);

    // in English; then the override removed
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 2, name: '9. Year-end indicator figures' }).waitFor();
    const en = await rowsOf(page.getByRole('region', { name: /Each unit's figures and their sources/ }));
    assert.ok(en.some((f) => f[0] === 'Caidian District' && f[2] === 'not passed, veto'));
    assert.deepEqual(await axeCheck(page), [], 'axe: English');
    await page.getByRole('button', { name: 'Remove the override of Jiang\'an District, GDP growth' }).click();
    await page.getByText('No overrides yet.').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await browser.close();
  }
});
