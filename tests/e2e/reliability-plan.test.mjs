// A plan changed between two visits (docs/reliability.md): the draft made under the earlier
// version is carried over by the core (Engine.carryOver, carryOverReview for sheets), with a notice listing each answer
// that could not come along and why, and the earlier answers stay downloadable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const demo = await readFile(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8');

/** The demo plan with its public survey changed by `edit(questionsById)`. */
function edited(edit) {
  const plan = JSON.parse(demo);
  const ins = plan.instruments.find((i) => i.id === 'public');
  edit(ins, Object.fromEntries(ins.sections.flatMap((s) => s.questions).map((q) => [q.id, q])));
  return JSON.stringify(plan);
}

test('plan changed between visits: what fits is carried over, the rest listed, nothing silent', async () => {
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    let served = demo;
    await context.route('**/test-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: served }));
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('respond.html?plan=test-plan.json'));
    await page.getByLabel('武昌区', { exact: true }).check();
    await page.getByLabel('60岁及以上', { exact: true }).check();
    await page.getByLabel(/您在本区居住了几年/).fill('12');

    // The office edits the plan: the oldest age band is split, the years question removed.
    served = edited((ins, q) => {
      q.age_group.options = q.age_group.options.filter((o) => o.value !== q.age_group.options.at(-1).value)
        .concat([{ value: '60_69', label: { 'zh-CN': '60–69岁', en: '60–69' } }, { value: '70_plus', label: { 'zh-CN': '70岁及以上', en: '70 and over' } }]);
      ins.sections[0].questions = ins.sections[0].questions.filter((x) => x.id !== 'years_resident');
    });
    await page.reload();
    const notice = page.getByRole('status').filter({ hasText: '问卷已更新。您此前在本机填写的答案已带入，以下答案无法带入，请重新作答：' });
    await notice.waitFor();
    const items = await notice.getByRole('listitem').allInnerTexts();
    assert.equal(items.length, 2, items.join('\n'));
    assert.ok(items.some((t) => /年龄/.test(t) && t.includes('这道题的题型或选项已改变，原来的答案不再适用。')), items.join('\n'));
    assert.ok(items.includes('years_resident：问卷中已没有这道题。'), items.join('\n'));
    assert.ok(await page.getByLabel('武昌区', { exact: true }).isChecked(), 'the district answer came along');
    assert.equal(await page.getByLabel('70岁及以上', { exact: true }).isChecked(), false);
    assert.deepEqual(await axeCheck(page), [], 'axe with the carry-over notice');
    const [download] = await Promise.all([page.waitForEvent('download'), notice.getByRole('link', { name: '下载此前的答案（JSON）' }).click()]);
    const earlier = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(earlier.values.years_resident, 12, 'the earlier answers are all in the download');
    assert.equal(earlier.values.district, 'wuchang');

    // The notice stays until the form is submitted: reload again, still there.
    await page.reload();
    await notice.waitFor();

    // In English, the reasons are in English.
    await page.getByRole('button', { name: 'English' }).click();
    const en = page.getByRole('status').filter({ hasText: 'The survey has been updated.' });
    await en.waitFor();
    assert.ok((await en.getByRole('listitem').allInnerTexts()).includes('years_resident：The question is no longer in the form.'));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a plan change that keeps every answered question carries everything over; another plan does not', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    let served = demo;
    await context.route('**/test-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: served }));
    const page = await context.newPage();
    await page.goto(url('respond.html?plan=test-plan.json'));
    await page.getByLabel('江汉区', { exact: true }).check();
    served = edited((ins) => {
      ins.title['zh-CN'] += '（修订）';
    });
    await page.reload();
    await page.getByRole('status').filter({ hasText: '问卷已更新。您此前在本机填写的答案已全部带入。' }).waitFor();
    assert.ok(await page.getByLabel('江汉区', { exact: true }).isChecked());
    const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kaoping:draft:')));
    assert.equal(keys.length, 1, 'the draft moved to the new plan\'s key');

    // Another plan altogether (another id) on the same site: its form starts empty, and the
    // first plan's draft is neither carried into it nor removed.
    served = JSON.stringify({ ...JSON.parse(demo), id: 'another-city-2026' });
    await page.reload();
    await page.getByRole('heading', { level: 2, name: '基本情况' }).waitFor();
    assert.equal(await page.getByText('问卷已更新').count(), 0);
    assert.equal(await page.getByLabel('江汉区', { exact: true }).isChecked(), false);
    const after = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kaoping:draft:')));
    assert.ok(after.includes(keys[0]), 'the first plan\'s draft is still there');
  } finally {
    await browser.close();
  }
});

