// The public survey by keyboard alone: Tab, arrow keys, Space and Enter; focus moves to the new
// section's heading after "Next", and to the error summary when something is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  const label = el?.labels?.[0]?.textContent ?? el?.textContent ?? '';
  return { tag: el?.tagName, type: el?.getAttribute('type'), label: label.trim() };
});

async function tabTo(page, predicate, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (predicate(f)) return f;
  }
  throw new Error('focus never reached the expected control');
}

test('the public survey can be completed with the keyboard alone', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('respond.html'));
    await page.getByRole('heading', { level: 1 }).waitFor();

    // Enter on the Next button with nothing answered: focus goes to the error summary.
    await tabTo(page, (f) => f.tag === 'BUTTON' && f.label === '下一部分');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: '请修改以下问题后继续' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), true);

    // Back to the top of the form, then answer with arrows.
    await page.keyboard.press('Shift+Tab');
    await page.locator('input[type=radio]').first().focus();
    await page.keyboard.press('ArrowDown'); // 江岸区 -> 江汉区, selected by the arrow
    assert.ok(await page.getByLabel('江汉区', { exact: true }).isChecked());
    await page.keyboard.press('Tab'); // into the age group
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.ok(await page.getByLabel('45–59岁', { exact: true }).isChecked());
    await page.keyboard.press('Tab'); // the number box
    await page.keyboard.type('7');
    await page.keyboard.press('Enter'); // submits the section
    await page.getByRole('heading', { level: 2, name: '公共服务与民生' }).waitFor();
    assert.deepEqual(await focused(page), { tag: 'H2', type: null, label: '公共服务与民生' });

    // Matrix rows: Tab into each row's radio group and pick 满意 (4th point) with arrows.
    for (let row = 0; row < 7; row++) {
      const f = await tabTo(page, (x) => x.type === 'radio');
      assert.equal(f.label, '非常不满意');
      for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
    }
    await tabTo(page, (f) => f.tag === 'BUTTON' && f.label === '下一部分');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: '总体评价' }).waitFor();

    // Overall rating: 非常满意 (5th point); a priority with Space; submit with Enter.
    await tabTo(page, (x) => x.type === 'radio');
    for (let k = 0; k < 4; k++) await page.keyboard.press('ArrowRight');
    await tabTo(page, (x) => x.type === 'checkbox' && x.label === '教育');
    await page.keyboard.press('Space');
    await tabTo(page, (f) => f.tag === 'BUTTON' && f.label === '提交问卷');
    // The listener is in place before the key press (awaited), so the event cannot be missed.
    await page.evaluate(() => {
      window.kaopingSubmitted = new Promise((resolve) => {
        window.addEventListener('kaoping-submit', (e) => resolve(e.detail), { once: true });
      });
    });
    const submitted = () => page.evaluate(() => window.kaopingSubmitted);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    const record = await submitted();
    assert.equal(record.answers.district, 'jianghan');
    assert.equal(record.answers.age_group, '45-59');
    assert.equal(record.answers.years_resident, 7);
    assert.equal(record.answers.overall, 5);
    assert.deepEqual(record.answers.priorities, ['education']);
    assert.deepEqual(Object.values(record.answers.services), [4, 4, 4, 4, 4, 4, 4]);
    assert.deepEqual(record.quality.straight_lined, ['services'], 'the same answer on every row is flagged');
    assert.deepEqual(await axeCheck(page), []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
