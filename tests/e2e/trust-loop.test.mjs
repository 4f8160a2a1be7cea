// Who may rate, end to end (issue 16, docs/trust.md): the office makes its key and signs a
// roster into invitations; an expert opens an invitation, sees only the assigned units,
// submits, then corrects the sheet (submits again); the office loads the delivered sheets and
// a forged copy (one score changed, the checksum made again, the signature kept): the
// correction counts, the first sheet is listed as superseded by it, and the forgery is
// rejected as bad_signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors, RECEIVED_DIR } from './harness.mjs';

const PASSWORD = '考评办 2026 secret';
const demo = JSON.parse(await readFile(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8'));
const ROSTER = '评审人编号,姓名,组别,评审对象\nR01,王五,industry,江岸区;汉阳区\nR02,赵六,industry,jiangan\n';

/** Canonical JSON (keys sorted, no whitespace): what a record's checksum is the SHA-256 of. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A record's checksum as anyone can compute it: the content with checksum and signature empty. */
function checksum(record) {
  const copy = structuredClone(record);
  copy.checksum = '';
  copy.signed.signature = '';
  return createHash('sha256').update(canonical(copy)).digest('hex');
}

/** The delivered record with `sum`, read from the server's received files (waits for it). */
async function delivered(sum) {
  for (let k = 0; k < 50; k += 1) {
    for (const f of await readdir(RECEIVED_DIR).catch(() => [])) {
      const body = JSON.parse(await readFile(`${RECEIVED_DIR}/${f}`, 'utf8'));
      if (body.checksum === sum) return body;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`record ${sum} not delivered to ${RECEIVED_DIR}`);
}

/** Scores every cell of the open sheet with `score` and submits it; returns the record. */
async function submit(rater, score) {
  for (const input of await rater.locator('input.score').all()) await input.fill(String(score));
  const submitted = rater.evaluate(() => new Promise((resolve) => addEventListener('kaoping-submit', (e) => resolve(e.detail), { once: true })));
  const sent = rater.waitForResponse((r) => r.url().endsWith('/api/responses') && r.request().method() === 'POST');
  await rater.getByRole('button', { name: '提交评审表' }).click();
  const record = await submitted;
  assert.ok([200, 201].includes((await sent).status()), 'the signed sheet is delivered');
  await rater.getByRole('heading', { level: 1, name: '评审表已提交，谢谢！' }).waitFor();
  return record;
}

test('an invited expert submits and corrects; the office counts the correction and rejects a forgery', { skip: !RECEIVED_DIR && 'KAOPING_RECEIVED_DIR is not set' }, async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    const errors = watchErrors(page);
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();

    // The office: a key, the plan listing it, a roster signed into invitations.
    await page.locator('#keys-make').click();
    await page.locator('#keys-password').fill(PASSWORD);
    await page.locator('#keys-password-again').fill(PASSWORD);
    const [backup] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: '生成密钥并下载备份文件' }).click()]);
    const key = JSON.parse(await (await backup.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
    await page.locator('#keys-id').getByText(key.id).waitFor();
    const plan = { ...demo, id: 'loop-test', trust: { keys: [{ id: key.id, public: key.public }], instruments: { expert: 'invitation' } } };
    const planText = JSON.stringify(plan);
    await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles({ name: 'loop-plan.json', mimeType: 'application/json', buffer: Buffer.from(planText) });
    await page.locator('.facts').first().getByText('loop-plan.json').waitFor(); // the new plan, not the one before
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    await page.getByLabel('评审名单（CSV 或 Excel .xlsx）').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(ROSTER) });
    await page.locator('.roster-issued').getByText('已按名单签发 2 份邀请').first().waitFor();
    const link = await page.locator('.roster-issued a.invite-link').first().getAttribute('href');

    // The expert: only the assigned units; a sheet, then a corrected one.
    const phone = await browser.newContext({ viewport: { width: 320, height: 700 } });
    await phone.route('**/loop-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: planText }));
    const rater = await phone.newPage();
    rater.setDefaultTimeout(30000);
    const raterErrors = watchErrors(rater);
    await rater.goto(link);
    await rater.locator('.review-who').getByText('R01', { exact: true }).waitFor();
    assert.deepEqual(await rater.locator('.unit-card').evaluateAll((cs) => cs.map((c) => c.dataset.unit)), ['jiangan', 'hanyang']);
    const first = await submit(rater, 70);
    await rater.getByRole('button', { name: '填写新的评审表' }).click();
    await rater.locator('.review-who').getByText('R01', { exact: true }).waitFor();
    const second = await submit(rater, 90);
    assert.equal(second.signed.token, first.signed.token, 'the same invitation');
    assert.ok(second.submitted_at > first.submitted_at, 'the correction is later');
    assert.deepEqual(raterErrors, []);

    // What the server received, and a forged copy of the correction.
    const received = [await delivered(first.checksum), await delivered(second.checksum)];
    assert.equal(checksum(received[1]), received[1].checksum, 'the checksum as computed here');
    const forged = structuredClone(received[1]);
    const [unit, scores] = Object.entries(forged.answers.scores)[0];
    const indicator = Object.keys(scores)[0];
    forged.answers.scores[unit][indicator] = 100;
    forged.checksum = checksum(forged);
    const jsonl = [...received, forged].map((r) => JSON.stringify(r)).join('\n');

    // The office loads them.
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'received.jsonl', mimeType: 'application/json', buffer: Buffer.from(jsonl) });
    await page.getByRole('heading', { name: '读取 3 条，接受 2 条，拒绝 1 条' }).waitFor();
    const rejections = page.getByRole('table', { name: '被拒绝的记录' });
    assert.equal(await rejections.getByRole('row').count(), 2, 'a header row and the forgery');
    assert.match(await rejections.getByRole('row').nth(1).innerText(), /received\.jsonl\s+3\b[\s\S]*签名不符/);
    const superseded = page.getByRole('table', { name: /被更晚的评分表取代的评分表/ });
    assert.equal(await superseded.getByRole('row').count(), 2, 'a header row and the first sheet');
    const row = await superseded.getByRole('row').nth(1).innerText();
    assert.match(row, /received\.jsonl\s+1\b/, 'the first sheet is superseded');
    assert.ok(row.includes('R01') && row.includes(first.submitted_at), row);
    assert.ok(row.includes(`received.jsonl 第 2 条（提交于 ${second.submitted_at}）`), `the correction counts: ${row}`);
    assert.deepEqual(await axeCheck(page), [], 'axe: the ingest report');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
