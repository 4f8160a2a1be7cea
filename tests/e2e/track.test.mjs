// The tracking page: the demo periods through September give the warnings the demo is made to
// show (see crates/kaoping_core/src/track/demo.rs), who is behind, a trend chart with its table,
// peers side by side, the warning CSV and a printable notice; zero axe violations, in zh-CN and
// in English. Driven by roles and labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

test('the tracking page loads the demo periods and shows the expected warnings', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('track.html'));
    await page.getByRole('heading', { level: 1, name: '跟踪管理：月度、季度监测与预警' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await page.getByLabel('截至月份').selectOption('2026-09');
    assert.deepEqual(await axeCheck(page), [], 'axe: before loading');

    await page.getByRole('button', { name: '载入示例数据' }).click();
    await page.getByRole('heading', { level: 2, name: '5. 预警清单' }).waitFor();

    // summary: 13 warnings to 5 units, 蔡甸区 vetoed, nothing rejected, one missing month
    const facts = await page.locator('.facts').innerText();
    assert.match(facts, /截至\s+2026-09/);
    assert.match(facts, /拒绝\s+0/);
    assert.match(facts, /预警\s+13/);
    assert.match(facts, /涉及单位\s+5/);
    assert.match(facts, /一票否决单位\s+蔡甸区/);
    const missing = await rowsOf(page.getByRole('region', { name: /缺报期间/ }));
    assert.deepEqual(missing, [['东西湖区', '先进制造业增加值增速', '2026-04']]);

    // who is behind: furthest behind first, all with a negative gap
    const behind = await rowsOf(page.getByRole('region', { name: /落后于时间进度的单位/ }));
    assert.equal(behind[0][0], '黄陂区');
    assert.equal(behind[0][1], '一般公共预算收入');
    for (const row of behind) assert.match(row[4], /^-/);

    // the warning list: the units and levels the demo is made to show
    const warnings = await rowsOf(page.getByRole('region', { name: /预警清单/ }));
    assert.equal(warnings.length, 13);
    const units = [...new Set(warnings.map((w) => w[1]))];
    assert.deepEqual(units, ['硚口区', '蔡甸区', '江夏区', '黄陂区', '市交通运输局']);
    assert.ok(warnings.some((w) => w[1] === '蔡甸区' && w[0] === '预警通知单' && /一票否决/.test(w[5])));
    assert.ok(warnings.some((w) => w[1] === '硚口区' && w[4] === 'milestone_late' && /主体绿化种植/.test(w[5])));
    assert.ok(warnings.some((w) => w[1] === '黄陂区' && w[4] === 'behind_10' && w[0] === '预警通知单'));

    // the CSV export: UTF-8 with BOM, a header and 13 rows
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出预警清单（CSV）' }).click()]);
    assert.equal(dl.suggestedFilename(), 'warnings-2026-09.csv');
    const csv = await readFile(await dl.path(), 'utf8');
    assert.ok(csv.startsWith('\ufeff级别,规则,'), csv.slice(0, 40));
    assert.equal(csv.trim().split('\r\n').length, 14);
    // and as an Excel workbook (a ZIP with a worksheet)
    const [dx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出预警清单（Excel 工作簿）' }).click()]);
    assert.equal(dx.suggestedFilename(), 'warnings-2026-09.xlsx');
    const xlsx = await readFile(await dx.path());
    assert.equal(xlsx.subarray(0, 2).toString('latin1'), 'PK');
    assert.ok(xlsx.includes(Buffer.from('xl/worksheets/sheet1.xml')));

    // the trend chart of the indicator furthest behind, with its table alternative and peers
    const chart = page.getByRole('img', { name: /黄陂区一般公共预算收入：完成率、时间进度与目标/ });
    await chart.waitFor();
    const series = await rowsOf(page.getByRole('region', { name: /黄陂区一般公共预算收入逐期数据/ }));
    assert.equal(series.length, 9);
    assert.equal(series[8][0], '2026-09');
    await page.getByLabel('指标', { exact: true }).selectOption({ label: '固定资产投资增速' });
    await page.getByLabel('单位', { exact: true }).selectOption({ label: '硚口区' });
    await page.getByRole('img', { name: /硚口区固定资产投资增速/ }).waitFor();
    const peers = await rowsOf(page.getByRole('region', { name: /同类单位比较：固定资产投资增速（中心城区）/ }));
    assert.equal(peers.length, 5);
    assert.ok(peers.some((p) => p[0] === '硚口区' && /^5 \/ 5$/.test(p[7])), JSON.stringify(peers));

    // a printable notice
    await page.getByRole('button', { name: '查看黄陂区的通知单' }).click();
    const notice = page.locator('.notice-view');
    await notice.getByRole('heading', { name: '预警通知单' }).waitFor();
    assert.match(await notice.innerText(), /黄陂区：[\s\S]*behind_10/);
    assert.equal(await notice.locator('tbody tr').count(), 3);
    assert.deepEqual(await axeCheck(page), [], 'axe: results and notice');

    // in English: the engine's messages in English
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tracking: monthly and quarterly monitoring and warnings' }).waitFor();
    const en = await rowsOf(page.getByRole('region', { name: /Warning list/ }));
    assert.equal(en.length, 13);
    assert.ok(en.some((w) => w[1] === 'Caidian District' && w[0] === 'Warning notice' && /veto/.test(w[5])));
    await page.locator('.notice-view').getByRole('heading', { name: 'Warning notice' }).waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe: English');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await browser.close();
  }
});

