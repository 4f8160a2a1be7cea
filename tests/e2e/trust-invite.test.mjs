// Who may rate (issue 16, docs/trust.md), in the browser. The office makes its signing key on
// the office page: the backup file downloaded is the `kaoping.key/1` JSON (PBKDF2-SHA-256 600 000,
// AES-GCM) and its content decrypts, with the password, to the PKCS#8 of an Ed25519 key whose
// public half and id are the file's; the key is kept non-extractable in IndexedDB and comes back
// after a reload; a restore with a wrong password is refused with its message, with the right
// one it brings the same key back on another browser profile. axe on each state, 320 px.
// Then an invitation: the plan lists the office key, the engine makes the payload, the office
// key signs it in the page, the engine makes the link; the rater's page opened with it shows
// only the assigned units with the id and group from the token, and the record it submits
// carries the token, the device key and a signature that verifies; an expired or forged token
// shows the refusal and no sheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, pbkdf2Sync, createDecipheriv, createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';

const OUT = process.env.KAOPING_SCREENSHOTS;
const PASSWORD = '考评办 2026 secret';

const fromB64u = (s) => Buffer.from(s, 'base64url');

async function axeClean(page, what) {
  assert.deepEqual(await axeCheck(page), [], `axe: ${what}`);
}

async function at320(page, what) {
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scroll at 320 px: ${what} (${overflow})`);
  if (OUT) await page.locator('#keys').screenshot({ path: `${OUT}/trust-320-${what.replace(/\W+/g, '-')}.png` });
  await axeClean(page, `${what} at 320 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
  if (OUT) await page.locator('#keys').screenshot({ path: `${OUT}/trust-desktop-${what.replace(/\W+/g, '-')}.png` });
}

/** The office page in a fresh profile, the plan checked. */
async function officePage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = watchErrors(page);
  await page.goto(url('office.html'));
  await page.getByText('方案有效').first().waitFor();
  return { page, errors };
}

/** Checks the backup file as the CLI will read it: format, KDF, cipher, and what it decrypts to. */
function checkBackup(text, password) {
  const f = JSON.parse(text);
  assert.deepEqual(Object.keys(f).sort(), ['cipher', 'created', 'format', 'id', 'kdf', 'public', 'secret']);
  assert.equal(f.format, 'kaoping.key/1');
  assert.deepEqual({ ...f.kdf, salt: undefined }, { name: 'PBKDF2', hash: 'SHA-256', iterations: 600000, salt: undefined });
  assert.equal(fromB64u(f.kdf.salt).length, 16);
  assert.equal(f.cipher.name, 'AES-GCM');
  assert.equal(fromB64u(f.cipher.iv).length, 12);
  assert.match(f.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.match(f.public, /^ed25519:[A-Za-z0-9_-]{43}$/);
  const raw = fromB64u(f.public.slice(8));
  assert.equal(f.id, createHash('sha256').update(raw).digest('hex').slice(0, 16));
  const secret = fromB64u(f.secret);
  const key = pbkdf2Sync(password, fromB64u(f.kdf.salt), 600000, 32, 'sha256');
  const d = createDecipheriv('aes-256-gcm', key, fromB64u(f.cipher.iv));
  d.setAuthTag(secret.subarray(secret.length - 16));
  const der = Buffer.concat([d.update(secret.subarray(0, secret.length - 16)), d.final()]);
  assert.equal(der.subarray(0, 16).toString('hex'), '302e020100300506032b657004220420', 'PKCS#8 of an Ed25519 seed');
  assert.equal(der.length, 48);
  const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
  assert.equal(pub.x, f.public.slice(8), 'the secret is the public key’s');
  return f;
}

/** Makes the key on the office page (keyboard for the form); returns the backup file's text. */
async function makeKey(page) {
  await page.locator('#keys-make').click();
  await page.waitForFunction(() => document.activeElement?.id === 'keys-password'); // focus on the password
  // Eleven characters: the engine's rule (the CLI's too) asks for twelve.
  await page.keyboard.type('考评办 2026 ab');
  await page.keyboard.press('Tab');
  await page.keyboard.type('考评办 2026 ab');
  await page.keyboard.press('Enter');
  await page.locator('#keys-error').getByText('密码太短：至少 12 个字符').waitFor();
  await page.getByLabel('备份密码（至少 12 个字符）').fill('');
  await page.getByLabel('再次输入备份密码').fill('');
  await page.locator('#keys-password').focus();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Tab');
  await page.keyboard.type('not the same');
  await page.keyboard.press('Enter');
  await page.locator('#keys-error').getByText('两次输入的密码不一致。').waitFor();
  await page.getByLabel('再次输入备份密码').fill(PASSWORD);
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: '生成密钥并下载备份文件' }).click()]);
  const text = await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
  assert.match(download.suggestedFilename(), /^kaoping-key-[0-9a-f]{16}\.json$/);
  return text;
}

