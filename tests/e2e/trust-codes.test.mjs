// One-time codes on the respondent's page (issue 16, docs/trust.md): the demo plan with a
// trust section saying `cadre` takes codes (its key: RFC 8032 7.1 TEST 1's, public only). The
// page asks for the code because the core says so (Engine.needsCode), takes it from #code=,
// refuses a code that is not one with the core's message, and the record carries the code
// normalised. The office's side: the office page makes its key, the plan lists it, the page
// makes 5 codes (the engine), signs the batch with the office key (WebCrypto) and gives the
// batch file (kaoping.codes/1: the codes' hashes, the signature) and the slips; a slip's code
// typed on the respondent's page ends on the record normalised. (The CLI and the core test the
// same in crates/kaoping_cli/tests/codes.rs and trust::issue.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
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

const OUT = process.env.KAOPING_SCREENSHOTS;
const PASSWORD = '考评办 2026 secret';
const hashOf = (code) => createHash('sha256').update(`kaoping.code/1\n${code.replace(/-/g, '')}`).digest('hex');

async function textOf(download) {
  return (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
}

async function at320(page, what) {
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scroll at 320 px: ${what} (${overflow})`);
  if (OUT) await page.locator('#codes').screenshot({ path: `${OUT}/codes-320-${what.replace(/\W+/g, '-')}.png` });
  assert.deepEqual(await axeCheck(page), [], `axe: ${what} at 320 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
  if (OUT) await page.locator('#codes').screenshot({ path: `${OUT}/codes-desktop-${what.replace(/\W+/g, '-')}.png` });
}

async function usePlan(page, name, value) {
  await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(value)) });
  await page.locator('.facts').first().getByText(name).waitFor();
  await page.locator('#plan-status').getByText('方案有效').waitFor();
}

test('the office page makes a signed batch of codes, and a slip’s code is taken', async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    const errors = watchErrors(page);
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    const codes = page.locator('#codes');
    await codes.getByRole('heading', { level: 2, name: '一次性评价码' }).waitFor();
    // The demo plan names no coded instrument: the page says how to set one.
    await codes.locator('#codes-none').getByText(/trust\.instruments/).waitFor();
    await at320(page, 'no coded instrument');

    // A plan with a coded instrument but no office key in this browser: the way to the key.
    await usePlan(page, 'codes-nokey.json', { ...JSON.parse(plan), id: 'codes-nokey' }); // not the demo's id (that offers an amendment)
    await codes.locator('#codes-no-key').getByRole('link', { name: '前往“签名密钥”一步' }).waitFor();
    await at320(page, 'no key');

    // The office key made on the page; its entry (read from the page) put into the plan.
    await page.locator('#keys-make').click();
    await page.getByLabel('备份密码（至少 12 个字符）').fill(PASSWORD);
    await page.getByLabel('再次输入备份密码').fill(PASSWORD);
    await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '生成密钥并下载备份文件' }).click()]);
    const entry = JSON.parse(await page.locator('#keys-entry').textContent());
    await usePlan(page, 'codes-plan.json', { ...demo, id: 'codes-test', trust: { keys: [entry], instruments: { cadre: 'code' } } });

    // The form, by keyboard where it is typed.
    await codes.getByText(/评价码条在发放前是机密/).waitFor();
    await codes.getByText(/kaoping 不记录谁拿到了哪个码/).waitFor();
    assert.equal(await codes.getByLabel('问卷', { exact: true }).inputValue(), 'cadre');
    await at320(page, 'form');
    await codes.getByLabel('数量', { exact: true }).fill('');
    await codes.getByLabel('数量', { exact: true }).focus();
    await page.keyboard.type('5');
    await codes.getByLabel('批次名称').fill('2026-12 会议');
    await page.keyboard.press('Enter');
    await codes.locator('#codes-status').getByText('已生成并签署 5 个评价码（批次“2026-12 会议”）。').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'codes-files-h');
    await at320(page, 'files');

    // The batch file: public, the codes' hashes and the office key's signature.
    const [batchDl] = await Promise.all([page.waitForEvent('download'), codes.getByRole('button', { name: '下载批次文件（公开，汇总时使用）' }).click()]);
    assert.equal(batchDl.suggestedFilename(), 'codes-2026-12_会议.json');
    const batch = JSON.parse(await textOf(batchDl));
    assert.equal(batch.format, 'kaoping.codes/1');
    assert.deepEqual([batch.plan_id, batch.instrument, batch.batch, batch.key], ['codes-test', 'cadre', '2026-12 会议', entry.id]);
    assert.equal(batch.hashes.length, 5);
    assert.match(batch.signature, /^[\w-]{86}$/);
    // Signed by the office key: over the canonical JSON (sorted keys, no spaces) without it.
    const { signature, ...unsigned } = batch;
    const message = JSON.stringify(Object.fromEntries(Object.entries(unsigned).sort(([a], [b]) => (a < b ? -1 : 1))));
    const office = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: entry.public.slice(8) }, format: 'jwk' });
    assert.ok(verify(null, Buffer.from(message), office, Buffer.from(signature, 'base64url')), 'the office key signed the batch');

    // The slips, in a new window (by keyboard); each code's hash is the batch's.
    const [slips] = await Promise.all([context.waitForEvent('page'), (async () => {
      await codes.getByRole('button', { name: '打开评价码条以打印' }).focus();
      await page.keyboard.press('Enter');
    })()]);
    await slips.waitForLoadState();
    await slips.locator('.code').first().waitFor();
    const printed = await slips.locator('.code').allTextContents();
    assert.equal(await slips.locator('.code').first().evaluate((e) => getComputedStyle(e).fontWeight), '700', 'the slips are styled');
    await slips.getByText(/不登记姓名/).waitFor();
    if (OUT) await slips.screenshot({ path: `${OUT}/codes-slips.png`, fullPage: true });
    assert.equal(printed.length, 5);
    for (const c of printed) assert.match(c, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.deepEqual(printed.map(hashOf).sort(), [...batch.hashes].sort(), 'the batch holds the slips’ hashes');
    const [csvDl] = await Promise.all([page.waitForEvent('download'), codes.getByRole('button', { name: '下载评价码 CSV' }).click()]);
    const csv = (await textOf(csvDl)).trim().split('\r\n');
    assert.deepEqual(csv.slice(1).map((l) => l.split(',')[1]), printed, 'the CSV holds the same codes');

    // Cleared from the page: the files go.
    await codes.getByRole('button', { name: '从本页清除这批评价码' }).click();
    await codes.locator('#codes-status').getByText('已从本页清除这批评价码。').waitFor();
    assert.equal(await codes.locator('.codes-files').count(), 0);
    await page.locator('#lang-switch').click();
    await codes.getByRole('heading', { level: 2, name: 'One-time codes' }).waitFor();
    await codes.getByText(/Nothing in kaoping records who got which code/).waitFor();
    assert.deepEqual(errors, []);

    // A slip's code typed on the respondent's page: on the record, normalised. The same code
    // once more (reused), and a well-formed code the batch does not hold (unknown).
    const planText = JSON.stringify({ ...demo, id: 'codes-test', trust: { keys: [entry], instruments: { cadre: 'code' } } });
    const rec = await respondWith(browser, planText, printed[2].toLowerCase());
    assert.equal(rec.code, printed[2].replace(/-/g, ''));
    assert.equal(hashOf(rec.code), hashOf(printed[2]));
    const again = await respondWith(browser, planText, printed[2]);
    const stranger = await respondWith(browser, planText, '7K3M-Q9XA-2BFH');
    assert.ok(!printed.map((c) => c.replace(/-/g, '')).includes(stranger.code));

    // Ingest with the batch: the codes issued, used, reused and unknown.
    await page.locator('#lang-switch').click();
    await codes.getByRole('heading', { level: 2, name: '一次性评价码' }).waitFor();
    const batchText = JSON.stringify(batch);
    const records = [rec, again, stranger].map((r) => JSON.stringify(r)).join('\n');
    await ingest(page, batchText, records, batchDl.suggestedFilename());
    // The batch is kept with the data files across a reload, and counts again.
    await page.reload();
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    await page.locator('#code-batches-hint').getByText(`已选批次：${batchDl.suggestedFilename()}`).waitFor();
    await page.getByRole('button', { name: '用这些文件重新评分' }).click();
    await expectCounts(page);
    await page.getByRole('button', { name: '清除已选批次' }).click();
    await page.locator('#code-batches-hint').getByText(/汇总时先读/).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'code-batches-choose');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

