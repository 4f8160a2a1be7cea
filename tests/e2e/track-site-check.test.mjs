// A beneficiary (受益主体) fills in the quarterly site-check sheet of the demo plan's major
// projects on review.html, on a 320 px phone: rater number, group, quarter, the projects not
// checked, scores by label with the keyboard, a required comment; the sealed record is
// downloaded, then loaded on track.html as a project file: the rating (the 1–5 scores mapped
// onto 0–100 and averaged) is in the projects table and the low rating fires its notice.
// Zero axe violations on both pages, in zh-CN and in English. Then the plan is amended
// (a label fixed, by the office build of the engine): the record still counts, under version 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const plan = JSON.parse(await readFile(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8'));
const officeGlue = await import(new URL('../../www/pkg-office/kaoping_wasm.js', import.meta.url).href);
officeGlue.initSync({ module: await readFile(new URL('../../www/pkg-office/kaoping_wasm_bg.wasm', import.meta.url)) });
const OfficeEngine = officeGlue.Engine;
const sheet = plan.tracking.site_checks.find((s) => s.id === 'site_check');
const projects = plan.tracking.projects;
const projectName = (id, lang = 'zh-CN') => projects.find((p) => p.id === id).name[lang];
const criterion = (id, lang = 'zh-CN') => sheet.criteria.find((c) => c.id === id).name[lang];

/** The demo plan as version 2: one English label fixed, recorded as an amendment by the
 * office build of the engine (Engine.amendPlan, as the office page records one). */
function amendedPlan() {
  const v2 = JSON.parse(OfficeEngine.demoPlanJson());
  v2.version = '2';
  v2.instruments[0].sections[0].questions[0].label.en = 'Your district?';
  const out = OfficeEngine.amendPlan(OfficeEngine.demoPlanJson(), JSON.stringify(v2), '2026-07-01', { 'zh-CN': '改错字', en: 'typo' });
  assert.ok(out.diff.compatible);
  return out.json;
}

