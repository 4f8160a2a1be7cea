// The forms on the office page: the public survey previewed in English at phone width, tried
// (a question that depends on an answer appears, an invalid answer shows its message) with no
// record written anywhere (no localStorage draft, no outbox, no POST); a plan problem's link
// to its question; questionnaires imported from an XLSForm workbook and a SurveyJS JSON, their
// items not imported listed, added to the plan and previewed. axe on each new state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors, RECEIVED_DIR } from './harness.mjs';

const FIXTURES = new URL('../fixtures/import/', import.meta.url);
const OUT = process.env.KAOPING_SCREENSHOTS;

const received = async () => (RECEIVED_DIR ? (await readdir(RECEIVED_DIR).catch(() => [])).length : 0);

/** Everything the respondent page would keep: localStorage, and the outbox's entries. */
const kept = (page) => page.evaluate(async () => {
  const local = Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)]));
  const dbs = (await indexedDB.databases()).map((d) => d.name);
  let outbox = 0;
  if (dbs.includes('kaoping-outbox')) {
    outbox = await new Promise((resolve) => {
      const req = indexedDB.open('kaoping-outbox');
      req.onsuccess = () => {
        const db = req.result;
        const names = [...db.objectStoreNames];
        if (!names.length) return resolve(0);
        const tx = db.transaction(names, 'readonly');
        let n = 0;
        for (const s of names) tx.objectStore(s).count().onsuccess = (e) => { n += e.target.result; };
        tx.oncomplete = () => resolve(n);
      };
      req.onerror = () => resolve(-1);
    });
  }
  return { local, outbox };
});

async function axeClean(page, what) {
  assert.deepEqual(await axeCheck(page), [], `axe: ${what}`);
}

