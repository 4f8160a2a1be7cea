// The evaluation office's page: plan check, problems, demo scoring, results, a unit's
// details, a responsive page while the worker scores, and Cancel. Driven by roles and labels.
// Numbers that the engine decides are not hard-coded: the test reads them from the page and
// checks their relationships (veto → non-compliant, ranks in order, merit at the top).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const DEMO_PLAN = new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url);

/** The demo plan with a unit in a category that does not exist and an unknown key. */
async function invalidPlan() {
  const plan = JSON.parse(await readFile(DEMO_PLAN, 'utf8'));
  plan.units[0].category = 'nowhere';
  plan.colour = 'red';
  const text = JSON.stringify(plan, null, 2);
  const lines = text.split('\n');
  const at = (needle) => {
    const i = lines.findIndex((l) => l.includes(needle));
    return { line: i + 1, column: lines[i].indexOf(needle) + 1 };
  };
  return { text, category: at('"nowhere"'), colour: at('"red"') };
}

/** Clicks `button` and returns the download: its suggested name and bytes. */
async function downloaded(page, button) {
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

/** RFC 4180 CSV (quotes, doubled quotes, CRLF) into rows of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Rows of a table as arrays of cell texts (th and td). */
async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

async function startFrameCounter(page) {
  await page.evaluate(() => {
    window.__frames = 0;
    const f = () => { window.__frames += 1; requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
}
const frames = (page) => page.evaluate(() => window.__frames);

test('the office checks a plan, shows its problems, scores demo data and shows the results', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByRole('heading', { level: 1, name: '考评办：方案、评分与结果' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');

    // 1. The demo plan is valid; its fingerprint and counts are shown.
    const status = page.locator('#plan-status');
    await status.getByText('方案有效').waitFor();
    const sha = await status.locator('.mono').innerText();
    assert.match(sha, /^[0-9a-f]{64}$/);
    assert.match(await page.locator('.facts').first().innerText(), /武汉市2026年度综合考评[\s\S]*2026[\s\S]*16/);
    assert.deepEqual(await axeCheck(page), [], 'axe: valid demo plan');

    // 2. An invalid plan through the file input: both problems with line:column.
    const bad = await invalidPlan();
    await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles({
      name: 'bad-plan.json', mimeType: 'application/json', buffer: Buffer.from(bad.text),
    });
    await status.getByText('方案有 2 个问题').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'plan-status', 'focus on the verdict');
    const problems = page.getByRole('table', { name: '方案问题（按类型分组）' });
    const text = await problems.innerText();
    assert.match(text, /未知字段/);
    assert.match(text, /引用不存在/);
    const rows = await rowsOf(problems);
    const colour = rows.find((r) => r[1] === '/colour');
    const category = rows.find((r) => r[1] === '/units/0/category');
    assert.ok(colour, `a row for /colour in ${JSON.stringify(rows)}`);
    assert.ok(category, `a row for /units/0/category in ${JSON.stringify(rows)}`);
    assert.equal(colour[0], `${bad.colour.line}:${bad.colour.column}`);
    assert.equal(category[0], `${bad.category.line}:${bad.category.column}`);
    assert.ok(await page.getByRole('button', { name: '生成示例数据' }).isDisabled(), 'no scoring of an invalid plan');
    assert.deepEqual(await axeCheck(page), [], 'axe: plan problems');

    // The demo plan's file dropped on the drop zone: valid, with the built-in plan's
    // fingerprint (canonical JSON: the pretty file and the embedded minified text agree).
    const demoText = await readFile(DEMO_PLAN, 'utf8');
    await page.locator('.dropzone').first().evaluate((zone, text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'demo.json', { type: 'application/json' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, demoText);
    await status.getByText('方案有效').waitFor();
    assert.equal(await status.locator('.mono').innerText(), sha);
    assert.match(await page.locator('.facts').first().innerText(), /demo\.json/);

    // Back to the built-in demo plan.
    await page.getByRole('button', { name: '改用示例方案' }).click();
    await page.locator('.facts').first().getByText('内置示例方案').waitFor();
    await status.getByText('方案有效').waitFor();
    assert.equal(await status.locator('.mono').innerText(), sha);

    // 3. Demo data (2000 public responses, seed 42), scored in the worker.
    await startFrameCounter(page);
    const before = await frames(page);
    await page.getByRole('button', { name: '生成示例数据' }).click();
    await page.locator('#results-h:focus').waitFor({ timeout: 120_000 });
    assert.ok((await frames(page)) - before > 5, 'animation frames kept coming while scoring');
    await page.locator('#office-announce').getByText('评分完成，共 16 个单位。').waitFor({ state: 'attached' });

    const used = await rowsOf(page.getByRole('table', { name: '数据使用情况' }));
    assert.ok(used.some((r) => /^已使用：/.test(r[0]) && Number(r[1].replace(/,/g, '')) > 0), 'records used');
    assert.ok(used.some((r) => /^未使用：受访者所在区不在考评范围内$/.test(r[0])), 'records skipped by reason');

    // Rankings: every category has a table; ranks ascend and scores descend.
    const central = page.getByRole('table', { name: '中心城区排名' });
    const centralRows = await rowsOf(central);
    assert.equal(centralRows.length, 5);
    assert.equal(centralRows[0][3], '立功单位', 'the top central district is a merit unit');
    let vetoed = null;
    for (const cat of ['中心城区', '新城区', '开发区', '市直部门']) {
      const rows = await rowsOf(page.getByRole('table', { name: `${cat}排名` }));
      assert.ok(rows.length > 0, cat);
      for (let i = 1; i < rows.length; i++) {
        assert.ok(Number(rows[i][0]) >= Number(rows[i - 1][0]), `${cat}: ranks ascend`);
        assert.ok(Number(rows[i][2]) <= Number(rows[i - 1][2]), `${cat}: scores descend`);
      }
      for (const r of rows) {
        if (r[4] !== '无') {
          assert.equal(r[3], '不达标单位', `${r[1]} has a veto and is non-compliant`);
          if (/生态/.test(r[4])) vetoed = r[1];
        }
      }
      // The chart and its caption are beside the table.
      await page.getByRole('img', { name: `${cat}综合得分条形图` }).waitFor();
    }
    assert.ok(vetoed, 'a unit is vetoed for an ecological accident');

    // Subtotals by orientation (issue 18): every ranked unit has a row, then the category
    // mean; a mean is the mean of the units' subtotals above it.
    const orient = await rowsOf(page.getByRole('table', { name: /^中心城区：各单位按目标导向、职责导向、问题导向的指标小计/ }));
    assert.deepEqual(orient.map((r) => r[0]), [...centralRows.map((r) => r[1]), '类别平均']);
    const goalScores = orient.slice(0, -1).map((r) => Number(r[1]));
    assert.ok(goalScores.every((x) => x >= 0 && x <= 150), `goal subtotals are scores (${goalScores})`);
    const goalMean = goalScores.reduce((a, x) => a + x, 0) / goalScores.length;
    assert.ok(Math.abs(goalMean - Number(orient.at(-1)[1])) < 0.02, `category mean ${orient.at(-1)[1]} vs ${goalMean}`);

    // Exports: the ranking as CSV (UTF-8 with BOM) says what the page says; XLSX is a ZIP
    // workbook; the JSON is the result.
    await page.getByRole('button', { name: '下载全部表格（Excel 工作簿）' }).waitFor();
    const csv = await downloaded(page, page.getByRole('button', { name: '下载“排名”（CSV）' }));
    assert.equal(csv.name, 'kaoping-wuhan-2026-1-ranking.csv');
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'CSV starts with a BOM');
    const table = parseCsv(csv.bytes.subarray(3).toString('utf8'));
    assert.equal(table[0][1], '名次');
    const fromCsv = table.slice(1).filter((r) => r[0] === '中心城区').map((r) => [r[1], r[3], Number(r[4]), r[5]]);
    assert.deepEqual(fromCsv, centralRows.map((r) => [r[0], r[1], Number(r[2]), r[3]]), 'CSV ranking = page ranking');
    const xlsx = await downloaded(page, page.getByRole('button', { name: '下载全部表格（Excel 工作簿）' }));
    assert.equal(xlsx.name, 'kaoping-wuhan-2026-1.xlsx');
    assert.equal(xlsx.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'XLSX is a ZIP');
    assert.ok(xlsx.bytes.includes(Buffer.from('xl/workbook.xml')), 'with a workbook');
    const json = JSON.parse((await downloaded(page, page.getByRole('button', { name: '下载结果（JSON）' }))).bytes.toString('utf8'));
    assert.equal(json.units.length, 16);
    assert.deepEqual(await axeCheck(page), [], 'axe: results');

    // 4. The vetoed unit's details in a dialog; focus goes in and comes back.
    const opener = page.getByRole('button', { name: `${vetoed}：查看明细` });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: vetoed });
    await dialog.waitFor();
    assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'focus is in the dialog');
    const dtext = await dialog.innerText();
    assert.match(dtext, /不达标单位/);
    assert.match(dtext, /生态环境保护：/);
    assert.match(dtext, /须提交书面整改报告\s*是/);
    // The intervals' level is the engine's (Engine.unitConfidences): the demo rules' 95%.
    assert.match(dtext, /95% 区间/);
    // The unit's subtotals by orientation: the contributions add up to its indicator score.
    const subtotals = await rowsOf(dialog.getByRole('region', { name: '按导向小计（可横向滚动）' }).getByRole('table'));
    assert.deepEqual(subtotals.map((r) => r[0]), ['目标导向', '职责导向', '问题导向']);
    const components = await rowsOf(dialog.getByRole('region', { name: '组成部分（可横向滚动）' }).getByRole('table'));
    const indicatorScore = Number(components.find((r) => r[0] === '指标考核')?.[3]);
    const added = subtotals.reduce((a, r) => a + Number(r[5]), 0);
    assert.ok(Math.abs(added - indicatorScore) < 0.05, `contributions ${added} add up to the indicator score ${indicatorScore}`);
    for (const h of ['组成部分', '指标得分明细', '按导向小计', '正向与反向清单', '专家评审团（按评审组）', '领导班子', '领导干部', '本类别专家评分一致性']) {
      await dialog.getByRole('heading', { name: h, exact: true }).waitFor();
    }
    const breakdown = await rowsOf(dialog.getByRole('region', { name: '指标得分明细（可横向滚动）' }).getByRole('table'));
    const ecology = breakdown.find((r) => r[0] === '生态环境保护');
    assert.ok(ecology, 'the ecology indicator is in the breakdown');
    assert.match(ecology[2], /^未通过/);
    assert.equal(breakdown.length > 5, true);
    await dialog.getByRole('img', { name: `${vetoed}各指标得分与本类别平均` }).waitFor();
    // The public answers' distribution: a chart and its table, whose counts are the answers scored.
    await dialog.getByRole('img', { name: new RegExp(`^${vetoed}“.+”回答分布条形图$`) }).waitFor();
    const dist = await rowsOf(dialog.getByRole('table', { name: /的回答分布$/ }));
    assert.ok(dist.length >= 2, 'several answers');
    // Each answer named by its scale label, as the engine gives it with its score.
    const labels = { 非常满意: '100', 满意: '75', 一般: '50', 不满意: '25', 非常不满意: '0' };
    for (const r of dist) assert.equal(labels[r[0]], r[1], `answer ${r[0]} has score ${r[1]}`);
    const shares = dist.reduce((a, r) => a + Number(r[3].replace('%', '')), 0);
    assert.ok(Math.abs(shares - 100) < 0.05 * dist.length, `shares add up to 100% (${shares})`);
    assert.deepEqual(await axeCheck(page), [], 'axe: unit dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.unit !== undefined), true, 'focus back on the unit button');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), vetoed);

    // The printable report carries the panel's comments, by unit, as the dialog does.
    const report = await context.newPage();
    await report.goto(url('report.html'));
    await report.getByRole('heading', { level: 1, name: /考评结果报告$/ }).waitFor();
    const commentTables = report.getByRole('region', { name: /专家意见（可横向滚动）$/ });
    assert.ok(await commentTables.count() > 0, 'the report lists expert comments');
    const firstComments = await rowsOf(commentTables.first().getByRole('table'));
    assert.ok(firstComments.length > 0 && firstComments.every((r) => r.length === 4 && r[3].length > 0), 'indicator, group, score, comment');
    assert.deepEqual(await axeCheck(report), [], 'axe on the report with comments');
    await report.close();

    // 5. English.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 2, name: '3. Results' }).waitFor();
    await page.getByRole('table', { name: 'Central urban districts: ranking' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.deepEqual(await axeCheck(page), [], 'axe: results in English');

    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the page stays responsive during a long run, and Cancel stops it', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    await page.getByLabel('公众答卷数').fill('200000');
    await startFrameCounter(page);
    await page.getByRole('button', { name: '生成示例数据' }).click();
    const cancel = page.getByRole('button', { name: '取消' });
    await cancel.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), '取消', 'focus on Cancel');
    const f0 = await frames(page);
    await page.waitForTimeout(1500);
    const f1 = await frames(page);
    assert.ok(f1 - f0 >= 20, `animation frames while the worker runs: ${f1 - f0}`);
    assert.ok(await cancel.isVisible(), 'still running after 1.5 s');
    assert.deepEqual(await axeCheck(page), [], 'axe: running');

    await cancel.click();
    await page.locator('.run').getByText('已取消评分。').waitFor();
    await page.locator('#office-announce').getByText('已取消评分。').waitFor({ state: 'attached' });
    const generate = page.getByRole('button', { name: '生成示例数据' });
    assert.ok(await generate.isEnabled());
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'generate');
    assert.equal(await page.locator('#results-h').count(), 1);
    assert.match(await page.locator('.results').innerText(), /生成数据并评分后/);
    assert.deepEqual(await axeCheck(page), [], 'axe: cancelled');

    // A number the engine refuses (not a whole number, over its limit) is refused next to
    // its field with the engine's reason.
    await page.getByLabel('随机种子').fill('4.2');
    await generate.click();
    await page.getByText('随机种子须为 0 到 4294967295 的整数（现为“4.2”）。').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'seed');
    assert.equal(await page.getByLabel('随机种子').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await axeCheck(page), [], 'axe: number error');
    await page.getByLabel('随机种子').fill('42');
    await page.getByLabel('公众答卷数').fill('600000');
    await generate.click();
    await page.getByText('公众答卷数须为 0 到 500000 的整数（现为“600000”）。').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'n');
    assert.equal(await page.getByLabel('随机种子').getAttribute('aria-invalid'), null);

    // The fresh worker scores the next run.
    await page.getByLabel('公众答卷数').fill('300');
    await generate.click();
    await page.locator('#results-h:focus').waitFor({ timeout: 120_000 });
    await page.getByRole('table', { name: '中心城区排名' }).waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe: results at 390 px');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the office loads response files: each record accepted or rejected with its reason, then scored', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    const jsonl = await readFile(new URL('../fixtures/ingest/jsonl_mixed/records.jsonl', import.meta.url));
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'records.jsonl', mimeType: 'application/json', buffer: jsonl });
    await page.getByRole('heading', { name: '读取 10 条，接受 2 条，拒绝 8 条' }).waitFor();
    const rejections = page.getByRole('table', { name: '被拒绝的记录' });
    assert.equal(await rejections.getByRole('row').count(), 9, 'a header row and 8 rejections');
    assert.match(await rejections.innerText(), /方案中没有单位“atlantis”/);
    assert.match(await rejections.innerText(), /校验码与内容不符/);
    const files = page.getByRole('table', { name: /^已载入的数据文件：1 个/ });
    assert.deepEqual((await rowsOf(files))[0].slice(2, 5), ['10', '2', '8'], 'counts per file reconcile');
    assert.deepEqual(await axeCheck(page), [], 'axe with the ingest report and results');

    // The working state survives a reload: the plan, the file, and the same results again.
    await page.reload();
    await page.getByRole('heading', { name: '读取 10 条，接受 2 条，拒绝 8 条' }).waitFor();
    assert.deepEqual((await rowsOf(page.getByRole('table', { name: /^已载入的数据文件：1 个/ })))[0][0], 'records.jsonl');

    // The printable report shows the saved result, in zh-CN and in English.
    await page.getByRole('link', { name: '打开可打印的报告' }).waitFor();
    const report = await context.newPage();
    await report.goto(url('report.html'));
    await report.getByRole('heading', { level: 1, name: /考评结果报告$/ }).waitFor();
    await report.getByRole('table', { name: '中心城区排名' }).waitFor();
    assert.match(await report.locator('.report-meta').innerText(), /读取 10 条，接受 2 条，拒绝 8 条/);
    assert.deepEqual(await axeCheck(report), [], 'axe on the report');
    await report.getByRole('button', { name: 'Switch to English' }).click();
    await report.getByRole('heading', { level: 1, name: /Evaluation results report$/ }).waitFor();
    await report.getByRole('button', { name: 'Print or save as PDF' }).waitFor();
    await report.getByRole('button', { name: '切换到中文' }).click(); // the language is remembered for all pages
    await report.getByRole('button', { name: '打印或存为 PDF' }).waitFor();

    // Removing the file forgets it, also after a reload.
    await page.getByRole('button', { name: '移除 records.jsonl' }).click();
    await page.getByRole('heading', { name: '读取 10 条，接受 2 条，拒绝 8 条' }).waitFor({ state: 'detached' });
    await page.reload();
    await page.getByText('方案有效').first().waitFor();
    assert.equal(await page.getByRole('table', { name: /^已载入的数据文件/ }).count(), 0, 'no files after removal');
  } finally {
    await browser.close();
  }
});