test('tracking files chosen by the office: rejections are listed with file, row and reason', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('track.html?lang=en'));
    await page.getByRole('heading', { level: 1, name: 'Tracking: monthly and quarterly monitoring and warnings' }).waitFor();
    await page.getByRole('button', { name: 'Analyse the chosen files' }).click();
    await page.getByRole('alert').getByText('Choose at least one monthly figure file.').waitFor();
    const csv = 'unit,indicator,period,actual\nhuangpi,fiscal_revenue,2026-01,3\nhuangpi,fiscal_revenue,2026-02,x\natlantis,fiscal_revenue,2026-01,1\n';
    await page.getByLabel('Monthly figure files (one or more)').setInputFiles({ name: 'jan.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Analyse the chosen files' }).click();
    await page.getByRole('heading', { level: 2, name: '2. Summary' }).waitFor();
    const rejected = await rowsOf(page.getByRole('region', { name: /Rejected rows/ }));
    assert.deepEqual(rejected.map((r) => r.slice(0, 3)), [['jan.csv', '3', 'actual'], ['jan.csv', '4', 'unit']]);
    assert.match(rejected[1][3], /no unit "atlantis"/);
    // 黄陂区 reported 3 (100 million yuan) of 85 in January against 7% time progress
    const behind = await rowsOf(page.getByRole('region', { name: /Units behind time progress/ }));
    assert.equal(behind[0][0], 'Huangpi District');
    assert.deepEqual(await axeCheck(page), [], 'axe: files with rejections');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await browser.close();
  }
});

test('the notice register: notices issued with numbers and deadlines, kept, and overdue the next month', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 320, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    // The page's statuses are for today in China: the test sets the day.
    await page.clock.setFixedTime(new Date('2026-09-07T09:00:00+08:00'));
    await page.goto(url('track.html'));
    await page.getByLabel('截至月份').selectOption('2026-08');
    await page.getByRole('button', { name: '载入示例数据' }).click();
    await page.getByRole('heading', { level: 3, name: '通知单台账' }).waitFor();
    // The first month: no register yet; issued on Monday 7 September.
    await page.getByLabel('下发日期').fill('2026-09-07');
    await page.getByRole('button', { name: '下发通知单并更新台账' }).click();
    await page.getByText('台账共 5 份通知单，本次下发 5 份，逾期未答复 0 份。').first().waitFor();
    const first = await rowsOf(page.getByRole('region', { name: /通知单台账/ }));
    assert.deepEqual(first.map((r) => r[1]), ['硚口区', '蔡甸区', '江夏区', '黄陂区', '市交通运输局']);
    assert.deepEqual([...new Set(first.map((r) => r[5]))], ['2026-09-21'], 'ten working days later');
    assert.deepEqual([...new Set(first.map((r) => r[7]))], ['已下发']);
    assert.deepEqual(first.filter((r) => r[2] === '预警通知单').map((r) => r[0]), ['考评预〔2026〕1号', '考评预〔2026〕2号', '考评预〔2026〕3号']);
    // The printed notice carries its number and deadline.
    await page.getByRole('button', { name: '查看黄陂区的通知单' }).click();
    const notice = page.locator('.notice-view');
    await notice.getByText('考评预〔2026〕3号').waitFor();
    assert.match(await notice.innerText(), /于 2026年9月21日前（10 个工作日内）书面报送/);
    assert.deepEqual(await axeCheck(page), [], 'axe: register at 320 px');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载通知单台账（CSV）' }).click()]);
    const csv = await readFile(await dl.path(), 'utf8');
    assert.ok(csv.startsWith('\ufeff文号,单位,级别,期间,下发日期,答复期限,'), csv.slice(0, 60));

    // The office records 硚口区's reply, then runs September with the register it kept.
    const kept = csv.replace(/^(考评预〔2026〕1号,硚口区,.*?,2026-09-21,\d+),,/m, '$1,2026-09-18,已报送整改方案,');
    assert.notEqual(kept, csv);
    await page.clock.setFixedTime(new Date('2026-10-09T09:00:00+08:00'));
    await page.getByLabel('截至月份').selectOption('2026-09');
    await page.getByRole('button', { name: '载入示例数据' }).click();
    await page.getByLabel(/此前的通知单台账/).setInputFiles({ name: '通知单台账.csv', mimeType: 'text/csv', buffer: Buffer.from(kept) });
    await page.getByLabel('下发日期').fill('2026-10-09');
    await page.getByRole('button', { name: '下发通知单并更新台账' }).click();
    await page.getByText('台账共 10 份通知单，本次下发 5 份，逾期未答复 4 份。').first().waitFor();
    const next = await rowsOf(page.getByRole('region', { name: /通知单台账/ }));
    assert.equal(next.length, 10);
    assert.deepEqual(next[0].slice(6), ['2026-09-18', '已答复']);
    // On 9 October, August's unanswered notices (due 21 September) are overdue; September's are not yet.
    assert.deepEqual(next.slice(1, 5).map((r) => r[7]), ['逾期未答复', '逾期未答复', '逾期未答复', '逾期未答复']);
    assert.deepEqual([...new Set(next.slice(5).map((r) => `${r[5]} ${r[7]}`))], ['2026-10-23 已下发']);
    assert.equal(new Set(next.map((r) => r[0])).size, 10, 'every number once');

    // A register with a date that does not exist: refused, each problem with its row.
    await page.getByLabel(/此前的通知单台账/).setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(kept.replace('2026-09-18', '2026-09-31')) });
    await page.getByRole('button', { name: '下发通知单并更新台账' }).click();
    await page.getByRole('alert').getByText(/第 2 行“答复日期”列：“2026-09-31”不是日期/).waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe: register refused');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await browser.close();
  }
});