test('the office makes its signing key, backs it up and restores it', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await officePage(browser);
    const keys = page.locator('#keys');
    await keys.getByRole('heading', { name: '签名密钥' }).waitFor();
    await keys.getByText('本浏览器还没有考评办的签名密钥。').waitFor();
    await at320(page, 'no key');

    const text = await makeKey(page);
    const f = checkBackup(text, PASSWORD);
    await page.locator('#keys-id').getByText(f.id).waitFor();
    await keys.getByText(f.public, { exact: true }).waitFor();
    assert.deepEqual(JSON.parse(await page.locator('#keys-entry').textContent()), { id: f.id, public: f.public }, 'the plan entry');
    await at320(page, 'key made');

    // Kept non-extractable in IndexedDB: after a reload it is still there, and cannot be exported.
    await page.reload();
    await page.locator('#keys-id').getByText(f.id).waitFor();
    const stored = await page.evaluate(async () => {
      const { officeKey, signAsOffice } = await import('./js/keys.js');
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open('kaoping-keys');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const e = await new Promise((resolve) => { db.transaction('kv').objectStore('kv').get('office').onsuccess = (ev) => resolve(ev.target.result); });
      const sig = await signAsOffice(new TextEncoder().encode('abc'));
      return { key: await officeKey(), extractable: e.key.extractable, type: e.key.type, alg: e.key.algorithm.name, sig: sig.length };
    });
    assert.deepEqual({ ...stored, key: stored.key.id }, { key: f.id, extractable: false, type: 'private', alg: 'Ed25519', sig: 64 });

    // In English.
    await page.locator('#lang-switch').click();
    await keys.getByRole('heading', { name: 'Signing key' }).waitFor();
    await page.locator('#lang-switch').click();
    assert.deepEqual(errors, []);

    // Another browser profile: restore from the file (a wrong password first).
    const other = await officePage(browser);
    await other.page.locator('#keys-restore').click();
    await other.page.getByLabel('备份文件（kaoping-key-….json）').setInputFiles({ name: `kaoping-key-${f.id}.json`, mimeType: 'application/json', buffer: Buffer.from(text) });
    await other.page.getByLabel('备份密码', { exact: true }).fill('wrong password');
    await other.page.getByRole('button', { name: '恢复密钥' }).click();
    await other.page.locator('#keys-error').getByText('密码不对，或备份文件已损坏。').waitFor();
    await at320(other.page, 'wrong password');
    await other.page.getByLabel('备份密码', { exact: true }).fill(PASSWORD);
    await other.page.getByRole('button', { name: '恢复密钥' }).click();
    await other.page.locator('#keys-status').getByText(`已恢复签名密钥 ${f.id}。`).waitFor();
    await other.page.locator('#keys-id').getByText(f.id).waitFor();
    assert.deepEqual(other.errors, []);
  } finally {
    await browser.close();
  }
});