test('the public survey is previewed in English at 320 px and tried without a record', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  const posts = [];
  page.on('request', (r) => { if (r.method() !== 'GET') posts.push(`${r.method()} ${r.url()}`); });
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    const step = page.locator('#forms');
    const frame = page.locator('#forms-frame');
    await frame.locator('h1').waitFor();
    const before = await kept(page);
    const receivedBefore = await received();

    // The overview in English, at phone width: every question, the relevant one too.
    await step.getByLabel('问卷', { exact: true }).selectOption('public');
    await step.getByRole('radio', { name: 'English' }).check();
    await step.getByLabel('手机宽度（320 像素）').check();
    await frame.getByRole('heading', { level: 1, name: /survey/i }).waitFor();
    assert.equal(await frame.getAttribute('lang'), 'en');
    const box = await frame.boundingBox();
    assert.ok(Math.abs(box.width - 320) <= 1, `the phone frame is 320 px wide, not ${box.width}`);
    // The demo survey's ten questions (units_used, the units rated as used, last).
    assert.equal(await frame.locator('[data-question]').count(), 10, 'every question of the public survey');
    assert.ok(await frame.locator('[data-question="units_used"]').isVisible());
    assert.ok(await frame.locator('[data-question="priorities_other"]').isVisible());
    if (OUT) await page.screenshot({ path: `${OUT}/office-forms-overview.png`, fullPage: true });
    await axeClean(page, 'the overview');

    // Try it: relevance and validation by the engine.
    await step.getByLabel('试填（检查答案和显示条件）').check();
    await frame.getByRole('heading', { level: 2, name: 'About you' }).waitFor();
    assert.equal(await frame.locator('[data-question]').count(), 3, 'one section at a time');
    await frame.locator('[data-question="years_resident"] input').fill('150');
    await frame.getByRole('button', { name: 'Next' }).click();
    const summary = frame.locator('.error-summary');
    await summary.waitFor();
    assert.match(await frame.locator('[data-question="years_resident"] .error-message').textContent(), /100/);
    await axeClean(page, 'an invalid answer');
    await frame.locator('[data-question="years_resident"] input').fill('12');
    await frame.locator('[data-question="district"] input[type=radio]').first().check();
    await frame.locator('[data-question="age_group"] input[type=radio]').first().check();
    await frame.getByRole('button', { name: 'Next' }).click();
    const rows = frame.locator('.matrix-row');
    await rows.first().waitFor();
    for (let i = 0, n = await rows.count(); i < n; i += 1) await rows.nth(i).locator("input[type=radio]").nth(3).check(); // satisfied: no reason asked
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.locator('[data-question="overall"]').waitFor();
    const other = frame.locator('[data-question="priorities_other"]');
    assert.equal(await other.isVisible(), false, 'hidden until "other" is chosen');
    await frame.locator('[data-question="priorities"] input[value="other"]').check();
    await other.waitFor({ state: 'visible' });
    await other.locator('input, textarea').fill('Parks');
    await frame.locator('[data-question="overall"] input[type=radio]').nth(3).check();
    await frame.locator('[data-question="priorities"] input[type=checkbox]').first().check();
    if (OUT) await page.screenshot({ path: `${OUT}/office-forms-try.png`, fullPage: true });
    await axeClean(page, 'a question shown by relevance');
    await frame.getByRole('button', { name: 'Submit' }).click();
    await page.getByText('The answers pass every check', { exact: false }).or(page.getByText('答案通过了全部检查')).waitFor();
    await axeClean(page, 'the try finished');

    // Nothing was kept nor sent.
    assert.deepEqual(await kept(page), before, 'no draft, no outbox entry');
    assert.deepEqual(posts, [], 'no POST');
    assert.equal(await received(), receivedBefore, 'the server received nothing');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a plan problem links to its question in the preview', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    // Every instrument of the demo plan shows: the survey and the cadre appraisal as FormView draws
    // them, the expert review as the review sheet does. The list is filled after the plan's
    // check shows (a loaded machine once read it empty): wait for its last option.
    await page.locator('#forms-instrument option').nth(2).waitFor({ state: 'attached' });
    const ids = await page.locator('#forms-instrument option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(ids, ['public', 'expert', 'cadre']);
    for (const id of ids) {
      await page.locator('#forms-instrument').selectOption(id);
      await page.locator(`#forms-frame ${id === 'expert' ? 'form.review' : '[data-question]'}`).first().waitFor();
      await axeClean(page, `the preview of ${id}`);
    }
    const demo = await page.evaluate(async () => {
      const { engineClass } = await import('./js/engine.js');
      return (await engineClass(true)).demoPlanJson();
    });
    const plan = JSON.parse(demo);
    // A constraint on an unknown question: the plan loads, its check names the question's path.
    const q = plan.instruments[0].sections[0].questions[2];
    q.constraints = [{ expr: 'no_such_question > 1', message: { 'zh-CN': '错', en: 'Wrong' } }];
    await page.locator('#plan-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(plan)) });
    await page.locator('#plan-status.bad').waitFor();
    const link = page.getByRole('button', { name: '在预览中查看此题' }).first();
    await link.click();
    const block = page.locator('#forms-frame [data-question="years_resident"]');
    await block.waitFor();
    assert.equal(await block.evaluate((el) => el === document.activeElement), true, 'the question has the focus');
    await axeClean(page, 'a problem shown in the preview');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('XLSForm and SurveyJS questionnaires are imported, listed, added and previewed', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    const cases = [
      ['libreoffice_xlsform_spec', 'form.xlsx', 'pizza_survey'],
      ['surveyjs_doc_question_types', 'form.json', 'imported'],
    ];
    for (const [dir, file, id] of cases) {
      const expected = JSON.parse(await readFile(new URL(`${dir}/expected.json`, FIXTURES), 'utf8'));
      await page.locator('#import-file').setInputFiles({ name: `${dir}-${file}`, mimeType: 'application/octet-stream', buffer: await readFile(new URL(`${dir}/${file}`, FIXTURES)) });
      const result = page.locator('#import-result');
      await result.getByRole('heading', { name: `“${dir}-${file}”的导入结果` }).waitFor();
      const skipped = page.getByRole('table', { name: '未能导入的项及原因' });
      const rows = await skipped.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent.trim())));
      assert.equal(rows.length, expected.skipped.length, `${dir}: every item not imported`);
      assert.deepEqual(rows.map((r) => r[0]), expected.skipped.map((s) => s.item));
      assert.deepEqual(rows.filter((r) => !r[2]), [], 'each with its reason');
      await page.locator('#import-frame h1').waitFor();
      if (OUT) await page.screenshot({ path: `${OUT}/office-import-${dir}.png`, fullPage: true });
      await axeClean(page, `the import of ${dir}`);
      await result.getByRole('button', { name: `将问卷“${id}”添加到方案` }).click();
      await page.getByText('方案有效').first().waitFor();
      assert.match(await page.locator('#plan-status').textContent(), /方案有效/);
      await page.locator('#forms-instrument').waitFor();
      assert.equal(await page.locator('#forms-instrument').inputValue(), id);
      await page.locator('#forms-frame h1').waitFor();
      const questions = expected.instrument.sections.reduce((n, s) => n + s.questions.length, 0);
      assert.equal(await page.locator('#forms-frame [data-question]').count(), questions, `${dir}: the new form's questions in the preview`);
      await axeClean(page, `${dir} added and previewed`);
    }
    // The plan is kept as a loaded plan is: a reload still has both forms.
    await page.reload();
    await page.getByText('方案有效').first().waitFor();
    await page.locator('#forms-frame h1').waitFor();
    const options = await page.locator('#forms-instrument option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(options.includes('pizza_survey') && options.includes('imported'), options.join());
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