async function noHorizontalScroll(page, when) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 320 px ${when} (overflow ${overflow}px)`);
}

async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

test('a site-check sheet filled in on the review page becomes a rating on the tracking page', async () => {
  const browser = await launch();
  const phone = await browser.newContext({ acceptDownloads: true, viewport: { width: 320, height: 640 } });
  const page = await phone.newPage();
  const errors = watchErrors(page);
  let record;
  try {
    await page.goto(url('review.html?instrument=site_check'));
    await page.getByRole('heading', { level: 1, name: sheet.title['zh-CN'] }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    const cells = projects.length * sheet.criteria.length;
    await page.getByText(`已完成 0 / ${cells} 项`).waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe on the empty sheet');
    await noHorizontalScroll(page, 'on the empty sheet');

    // Submitting at once: the engine names what is missing, the quarter among them.
    await page.getByRole('button', { name: '提交现场查核评价表' }).click();
    const summary = page.getByRole('alert').filter({ hasText: /提交前请修改以下/ });
    await summary.waitFor();
    assert.equal(await summary.getByRole('link', { name: '请选择查核的季度。' }).count(), 1);
    assert.equal(await summary.getByRole('link', { name: '请填写您的评价人编号。' }).count(), 1);
    assert.deepEqual(await axeCheck(page), [], 'axe with the error summary');

    // Who rates, for which quarter; only the Garden Expo project was seen on site.
    await page.getByLabel('评价人编号').fill('B-0412');
    await page.getByRole('group', { name: /评价主体/ }).getByLabel(/^受益主体/).check();
    await page.getByRole('group', { name: /查核季度/ }).getByLabel('2026 年第 2 季度').check();
    const notChecked = page.getByRole('group', { name: '我没有实地查看或须回避的项目' });
    for (const p of projects.filter((x) => x.id !== 'garden_expo')) {
      await notChecked.getByRole('checkbox', { name: projectName(p.id) }).check();
    }
    await page.getByText(`已完成 0 / ${sheet.criteria.length} 项`).waitFor();
    const expo = projectName('garden_expo');
    assert.equal(await page.getByLabel(`${projectName('ring_road')} ${criterion('progress')}`).isVisible(), false, 'a project not checked leaves the sheet');

    // Scores by keyboard (Enter moves on), safety "unable to judge", a 2 that needs a comment.
    await page.getByLabel(`${expo} ${criterion('progress')}`, { exact: true }).focus();
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await page.getByLabel(`${expo} · ${criterion('safety')} · 无法评价`).check();
    await page.getByLabel(`${expo} ${criterion('benefit')}`, { exact: true }).fill('4');
    await page.getByRole('button', { name: '提交现场查核评价表' }).click();
    const message = `${expo}“${criterion('progress')}”评分为 2 分及以下，请填写评语。`;
    await summary.getByRole('link', { name: message }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'the link leads to the comment field');
    await page.keyboard.type('绿化种植迟迟未完成，周边道路仍封闭。');
    await page.getByText(`已完成 ${sheet.criteria.length} / ${sheet.criteria.length} 项`).waitFor();
    await noHorizontalScroll(page, 'filled in');

    // Reload: the draft is kept.
    await page.reload();
    await page.getByText('已恢复您上次在本机填写的评价。').waitFor();
    assert.ok(await page.getByLabel('2026 年第 2 季度').isChecked());

    await page.getByRole('button', { name: '提交现场查核评价表' }).click();
    await page.getByRole('heading', { name: '现场查核评价表已提交，谢谢！' }).waitFor();
    assert.match(await page.locator('.panel').innerText(), /查核季度\s+2026 年第 2 季度/);
    assert.deepEqual(await axeCheck(page), [], 'axe on the receipt');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载评价记录（JSON）' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'kaoping-site_check-B-0412.json');
    const text = await readFile(await download.path(), 'utf8');
    record = JSON.parse(text);
    assert.equal(record.instrument, 'site_check');
    assert.equal(record.respondent_id, 'B-0412');
    assert.equal(record.answers.group, 'beneficiary');
    assert.equal(record.answers.quarter, '2026-Q2');
    assert.deepEqual(record.answers.scores, { garden_expo: { progress: 2, quality: 3, safety: 'unable', benefit: 4 } });
    assert.equal(record.answers.recused.length, projects.length - 1);
    assert.deepEqual(record.reasons, { 'garden_expo/progress': '绿化种植迟迟未完成，周边道路仍封闭。' });
    assert.match(record.checksum, /^[0-9a-f]{64}$/);

    // The English sheet (another visit): every field is named in English.
    await page.getByRole('button', { name: '填写新的现场查核评价表' }).click();
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: sheet.title.en }).waitFor();
    await page.getByLabel('Rater number').waitFor();
    await page.getByRole('group', { name: /Quarter checked/ }).getByLabel('Q3 2026').check();
    assert.ok(await page.getByLabel(`${projectName('garden_expo', 'en')} ${criterion('quality', 'en')}`, { exact: true }).isVisible());
    assert.deepEqual(await axeCheck(page), [], 'axe in English');
    await noHorizontalScroll(page, 'in English');
    assert.deepEqual(errors, []);
  } finally {
    await phone.close();
  }

  // The office loads the record on the tracking page, with one month of figures.
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const track = await office.newPage();
  const trackErrors = watchErrors(track);
  try {
    await track.goto(url('track.html'));
    await track.getByRole('heading', { level: 1, name: '跟踪管理：月度、季度监测与预警' }).waitFor();
    const periods = 'unit,indicator,period,actual\nhuangpi,fiscal_revenue,2026-06,30\n';
    await track.getByLabel('月度数据文件（可多选）').setInputFiles({ name: 'june.csv', mimeType: 'text/csv', buffer: Buffer.from(periods) });
    const tampered = JSON.stringify({ ...record, respondent_id: 'B-0413' });
    await track.getByLabel(/项目节点与现场检查文件/).setInputFiles([
      { name: 'kaoping-site_check-B-0412.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(record, null, 2)) },
      { name: 'changed.json', mimeType: 'application/json', buffer: Buffer.from(tampered) },
    ]);
    await track.getByRole('button', { name: '分析所选文件' }).click();
    await track.getByRole('heading', { level: 2, name: /概况/ }).waitFor();
    const rejected = await rowsOf(track.getByRole('region', { name: /被拒绝的行/ }));
    assert.deepEqual(rejected.map((r) => r.slice(0, 3)), [['changed.json', '1', 'checksum']]);
    assert.match(rejected[0][3], /校验码与内容不符/);
    // (2, 3, 4) on 1–5, safety unable → 25, 50, 75 → 50
    const table = await rowsOf(track.getByRole('region', { name: /重大项目/ }));
    const row = table.find((r) => r[0] === projectName('garden_expo'));
    assert.ok(row, JSON.stringify(table));
    assert.match(row[5], /2026-Q2：受益主体 50/);
    const warnings = await rowsOf(track.getByRole('region', { name: /预警清单/ }));
    assert.ok(warnings.some((w) => w[1] === '硚口区' && w[4] === 'site_check_low'), JSON.stringify(warnings));
    assert.deepEqual(await axeCheck(track), [], 'axe: tracking with the site-check record');
    assert.equal(await track.getByRole('region', { name: /按方案版本/ }).count(), 0, 'no versions without amendments');

    // Mid-year the plan is amended compatibly (a label fixed); the version 1 record still
    // counts, and the summary says which version it answered.
    await track.route('**/amended-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: amendedPlan() }));
    await track.goto(url('track.html?plan=amended-plan.json'));
    await track.getByRole('heading', { level: 1, name: '跟踪管理：月度、季度监测与预警' }).waitFor();
    await track.getByLabel('月度数据文件（可多选）').setInputFiles({ name: 'june.csv', mimeType: 'text/csv', buffer: Buffer.from(periods) });
    await track.getByLabel(/项目节点与现场检查文件/).setInputFiles(
      { name: 'kaoping-site_check-B-0412.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(record)) });
    await track.getByRole('button', { name: '分析所选文件' }).click();
    const versions = track.getByRole('region', { name: '按方案版本接受的现场查核记录' });
    await versions.waitFor();
    assert.deepEqual(await rowsOf(versions), [['1', '1'], ['2', '0']]);
    const again = await rowsOf(track.getByRole('region', { name: /重大项目/ }));
    assert.match(again.find((r) => r[0] === projectName('garden_expo'))[5], /2026-Q2：受益主体 50/);
    assert.deepEqual(await axeCheck(track), [], 'axe: tracking under an amended plan');
    assert.deepEqual(trackErrors, []);
  } finally {
    await office.close();
    await browser.close();
  }
});
