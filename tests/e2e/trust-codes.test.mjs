// One-time codes on the respondent's page (issue 16, docs/trust.md): the demo plan with a
// trust section saying `cadre` takes codes (its key: RFC 8032 7.1 TEST 1's, public only). The
// page asks for the code because the core says so (Engine.needsCode), takes it from #code=,
// refuses a code that is not one with the core's message, and the record carries the code
// normalised. The office's side (making and signing the batch) is tested in the CLI and the
// core (crates/kaoping_cli/tests/codes.rs, trust::issue).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const demo = JSON.parse(await readFile(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8'));
const plan = JSON.stringify({
  ...demo,
  trust: {
    keys: [{ id: '21fe31dfa154a261', public: 'ed25519:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }],
    instruments: { cadre: 'code' },
  },
});

/** Answer the demo cadre appraisal's three parts, then submit. */
async function answerCadre(page) {
  await page.getByLabel('江岸区', { exact: true }).check();
  await page.getByRole('button', { name: '下一部分' }).click();
  for (const r of await page.getByRole('radio', { name: '较好', exact: true }).all()) await r.check();
  await page.getByRole('button', { name: '下一部分' }).click();
  for (const r of await page.getByRole('radio', { name: '称职', exact: true }).all()) await r.check();
  await page.getByRole('button', { name: '提交问卷' }).click();
}

test('a coded instrument asks for the code, refuses a wrong one and records it normalised', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 320, height: 720 } });
  try {
    await context.route('**/code-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: plan }));
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('respond.html?plan=code-plan.json&instrument=cadre#code=7k3m-q9xa-2bfl'));
    const field = page.getByLabel(/一次性评价码/);
    await field.waitFor();
    assert.equal(await field.inputValue(), '7k3m-q9xa-2bfl', 'taken from #code=');
    assert.deepEqual(await axeCheck(page), [], 'axe with the code field');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'fits 320 px');

    // A code that is not one: back to the first part, the core's message at the field.
    await field.fill('7K3M');
    const record = page.evaluate(() => new Promise((resolve) => addEventListener('kaoping-submit', (e) => resolve(e.detail))));
    record.catch(() => {});
    await answerCadre(page);
    await page.getByText(/“7K3M”不是评价码/).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id?.endsWith('code')), true, 'focus on the field');
    assert.deepEqual(await axeCheck(page), [], 'axe with the code error');

    // Keyboard: the field is reachable and typed into.
    await field.fill('');
    await field.focus();
    await page.keyboard.type('7k3m q9xa 2bfl');
    await page.getByRole('button', { name: '下一部分' }).click();
    await page.getByRole('button', { name: '下一部分' }).click();
    await page.getByRole('button', { name: '提交问卷' }).click();
    const rec = await record;
    assert.equal(rec.instrument, 'cadre');
    assert.equal(rec.code, '7K3MQ9XA2BF1', 'normalised: uppercase, no spaces, L read as 1');
    assert.deepEqual(errors, []);

    // The open public survey asks for no code, and its record has none.
    const open = await context.newPage();
    await open.goto(url('respond.html?plan=code-plan.json#code=7K3M-Q9XA-2BFH'));
    await open.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await open.getByLabel(/一次性评价码/).count(), 0);
  } finally {
    await browser.close();
  }
});