/** A respondent on a phone answers the cadre appraisal with `code`; the record submitted. */
async function respondWith(browser, planText, code) {
  const phone = await browser.newContext({ viewport: { width: 320, height: 720 } });
  await phone.route('**/codes-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: planText }));
  const page = await phone.newPage();
  page.setDefaultTimeout(30000);
  await page.goto(url('respond.html?plan=codes-plan.json&instrument=cadre'));
  const field = page.getByLabel(/一次性评价码/);
  await field.waitFor();
  await field.focus();
  await page.keyboard.type(code);
  const record = page.evaluate(() => new Promise((resolve) => addEventListener('kaoping-submit', (e) => resolve(e.detail))));
  await answerCadre(page);
  const rec = await record;
  await phone.close();
  return rec;
}

/** The rows of a table's body as text. */
const rowsOf = (table) => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));

async function expectCounts(page) {
  await page.getByRole('heading', { name: '读取 3 条，接受 1 条，拒绝 2 条' }).waitFor();
  const rejected = await rowsOf(page.locator('table', { has: page.locator('caption', { hasText: '被拒绝的记录' }) }));
  assert.deepEqual(rejected.map((r) => r[3].split(' ')[0]), ['评价码重复使用', '评价码无效']);
  const codes = await rowsOf(page.locator('table.codes'));
  // instrument, issued, used, unknown, reused, missing
  assert.deepEqual(codes, [['领导班子和领导干部年度考评表', '5', '1', '1', '1', '0']]);
}

/** The office's data step: the batch file, then the records; the run's counts. */
async function ingest(page, batchText, records, batchName) {
  await page.locator('#code-batches').setInputFiles({ name: batchName, mimeType: 'application/json', buffer: Buffer.from(batchText) });
  await page.locator('#code-batches-hint').getByText(`已选批次：${batchName}`).waitFor();
  await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'records.jsonl', mimeType: 'application/json', buffer: Buffer.from(records) });
  await expectCounts(page);
  assert.deepEqual(await axeCheck(page), [], 'axe: the ingest with codes');
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scroll at 320 px: the ingest with codes (${overflow})`);
  if (OUT) await page.locator('.record-files').screenshot({ path: `${OUT}/codes-320-ingest.png` });
  await page.setViewportSize({ width: 1280, height: 900 });
}