test('review sheet: a sheet begun under the earlier plan is carried over; what has no place is listed and downloadable', async () => {
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    let served = demo;
    await context.route('**/test-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: served }));
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('review.html?plan=test-plan.json'));
    await page.getByLabel('工号/编号').fill('E-0301');
    await page.getByLabel('江岸区 重大项目建设', { exact: true }).fill('77');
    await page.getByLabel('江岸区 三旧改造', { exact: true }).fill('88');
    // The next version of the plan no longer rates 三旧改造 on the expert sheet.
    const next = JSON.parse(demo);
    next.version = `${next.version}-r2`;
    const expert = next.instruments.find((i) => i.id === 'expert');
    expert.review.indicators = expert.review.indicators.filter((id) => id !== 'old_area_renewal');
    served = JSON.stringify(next);
    await page.reload();
    const notice = page.getByRole('status').filter({ hasText: '评审表已更新。您此前在本机填写的内容已带入新表，以下内容' });
    await notice.waitFor();
    assert.deepEqual(await notice.getByRole('listitem').allInnerTexts(), ['江岸区 · 三旧改造（88）：这个单位已不再按这项指标评审。']);
    assert.equal(await page.getByLabel('工号/编号').inputValue(), 'E-0301', 'the reviewer number came over');
    assert.equal(await page.getByLabel('江岸区 重大项目建设', { exact: true }).inputValue(), '77', 'the score that fits came over');
    assert.equal(await page.getByLabel('江岸区 三旧改造', { exact: true }).count(), 0, 'the indicator left the sheet');
    assert.deepEqual(await axeCheck(page), [], 'axe with the carried-over notice');
    const [download] = await Promise.all([page.waitForEvent('download'), notice.getByRole('link', { name: '下载此前填写的内容（JSON）' }).click()]);
    const earlier = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(earlier.reviewer, 'E-0301');
    assert.deepEqual(earlier.scores.jiangan, { major_projects: 77, old_area_renewal: 88 });
    // Still listed on the next visit, in English too.
    await page.reload();
    await notice.waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('status').filter({ hasText: 'This sheet has been updated.' }).getByRole('listitem')
      .filter({ hasText: 'The unit is no longer rated on this indicator.' }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a plan that cannot be read: the page says why in its own language', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    // A trailing comma on line 3: the engine's PlanLoadError, thrown by the forms build.
    await context.route('**/broken-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: '{\n  "id": "x",\n}' }));
    const page = await context.newPage();
    await page.goto(url('respond.html?plan=broken-plan.json'));
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: '问卷加载失败：无法读取方案：' }).waitFor();
    assert.match(await alert.innerText(), /（第 3 行，第 \d+ 列）/, 'the zh text names the line and column');
    assert.deepEqual(await axeCheck(page), [], 'axe with the load error');
    await page.goto(url('respond.html?plan=broken-plan.json&lang=en'));
    await alert.filter({ hasText: 'The survey could not be loaded: ' }).waitFor();
    assert.doesNotMatch(await alert.innerText(), /无法读取方案/, 'the English page shows no zh text');
  } finally {
    await browser.close();
  }
});
