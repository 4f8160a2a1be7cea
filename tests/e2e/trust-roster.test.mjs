// Invitations from a roster on the office page (issue 16, docs/trust.md): a roster with a
// problem is refused with the cell, nothing issued; a good roster CSV gives one invitation per
// rater (the engine reads it, the office key signs each payload in the page, the engine makes
// the links); the CSV list downloads; one button opens the printable sheet with a QR code per
// rater, each named for screen readers; a link opened in a new page shows only that rater's units.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const OUT = process.env.KAOPING_SCREENSHOTS;
const PASSWORD = '考评办 2026 secret';
const demo = JSON.parse(await readFile(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8'));

const ROSTER = '评审人编号,姓名,组别,评审对象\nR01,王五,industry,江岸区;汉阳区\nR02,赵六,industry,jiangan\nR03,钱七,industry,江岸区、硚口区\n';
const BAD = '评审人编号,姓名,组别,评审对象\nR01,王五,industry,没有这个区\n';

async function makeKey(page) {
  await page.locator('#keys-make').click();
  await page.locator('#keys-password').fill(PASSWORD);
  await page.locator('#keys-password-again').fill(PASSWORD);
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: '生成密钥并下载备份文件' }).click()]);
  const text = await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
  return JSON.parse(text);
}

test('a roster becomes invitations, a CSV list and a printed sheet of QR codes', async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    const errors = watchErrors(page);
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    const f = await makeKey(page);
    await page.locator('#keys-id').getByText(f.id).waitFor();
    const plan = { ...demo, id: 'roster-test', trust: { keys: [{ id: f.id, public: f.public }], instruments: { expert: 'invitation' } } };
    const planText = JSON.stringify(plan);
    await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles({ name: 'trust-plan.json', mimeType: 'application/json', buffer: Buffer.from(planText) });
    await page.locator('.facts').first().getByText('trust-plan.json').waitFor(); // the new plan, not the one before
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    const file = page.getByLabel('评审名单（CSV 或 Excel .xlsx）');

    // A problem: its cell, and no invitation.
    await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
    const problems = page.locator('#roster-problems');
    await problems.getByText('名单有 1 个问题，未签发任何邀请：').waitFor();
    await problems.getByText(/^D2 \(评审对象\): /).waitFor();
    assert.equal(await page.locator('.roster-issued').count(), 0);
    assert.deepEqual(await axeCheck(page), [], 'axe: roster problems');
    await page.locator('#lang-switch').click();
    await problems.getByText('The roster has 1 problem; no invitation was issued:').waitFor();
    await problems.getByText(/^D2 \(评审对象\): .*没有这个区/).waitFor();
    await page.locator('#lang-switch').click();
    await problems.getByText('名单有 1 个问题，未签发任何邀请：').waitFor();

    // The good roster.
    await file.setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(ROSTER) });
    const list = page.locator('.roster-issued');
    await list.getByText('已按名单签发 3 份邀请').first().waitFor();
    assert.equal(await list.locator('tbody tr').count(), 3);
    assert.deepEqual((await list.locator('tbody tr').first().locator('td').allTextContents()).slice(0, 4),
      ['R01', '王五', '行业专家', '江岸区、汉阳区'], 'the group and units by name, in the plan\'s order');
    assert.equal(await page.locator('#roster-problems').count(), 0);
    const links = await list.locator('a.invite-link').evaluateAll((as) => as.map((a) => a.href));
    assert.equal(links.length, 3);
    for (const l of links) assert.match(l, /review\.html\?plan=trust-plan\.json&instrument=expert#invite=[\w-]+\.[\w-]+$/);
    assert.deepEqual(await axeCheck(page), [], 'axe: roster issued');
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scroll at 320 px (${overflow})`);
    if (OUT) await page.locator('section.invite-roster').screenshot({ path: `${OUT}/trust-roster-320.png` });
    assert.deepEqual(await axeCheck(page), [], 'axe: roster issued at 320 px');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The list as CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载邀请清单（CSV）' }).click()]);
    const csv = await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
    assert.ok(csv.startsWith('\uFEFF'), 'a BOM, for Excel');
    const lines = csv.trim().split('\r\n'); // (trim drops the BOM too)
    assert.equal(lines.length, 4, csv);
    assert.match(lines[0], /^评审人编号,姓名,组别,问卷,评审对象/);
    assert.ok(lines[1].startsWith('R01,王五,'), lines[1]);
    assert.ok(lines[1].endsWith(links[0]), 'the CSV has the link');

    const days = [await page.locator('#invite-from').inputValue(), await page.locator('#invite-until').inputValue()];
    // One button: the printable sheet, a QR code per rater with its name.
    const [sheet] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: '打印二维码' }).click()]);
    await sheet.waitForLoadState();
    await sheet.locator('li.card').first().waitFor();
    assert.equal(await sheet.locator('li.card').count(), 3);
    const names = await sheet.locator('svg[role="img"]').evaluateAll((xs) => xs.map((x) => x.getAttribute('aria-label')));
    assert.equal(names.length, 3);
    for (const n of names) assert.match(n, /^邀请 \/ Invitation: R0\d /);
    assert.deepEqual(await sheet.locator('li.card p.link').allTextContents(), links, 'each card has its link');
    await sheet.getByText('江岸区、汉阳区').waitFor(); // the token's units, in the plan's order
    // The days of the form (a roster without dates takes them), as the office chose them.
    assert.equal(await sheet.locator('li.card dd').nth(3).textContent(), `${days.join(' – ')}`);
    assert.deepEqual(await axeCheck(sheet), [], 'axe: the printed sheet');
    if (OUT) {
      await sheet.setViewportSize({ width: 794, height: 1123 });
      await sheet.screenshot({ path: `${OUT}/trust-roster-sheet.png`, fullPage: true });
      await sheet.emulateMedia({ media: 'print' });
      await sheet.screenshot({ path: `${OUT}/trust-roster-sheet-print.png`, fullPage: true });
    }
    assert.deepEqual(errors, []);

    // The first rater's link in a new page: only that rater's units.
    const phone = await browser.newContext({ viewport: { width: 320, height: 700 } });
    await phone.route('**/trust-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: planText }));
    const rater = await phone.newPage();
    rater.setDefaultTimeout(30000);
    await rater.goto(links[0]);
    await rater.getByRole('heading', { level: 1, name: '专家评审团现场评议表' }).waitFor();
    await rater.locator('.review-who').getByText('R01', { exact: true }).waitFor();
    const units = await rater.locator('.unit-card').evaluateAll((cards) => cards.map((c) => c.dataset.unit));
    assert.deepEqual(units, ['jiangan', 'hanyang'], 'only the assigned units');
  } finally {
    await browser.close();
  }
});