test('a CSV whose header does not match is mapped by the office, scored again, and the mapping is remembered; a GBK file is read', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    const csv = (await readFile(new URL('../fixtures/ingest/csv_keys_lf/public.csv', import.meta.url), 'utf8'))
      .replace(',overall,', ',总体打分,');
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'survey.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    // The overall rating is required: without its column every row is rejected, and the panel says why.
    await page.getByRole('heading', { name: '读取 3 条，接受 0 条，拒绝 3 条' }).waitFor();
    const panel = page.locator('details.mapping');
    await panel.getByText('缺少必答题的列，相关行将被拒绝：overall').waitFor();
    await panel.getByLabel('表头“总体打分”对应的题目').selectOption('overall');
    assert.deepEqual(await axeCheck(page), [], 'axe with the mapping panel');
    await panel.getByRole('button', { name: '保存对应并重新评分' }).click();
    await page.getByRole('heading', { name: '读取 3 条，接受 3 条，拒绝 0 条' }).waitFor();
    // After a reload the files, the mapping and the result come back.
    await page.reload();
    await page.getByRole('heading', { name: '读取 3 条，接受 3 条，拒绝 0 条' }).waitFor();
    const row = page.locator('details.mapping tr', { hasText: '总体打分' });
    await row.getByText('按保存的对应').waitFor({ state: 'attached' }); // in a closed panel: nothing left to map

    // A file saved by Excel on Chinese Windows (GBK) is detected and read.
    const gbk = await readFile(new URL('../fixtures/ingest/csv_gbk/public.csv', import.meta.url));
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'gbk.csv', mimeType: 'text/csv', buffer: gbk });
    await page.getByRole('heading', { name: /^读取 6 条/ }).waitFor();
    await page.locator('details.mapping', { hasText: 'gbk.csv' }).getByText('（识别为 GB18030/GBK）').waitFor({ state: 'attached' });
  } finally {
    await browser.close();
  }
});

