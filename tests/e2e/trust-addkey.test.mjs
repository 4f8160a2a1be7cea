// The office's public key into the plan (issue 16, docs/plan.md 12.5), in the browser: the
// office makes its signing key, chooses the expert panel's access (invitation) among those the
// engine offers, presses "put the public key into the plan"; the amendment panel shows the
// engine's diff (the key added, the access restricted with its warning), the amendment is
// recorded with its date and reasons, the amended plan lists the key and the access, and an
// invitation is then issued under it and verifies with the key. Then a lost laptop: revoking
// the only key is refused with the plan's reason; a new key put in with the old one revoked is
// recorded. axe on each state, 320 px, keyboard to the button.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const OUT = process.env.KAOPING_SCREENSHOTS;
const PASSWORD = '考评办 2026 secret';
const fromB64u = (s) => Buffer.from(s, 'base64url');

async function makeKey(page) {
  await page.locator('#keys-make').click();
  await page.getByLabel('备份密码（至少 12 个字符）').fill(PASSWORD);
  await page.getByLabel('再次输入备份密码').fill(PASSWORD);
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: '生成密钥并下载备份文件' }).click()]);
  const file = JSON.parse((await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c))).toString('utf8'));
  await page.locator('#keys-id').getByText(file.id).waitFor();
  return file;
}

async function record(page, date, zh, en) {
  await page.locator('#amend-date').fill(date);
  await page.getByLabel('修订理由（中文）').fill(zh);
  await page.getByLabel('修订理由（英文）').fill(en);
  await page.getByRole('button', { name: '记录修订并使用新版本' }).click();
}

const planNow = (page) => page.evaluate(async () => {
  const { state } = await import('./js/office-state.js');
  return JSON.parse(state.planText);
});

const options = (select) => select.locator('option').evaluateAll((os) => os.map((o) => o.value));

async function at320(page, what, locator) {
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scroll at 320 px: ${what} (${overflow})`);
  if (OUT) await page.locator(locator).screenshot({ path: `${OUT}/addkey-320-${what.replace(/\W+/g, '-')}.png` });
  assert.deepEqual(await axeCheck(page), [], `axe: ${what} at 320 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
  if (OUT) await page.locator(locator).screenshot({ path: `${OUT}/addkey-desktop-${what.replace(/\W+/g, '-')}.png` });
}

const chinaDay = (ms) => new Date(ms + 8 * 3600000).toISOString().slice(0, 10);

