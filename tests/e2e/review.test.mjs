// An expert of the review panel rates the demo plan's units on site, from a narrow phone:
// id, group, a conflict of interest, scores by label, an error, a reload, the record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors, RECEIVED_DIR } from './harness.mjs';

const plan = JSON.parse(await readFile(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8'));
const sheet = plan.instruments.find((i) => i.id === 'expert').review;

/** Every cell of the demo sheet as [unit, indicator, 'unit name indicator name'] (zh-CN), in plan order. */
function cells(lang = 'zh-CN') {
  const out = [];
  for (const cat of plan.categories) {
    for (const unit of plan.units.filter((u) => u.category === cat.id)) {
      for (const id of sheet.indicators) {
        const ind = plan.indicators.find((i) => i.id === id);
        if (ind.weights[cat.id] !== undefined) out.push([unit.id, id, `${unit.name[lang]} ${ind.name[lang]}`]);
      }
    }
  }
  return out;
}

async function noHorizontalScroll(page, when) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 320 px ${when} (overflow ${overflow}px)`);
}

/** A deterministic score for a cell, between 70 and 99. */
const scoreOf = (i) => 70 + ((i * 7) % 30);

/** With KAOPING_SHOTS=<dir>, a full-page screenshot of each step for a human to look at. */
async function shot(page, name) {
  if (process.env.KAOPING_SHOTS) await page.screenshot({ path: `${process.env.KAOPING_SHOTS}/review-${name}.png`, fullPage: true });
}

test('an expert declares a conflict, scores every unit, fixes an error, reloads and submits', async () => {
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  // Which engine the page (and its service worker) fetched: the review build, never the office's.
  const engines = new Set();
  context.on('request', (req) => {
    const m = new URL(req.url()).pathname.match(/\/(pkg[^/]*)\/kaoping_wasm/);
    if (m) engines.add(m[1]);
  });
  try {
    await page.goto(url('review.html'));
    await page.getByRole('heading', { level: 1, name: '专家评审团现场评议表' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.ok(engines.has('pkg-review'), `the review build is loaded: ${[...engines]}`);
    assert.ok(!engines.has('pkg-office'), `the office build is not: ${[...engines]}`);
    const all = cells();
    assert.equal(all.length, 48);
    assert.equal(await page.getByText(`已完成 0 / ${all.length} 项`).count(), 1);
    assert.deepEqual(await axeCheck(page), [], 'axe on the empty sheet');
    await noHorizontalScroll(page, 'on the empty sheet');

    // Who rates, and a conflict of interest: 汉阳区 leaves the sheet.
    await page.getByLabel('工号/编号').fill('E-0107');
    await page.getByRole('group', { name: /评审组别/ }).getByLabel('高校学者', { exact: true }).check();
    assert.ok(await page.getByLabel('汉阳区 重大项目建设').isVisible());
    await page.getByRole('checkbox', { name: '汉阳区' }).check();
    assert.equal(await page.getByLabel('汉阳区 重大项目建设').isVisible(), false, 'the recused unit is off the sheet');
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: /汉阳区/ }).count(), 0, 'and off the navigator');
    const open = all.filter(([u]) => u !== 'hanyang');
    assert.equal(open.length, 45);
    await page.getByText(`已完成 0 / ${open.length} 项`).waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe after the recusal');

    // Half of the scores, one of them 55 (a comment is required at or below 60).
    const half = open.slice(0, 20);
    for (const [i, [unit, ind, label]] of half.entries()) {
      const v = unit === 'jiangan' && ind === 'major_projects' ? 55 : scoreOf(i);
      await page.getByLabel(label, { exact: true }).fill(String(v));
    }
    // The comment field appears as soon as the score needs it.
    await page.getByLabel(/江岸区 · 重大项目建设 · 评语/).waitFor();
    assert.equal(await page.getByText(`已完成 19 / ${open.length} 项`).count(), 1, '55 without a comment is not done');
    assert.match(await page.getByRole('navigation').getByRole('link', { name: /江汉区/ }).innerText(), /✓/, 'a finished unit is ticked');
    assert.deepEqual(await axeCheck(page), [], 'axe half way');

    // Reload mid-way: nothing is lost.
    await page.reload();
    await page.getByText('已恢复您上次在本机填写的评分。').waitFor();
    assert.equal(await page.getByLabel('工号/编号').inputValue(), 'E-0107');
    assert.ok(await page.getByLabel('高校学者', { exact: true }).isChecked());
    assert.ok(await page.getByRole('checkbox', { name: '汉阳区' }).isChecked());
    assert.equal(await page.getByLabel('汉阳区 重大项目建设').isVisible(), false);
    for (const [i, [unit, ind, label]] of half.entries()) {
      const v = unit === 'jiangan' && ind === 'major_projects' ? 55 : scoreOf(i);
      assert.equal(await page.getByLabel(label, { exact: true }).inputValue(), String(v), `${label} restored`);
    }

    // Keyboard: Enter in a score box moves on to the next one.
    const rest = open.slice(20);
    await page.getByLabel(rest[0][2], { exact: true }).focus();
    for (const [i] of rest.entries()) {
      await page.keyboard.type(String(scoreOf(20 + i)));
      await page.keyboard.press('Enter');
    }
    for (const [i, [, , label]] of rest.entries()) {
      assert.equal(await page.getByLabel(label, { exact: true }).inputValue(), String(scoreOf(20 + i)), `${label} typed by keyboard`);
    }
    assert.equal(await page.getByText(`已完成 44 / ${open.length} 项`).count(), 1);

    // Submit without the comment: the error is in the summary and next to the field.
    await page.getByRole('button', { name: '提交评审表' }).click();
    const summary = page.getByRole('alert').filter({ hasText: '提交前请修改以下 1 个问题' });
    await summary.waitFor();
    const message = '江岸区“重大项目建设”评分为 60 分及以下，请填写评语。';
    assert.equal(await summary.getByRole('link', { name: message }).count(), 1);
    const comment = page.getByLabel(/江岸区 · 重大项目建设 · 评语/);
    assert.equal(await comment.getAttribute('aria-invalid'), 'true');
    const describedBy = await comment.getAttribute('aria-describedby');
    assert.equal(await page.locator(`[id="${describedBy}"]`).innerText(), message, 'the error is next to the field');
    await noHorizontalScroll(page, 'with errors shown');
    assert.deepEqual(await axeCheck(page), [], 'axe with the error summary');
    await shot(page, '320-error');
    await summary.getByRole('link', { name: message }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'the link leads to the comment field');
    await page.keyboard.type('两个项目未按期开工。');
    assert.equal(await summary.count(), 0, 'the summary clears once fixed');
    await page.getByText(`已完成 ${open.length} / ${open.length} 项`).waitFor();

    // The listener is in place before the click (awaited), so the event cannot be missed.
    await page.evaluate(() => {
      window.kaopingSubmitted = new Promise((resolve) => {
        window.addEventListener('kaoping-submit', (e) => resolve(e.detail), { once: true });
      });
    });
    await page.getByRole('button', { name: '提交评审表' }).click();
    await page.getByRole('heading', { name: '评审表已提交，谢谢！' }).waitFor();
    const event = await page.evaluate(() => window.kaopingSubmitted);
    assert.deepEqual(await axeCheck(page), [], 'axe on the confirmation');
    await noHorizontalScroll(page, 'on the confirmation');
    await shot(page, '320-done');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载评审记录（JSON）' }).click(),
    ]);
    const record = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(record.format, 'kaoping.response/1');
    assert.equal(record.instrument, 'expert');
    assert.equal(record.reviewer, true);
    assert.equal(record.respondent_id, 'E-0107');
    assert.match(record.checksum, /^[0-9a-f]{64}$/);
    assert.equal(record.checksum, event.checksum, 'the host page received the same record');
    assert.equal(record.answers.group, 'scholar');
    assert.deepEqual(record.answers.recused, ['hanyang']);
    assert.equal(record.answers.scores.hanyang, undefined, 'no scores for the recused unit');
    const scored = Object.values(record.answers.scores).reduce((n, row) => n + Object.keys(row).length, 0);
    assert.equal(scored, open.length);
    assert.equal(record.answers.scores.jiangan.major_projects, 55);
    assert.equal(record.answers.scores.health.innovation_pilot, scoreOf(open.length - 1));
    assert.deepEqual(record.reasons, { 'jiangan/major_projects': '两个项目未按期开工。' });

    if (RECEIVED_DIR) {
      // The outbox POSTs the record to api/responses.
      let found = false;
      for (let k = 0; k < 50 && !found; k += 1) {
        for (const f of await readdir(RECEIVED_DIR).catch(() => [])) {
          const body = JSON.parse(await readFile(`${RECEIVED_DIR}/${f}`, 'utf8'));
          if (body.checksum === record.checksum) found = true;
        }
        if (!found) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(found, 'the record was delivered to api/responses');
    }
    await page.getByText('评审记录已送达。').waitFor();
    assert.deepEqual(errors, []);
    assert.ok(!engines.has('pkg-office'), `nor later (the service worker): ${[...engines]}`);
  } finally {
    await browser.close();
  }
});

test('the review sheet is in English with the switch, names every field and fits 320 px', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('review.html'));
    await page.getByRole('heading', { level: 1, name: '专家评审团现场评议表' }).waitFor();
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Expert review panel rating sheet' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    // Every score box is named by its unit and indicator.
    for (const [, , label] of cells('en')) assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, label);
    await page.getByLabel("Jiang'an District Construction of major projects", { exact: true }).fill('40');
    await page.getByLabel("Jiang'an District Renewal of old towns, old factories and old villages", { exact: true }).fill('101');
    await page.getByRole('button', { name: 'Submit review sheet' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'problems to fix before submitting' });
    await summary.waitFor();
    const text = await summary.innerText();
    assert.match(text, /Jianghan District: 3 items are not scored yet/, 'unscored cells of a unit make one line');
    assert.match(text, /Enter your staff or panel number/);
    assert.match(text, /Choose your rater group/);
    assert.match(text, /Jiang'an District: Construction of major projects is scored 60 or below; write a comment/);
    assert.match(text, /must be a whole number from 0 to 100/);
    await noHorizontalScroll(page, 'in English with errors');
    assert.deepEqual(await axeCheck(page), []);
    await shot(page, '320-en-errors');
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { level: 1, name: '专家评审团现场评议表' }).waitFor();
    assert.equal(await page.getByLabel('江岸区 重大项目建设', { exact: true }).inputValue(), '40', 'switching language keeps the scores');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('when this device cannot store the scores, the expert is told at once', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  await context.addInitScript(() => {
    const set = Storage.prototype.setItem;
    Storage.prototype.setItem = function setItem(k, v) {
      if (String(k).startsWith('kaoping:draft')) throw new DOMException('full', 'QuotaExceededError');
      return set.call(this, k, v);
    };
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url('review.html'));
    await page.getByLabel('江岸区 重大项目建设', { exact: true }).fill('90');
    await page.getByRole('alert').filter({ hasText: '无法在本机保存评分' }).waitFor();
    assert.deepEqual(await axeCheck(page), []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