test('the office drops the demo data set, sees the ranking, exports, and verifies the manifest (and a tampered file fails)', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    // `kaoping demo responses --n 400 --seed 7`: public survey and cadre votes as CSV, review
    // sheets as JSON Lines, indicator figures and last year's grades as JSON.
    const dir = new URL('../fixtures/office-demo/', import.meta.url);
    const names = ['public.csv', 'expert.jsonl', 'cadre.csv', 'indicators.json', 'history.json'];
    const files = await Promise.all(names.map(async (name) => ({ name, mimeType: 'application/octet-stream', buffer: await readFile(new URL(name, dir)) })));
    await page.locator('.data-drop').evaluate((zone, list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, files.map((f) => ({ name: f.name, bytes: [...f.buffer] })));
    const heading = page.locator('#ingest-h');
    await heading.waitFor();
    const counts = (await heading.innerText()).match(/读取 ([\d,]+) 条，接受 ([\d,]+) 条，拒绝 ([\d,]+) 条/).slice(1).map((x) => Number(x.replace(/,/g, '')));
    assert.equal(counts[0], counts[1] + counts[2], 'read = accepted + rejected');
    assert.ok(counts[1] >= 400, 'the public rows, sheets and votes are accepted');
    const perFile = await rowsOf(page.getByRole('table', { name: /^已载入的数据文件：5 个/ }));
    assert.deepEqual(perFile.map((r) => r[0]), names);
    // Every component is scored: indicator data and history came in with the files.
    const central = await rowsOf(page.getByRole('table', { name: '中心城区排名' }));
    assert.equal(central.length, 5);
    const used = await rowsOf(page.getByRole('table', { name: '数据使用情况' }));
    assert.ok(used.some((r) => r[0] === '指标数据条数' && Number(r[1]) > 0), 'indicator figures used');
    assert.ok(used.some((r) => r[0] === '往年记录条数' && Number(r[1]) > 0), 'history used');

    // The audit manifest of this run, checked on the same page: identical; then a changed byte.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载审计清单（manifest.json）' }).click()]);
    const manifest = await readFile(await dl.path());
    const verify = async (list) => {
      await page.getByLabel('核验文件（manifest.json 及其文件）').setInputFiles(list);
      const status = page.locator('#verify-status');
      await status.getByText(/^核验(通过|未通过)/).waitFor();
      return status.innerText();
    };
    const good = await verify([{ name: 'manifest.json', mimeType: 'application/json', buffer: manifest }, ...files]);
    assert.match(good, /^核验通过/);
    // The run's own outputs, downloaded under the manifest's names: their SHA-256 is the
    // manifest's, and verifying them with the inputs compares the results too.
    const recorded = JSON.parse(manifest.toString('utf8')).outputs;
    const outs = [];
    for (const name of ['result.json', 'ranking.csv', 'result.xlsx']) {
      const got = await downloaded(page, page.getByRole('button', { name: `下载清单所记文件 ${name}` }));
      assert.equal(got.name, name);
      const entry = recorded.find((e) => e.name === name);
      assert.equal(createHash('sha256').update(got.bytes).digest('hex'), entry.sha256, `${name} is the file the manifest hashes`);
      outs.push({ name, mimeType: 'application/octet-stream', buffer: got.bytes });
    }
    const withOutputs = await verify([{ name: 'manifest.json', mimeType: 'application/json', buffer: manifest }, ...files, ...outs]);
    assert.match(withOutputs, /^核验通过/);
    assert.match(withOutputs, /含 3 个结果文件/, 'the three result files are compared');
    const tampered = files.map((f) => (f.name === 'public.csv'
      ? { ...f, buffer: Buffer.from(f.buffer.toString('utf8').replace(/,jiangan,/, ',jianghan,')) } : f));
    const bad = await verify([{ name: 'manifest.json', mimeType: 'application/json', buffer: manifest }, ...tampered]);
    assert.match(bad, /^核验未通过/);
    assert.match(await page.getByRole('table', { name: '与清单不同之处' }).innerText(), /public\.csv/);
    assert.deepEqual(await axeCheck(page), [], 'axe with the verification');
  } finally {
    await browser.close();
  }
});