test('the public key goes into the plan through the button, then an invitation under it', async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    const errors = watchErrors(page);
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    const keys = page.locator('#keys');
    // No key yet: no button.
    await keys.getByText('本浏览器还没有考评办的签名密钥。').waitFor();
    assert.equal(await page.locator('#trust-put').count(), 0);

    const file = await makeKey(page);
    await keys.locator('#trust-mine').getByText('本浏览器的密钥还不在方案中').waitFor();
    await keys.getByText('方案中还没有公钥。').waitFor();

    // The access selectors: one per instrument, open as the plan says, with the engine's
    // choices (an invitation opens the review page: only the expert panel has one).
    const expert = keys.getByLabel('专家评审团现场评议表（expert）的准入方式');
    const cadre = keys.getByLabel('领导班子和领导干部年度考评表（cadre）的准入方式');
    assert.equal(await expert.inputValue(), 'open');
    assert.equal(await cadre.inputValue(), 'open');
    assert.deepEqual(await options(expert), ['open', 'invitation', 'code']);
    assert.deepEqual(await options(cadre), ['open', 'code']);
    assert.deepEqual(await options(keys.locator('#trust-access-public')), ['open', 'code']);
    await at320(page, 'put the key form', '#keys');
    await expert.focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'trust-access-cadre');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'trust-put', 'the button is reached by keyboard');
    await expert.selectOption('invitation');
    await page.locator('#trust-put').click();

    // The page's amendment path: the engine's diff, then the record.
    const panel = page.locator('section.amend');
    await panel.getByRole('heading', { name: '修订方案：版本 1 → 2' }).waitFor();
    await panel.locator('code', { hasText: /^key_added$/ }).waitFor();
    await panel.locator('code', { hasText: /^access_restricted$/ }).waitFor();
    await panel.getByText(/此前没有邀请签名的答卷在导入时将被拒收/).waitFor();
    await at320(page, 'the amendment of the key', 'section.amend');
    await record(page, '2026-12-02', '登记考评办公钥', 'Office key registered');
    await page.locator('#amend-done').getByText('已记录修订：版本 2（2026-12-02），现为现行方案。').waitFor();
    const plan = await planNow(page);
    assert.deepEqual(plan.trust, { keys: [{ id: file.id, public: file.public }], instruments: { expert: 'invitation' } });
    assert.equal(plan.version, '2');
    assert.deepEqual(plan.amendments.map((a) => [a.version, a.date, a.reason.en]), [['2', '2026-12-02', 'Office key registered']]);
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    await keys.locator('#trust-mine').getByText('本浏览器的密钥已在方案中。').waitFor();
    assert.equal(await expert.inputValue(), 'invitation', 'the amended plan’s access');
    await keys.getByRole('row', { name: new RegExp(file.id) }).getByLabel(`吊销密钥 ${file.id}（本浏览器的密钥）`).waitFor();

    // Pressing again changes nothing: the engine says so.
    await keys.getByRole('button', { name: '把改动写入方案' }).click();
    await page.locator('#trust-error').getByText('除版本号外没有任何改动').waitFor();
    await at320(page, 'nothing to put', '#keys');

    // An invitation under the amended plan.
    const form = page.locator('section.invite');
    await form.getByRole('heading', { name: '邀请评审专家' }).waitFor();
    await form.getByLabel('评审人编号').fill('E07');
    await form.getByLabel('姓名').fill('张三');
    await form.getByLabel('组别').selectOption('industry');
    await form.getByLabel('江岸区', { exact: true }).check();
    const now = Date.now();
    await form.getByLabel('有效期起（北京时间）').fill(chinaDay(now - 86400000));
    await form.getByLabel('有效期止（北京时间，含当天）').fill(chinaDay(now + 30 * 86400000));
    await form.getByRole('button', { name: '签发邀请' }).click();
    const link = await page.locator('#invite-link-0').getAttribute('href');
    const token = link.split('#invite=')[1];
    const [payload, signature] = token.split('.');
    const invitation = JSON.parse(fromB64u(payload).toString('utf8'));
    assert.equal(invitation.plan_id, plan.id);
    assert.equal(invitation.key, file.id, 'signed by the key now in the plan');
    const office = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: file.public.slice(8) }, format: 'jwk' });
    assert.ok(verify(null, fromB64u(payload), office, fromB64u(signature)), 'the invitation verifies with the plan’s key');

    // The only key revoked while the panel needs invitations: the plan's check refuses it.
    await keys.getByLabel(`吊销密钥 ${file.id}（本浏览器的密钥）`).check();
    await page.locator('#trust-put').click();
    await page.locator('#trust-error').getByText(/这样修改后的方案不成立：\/trust\/keys：/).waitFor();
    assert.equal(await page.locator('section.amend').count(), 0, 'no amendment offered');

    // A lost laptop: a new key in this browser goes in with the old one revoked.
    const second = await makeKey(page);
    await keys.locator('#trust-mine').getByText('本浏览器的密钥还不在方案中').waitFor();
    await keys.getByLabel(`吊销密钥 ${file.id}`, { exact: true }).check();
    await at320(page, 'revoke the old key', '#keys');
    await keys.getByRole('button', { name: '把公钥写入方案' }).click();
    await panel.getByRole('heading', { name: '修订方案：版本 2 → 3' }).waitFor();
    await panel.locator('code', { hasText: /^key_revoked$/ }).waitFor();
    await panel.locator('code', { hasText: /^key_added$/ }).waitFor();
    await panel.getByText(/须重新邀请/).waitFor();
    await record(page, '2026-12-05', '旧笔记本遗失，吊销旧密钥', 'Old laptop lost: its key revoked');
    await page.locator('#amend-done').getByText('已记录修订：版本 3（2026-12-05），现为现行方案。').waitFor();
    const after = await planNow(page);
    assert.deepEqual(after.trust.keys, [{ id: file.id, public: file.public, revoked: true }, { id: second.id, public: second.public }]);
    assert.deepEqual(after.trust.instruments, { expert: 'invitation' });
    await keys.getByRole('row', { name: new RegExp(file.id) }).getByText('已吊销').waitFor();
    await keys.locator('#trust-mine').getByText('本浏览器的密钥已在方案中。').waitFor();

    // In English.
    await page.locator('#lang-switch').click();
    await keys.getByRole('button', { name: 'Put the changes into the plan' }).waitFor();
    await keys.getByLabel('Access to Expert review panel rating sheet (expert)').waitFor();
    await keys.getByText('This browser’s key is in the plan.').waitFor();
    await at320(page, 'english', '#keys');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