const demo = JSON.parse(await readFile(new URL('../../crates/kaoping_core/plans/demo.json', import.meta.url), 'utf8'));
const DAY = 86400000;

/** `YYYY-MM-DD` of the instant `ms` in China time (the invitation form's dates). */
const chinaDay = (ms) => new Date(ms + 8 * 3600000).toISOString().slice(0, 10);

/** Issues an invitation on the office page's form; returns its link. */
async function issue(page, n, { rater, from, until }) {
  const form = page.locator('section.invite');
  await form.getByLabel('评审人编号').fill(rater);
  await form.getByLabel('姓名').fill('张三');
  await form.getByLabel('组别').selectOption('industry');
  for (const unit of ['江岸区', '汉阳区']) {
    const box = form.getByLabel(unit, { exact: true });
    if (!(await box.isChecked())) await box.check();
  }
  await form.getByLabel('有效期起（北京时间）').fill(from);
  await form.getByLabel('有效期止（北京时间，含当天）').fill(until);
  await form.getByRole('button', { name: '签发邀请' }).click();
  const link = page.locator(`#invite-link-${n}`);
  await link.or(page.locator('#invite-error')).waitFor();
  // (The message is read only when there is one: reading an absent element waits 30 s.)
  const refused = await page.locator('#invite-error').count();
  assert.equal(refused, 0, refused ? `refused: ${await page.locator('#invite-error').textContent()}` : '');
  return link.getAttribute('href');
}

test('an invited expert sees only the assigned units and submits a signed sheet', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await officePage(browser);
    const f = checkBackup(await makeKey(page), PASSWORD);
    await page.locator('#keys-id').getByText(f.id).waitFor();
    // Another plan than the demo (the same id would offer an amendment).
    const plan = { ...demo, id: 'trust-test', trust: { keys: [{ id: f.id, public: f.public }], instruments: { expert: 'invitation' } } };
    const planText = JSON.stringify(plan);
    await page.getByLabel('方案文件（JSON 或 .xlsx 工作簿）').setInputFiles({ name: 'trust-plan.json', mimeType: 'application/json', buffer: Buffer.from(planText) });
    await page.locator('.facts').first().getByText('trust-plan.json').waitFor();
    await page.locator('#plan-status').getByText('方案有效').waitFor();
    await page.locator('section.invite').getByRole('heading', { name: '邀请评审专家' }).waitFor();
    await at320(page, 'invitation form');
    const now = Date.now();
    const good = { link: await issue(page, 0, { rater: 'E07', from: chinaDay(now - DAY), until: chinaDay(now + 30 * DAY) }) };
    const expired = { link: await issue(page, 1, { rater: 'E08', from: chinaDay(now - 30 * DAY), until: chinaDay(now - 2 * DAY) }) };
    good.token = good.link.split('#invite=')[1];
    expired.token = expired.link.split('#invite=')[1];
    await page.locator('.invite-issued').getByText('已签发的邀请（2 份）').waitFor();
    await at320(page, 'invitations issued');
    assert.match(good.link, /review\.html\?plan=trust-plan\.json&instrument=expert#invite=[\w-]+\.[\w-]+$/);
    assert.deepEqual(errors, []);

    // The rater, on a phone.
    const context = await browser.newContext({ viewport: { width: 320, height: 700 } });
    await context.route('**/trust-plan.json', (route) => route.fulfill({ contentType: 'application/json', body: planText }));
    const rater = await context.newPage();
    rater.setDefaultTimeout(30000);
    const raterErrors = watchErrors(rater);
    await rater.goto(good.link);
    await rater.getByRole('heading', { level: 1, name: '专家评审团现场评议表' }).waitFor();
    const who = rater.locator('.review-who');
    await who.getByText('E07', { exact: true }).waitFor();
    await who.getByText('张三', { exact: true }).waitFor();
    assert.equal(await rater.getByLabel('工号/编号').count(), 0, 'the id is not typed');
    const units = await rater.locator('.unit-card').evaluateAll((cards) => cards.map((c) => c.dataset.unit));
    assert.deepEqual(units, ['jiangan', 'hanyang'], 'only the assigned units');
    assert.deepEqual(await rater.locator('.coi-units input').evaluateAll((xs) => xs.map((x) => x.value)), ['jiangan', 'hanyang']);
    if (OUT) await rater.screenshot({ path: `${OUT}/trust-320-invited-sheet.png`, fullPage: true });
    await axeClean(rater, 'the invited sheet at 320 px');

    // Every cell scored, then submitted: the record is signed.
    for (const input of await rater.locator('input.score').all()) await input.fill('88');
    const submitted = rater.evaluate(() => new Promise((resolve) => addEventListener('kaoping-submit', (e) => resolve(e.detail), { once: true })));
    // Leaving the page while the sheet is sent would abort the request: wait for the answer.
    const delivered = rater.waitForResponse((r) => r.url().endsWith('/api/responses') && r.request().method() === 'POST');
    await rater.getByRole('button', { name: '提交评审表' }).click();
    const record = await submitted;
    assert.ok([200, 201].includes((await delivered).status()), 'the signed sheet is delivered');
    assert.equal(record.respondent_id, 'E07');
    assert.equal(record.answers.group, 'industry');
    assert.deepEqual(Object.keys(record.answers.scores).sort(), ['hanyang', 'jiangan']);
    assert.equal(record.signed.token, good.token);
    assert.match(record.signed.key, /^ed25519:[\w-]{43}$/);
    const device = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: record.signed.key.slice(8) }, format: 'jwk' });
    assert.ok(verify(null, Buffer.from(`kaoping.sheet/1\n${record.checksum}`), device, fromB64u(record.signed.signature)), 'the device signature verifies');
    await rater.getByRole('heading', { level: 1, name: '评审表已提交，谢谢！' }).waitFor();
    // Delivered and marked so in the outbox: the next page load has nothing left to send (a
    // send it started would be cut short by the reload below).
    await rater.getByText('评审记录已送达。').waitFor();
    if (OUT) await rater.screenshot({ path: `${OUT}/trust-320-invited-done.png`, fullPage: true });
    // The device key is the browser's, kept non-extractable.
    const kept = await rater.evaluate(async () => {
      const { deviceKey } = await import('./js/keys.js');
      return (await deviceKey()).public;
    });
    assert.equal(kept, record.signed.key);

    // An expired invitation, and a forged one (another signature): the reason, no sheet.
    await rater.goto(expired.link);
    await rater.reload(); // only the fragment changed: the page is loaded again by hand
    await rater.getByRole('heading', { level: 1, name: '无法使用这个评审邀请' }).waitFor();
    await rater.getByText(/有效期/).first().waitFor();
    assert.equal(await rater.locator('form.review').count(), 0, 'no sheet for an expired invitation');
    if (OUT) await rater.screenshot({ path: `${OUT}/trust-320-expired.png`, fullPage: true });
    await axeClean(rater, 'the refused invitation at 320 px');
    const forged = `${good.token.split('.')[0]}.${expired.token.split('.')[1]}`;
    await rater.goto(good.link.replace(/#invite=.*$/, `#invite=${forged}`));
    await rater.reload(); // likewise
    await rater.getByRole('heading', { level: 1, name: '无法使用这个评审邀请' }).waitFor();
    await rater.locator('#lang-switch').click();
    await rater.getByRole('heading', { level: 1, name: 'This review invitation cannot be used' }).waitFor();
    await rater.setViewportSize({ width: 1280, height: 900 });
    if (OUT) await rater.screenshot({ path: `${OUT}/trust-desktop-forged-en.png`, fullPage: true });
    assert.deepEqual(raterErrors, []);
  } finally {
    await browser.close();
  }
});
