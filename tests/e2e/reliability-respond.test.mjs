// The respondent page in every state of docs/reliability.md: submitted online or offline,
// closed and reopened, a second tab, the server failing (500, then 200) or refusing (400),
// deliveries started at once. Each test says what the respondent sees and asserts that the
// record arrives exactly once, or stays downloadable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';
import { fillSurvey, outbox, patchOutbox, receiptChecksum, receivedCount, routePosts, setOffline } from './reliability-lib.mjs';

const THANKS = '提交成功，感谢您的参与！';
const DELIVERED = '答卷已送达。';
const QUEUED = '当前无法连接服务器，答卷已保存在本机，联网后将自动发送。';
const offlineNoise = (errors) => errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|ERR_FAILED|status of 5\d\d|status of 4\d\d/.test(e));

test('submitted online: the receipt survives reload and a second tab; the record arrives once', async () => {
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    const posted = await routePosts(context);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('respond.html'));
    await page.getByText('答案随填随存，只保存在本机的这个浏览器中').waitFor();
    await fillSurvey(page);
    await page.getByText(DELIVERED).waitFor();
    const checksum = await receiptChecksum(page);
    assert.match(checksum, /^[0-9a-f]{64}$/);

    // Reload: the receipt again (it used to throw and show 问卷加载失败), same checksum, nothing sent twice.
    await page.reload();
    await page.getByRole('heading', { name: THANKS }).waitFor();
    await page.getByText(DELIVERED).waitFor();
    assert.equal(await receiptChecksum(page), checksum);
    assert.deepEqual(await axeCheck(page), [], 'axe on the reopened receipt');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载回执（JSON）' }).click()]);
    assert.equal(JSON.parse(await readFile(await download.path(), 'utf8')).checksum, checksum);

    // A second tab shows the same receipt.
    const second = await context.newPage();
    await second.goto(url('respond.html'));
    await second.getByRole('heading', { name: THANKS }).waitFor();
    assert.equal(await receiptChecksum(second), checksum);
    await second.waitForTimeout(500);

    assert.deepEqual(posted.map((p) => p.checksum), [checksum], 'one POST for the record');
    assert.equal(posted[0].key, checksum, 'the checksum is the Idempotency-Key');
    const n = await receivedCount(checksum);
    if (n !== null) assert.equal(n, 1, 'stored once by the server');

    // Start a new response: a fresh form (the plan sets no limit on repeats).
    await page.getByRole('button', { name: '重新填写一份' }).click();
    await page.getByRole('heading', { level: 2, name: '基本情况' }).waitFor();
    assert.equal(await page.getByLabel('武昌区', { exact: true }).isChecked(), false);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('submitted offline, tab closed, reopened online: delivered on the visit, once', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    const posted = await routePosts(context);
    let page = await context.newPage();
    await page.goto(url('respond.html'));
    await page.getByRole('heading', { level: 1 }).waitFor();
    await setOffline(context, true);
    await fillSurvey(page);
    await page.getByText(QUEUED).waitFor();
    const checksum = await receiptChecksum(page);
    assert.deepEqual((await outbox(page)).map((e) => [e.checksum, e.state, e.kind]), [[checksum, 'waiting', 'survey']]);
    assert.deepEqual(await axeCheck(page), [], 'axe on the queued receipt');
    await page.close();

    await setOffline(context, false);
    page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('respond.html'));
    await page.getByRole('heading', { name: THANKS }).waitFor();
    await page.getByText(DELIVERED).waitFor();
    assert.equal(await receiptChecksum(page), checksum);
    assert.deepEqual((await outbox(page)).map((e) => e.state), ['sent']);
    assert.deepEqual(posted.map((p) => p.checksum), [checksum]);
    const n = await receivedCount(checksum);
    if (n !== null) assert.equal(n, 1);
    assert.deepEqual(offlineNoise(errors), []);
  } finally {
    await browser.close();
  }
});

for (const locks of [true, false]) test(`two tabs and many delivery triggers at once: one POST per record (${locks ? 'Web Locks' : 'no Web Locks: the localStorage lease'})`, async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    if (!locks) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined }));
    // Every POST is held for 1 s, so overlapping deliveries would show as two POSTs.
    const posted = await routePosts(context, () => null);
    await context.route('**/api/responses', async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      return route.fallback();
    });
    // Both tabs open, then the network goes; the record is submitted in one, and the other
    // shows the receipt too (it follows the draft).
    const a = await context.newPage();
    const b = await context.newPage();
    for (const p of [a, b]) {
      await p.goto(url('respond.html'));
      await p.getByRole('heading', { level: 1 }).waitFor();
    }
    assert.equal(await a.evaluate(() => !!navigator.locks), locks);
    await setOffline(context, true);
    await fillSurvey(a);
    await a.getByText(QUEUED).waitFor();
    const checksum = await receiptChecksum(a);
    await b.getByRole('heading', { name: THANKS }).waitFor();
    await b.getByText(QUEUED).waitFor();
    await setOffline(context, false);
    // Both tabs are woken several times at once.
    await Promise.all([a, b].map((p) => p.evaluate(() => {
      for (let i = 0; i < 5; i += 1) dispatchEvent(new Event('online'));
    })));
    await a.getByText(DELIVERED).waitFor();
    await b.getByText(DELIVERED).waitFor();
    await a.waitForTimeout(1000);
    assert.deepEqual(posted.map((p) => p.checksum), [checksum], 'exactly one POST');
    const n = await receivedCount(checksum);
    if (n !== null) assert.equal(n, 1);
  } finally {
    await browser.close();
  }
});

test('two tabs mid-way: an answer in one is taken over by the other; a late notice never undoes a newer answer', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    const a = await context.newPage();
    await a.goto(url('respond.html'));
    await a.getByText('答案随填随存，只保存在本机的这个浏览器中').waitFor();
    await a.getByLabel('武昌区', { exact: true }).check();
    // A second tab opens on the same draft and changes the answer: the first tab follows.
    const b = await context.newPage();
    await b.goto(url('respond.html'));
    await b.getByText('答案随填随存，只保存在本机的这个浏览器中').waitFor();
    assert.equal(await b.getByLabel('武昌区', { exact: true }).isChecked(), true);
    await b.getByLabel('江岸区', { exact: true }).check();
    await a.waitForFunction(() => document.querySelector('main input[type=radio]:checked')?.labels?.[0]?.textContent === '江岸区');
    // The storage notice of an earlier save arrives after the first tab answered again (what a
    // portal with the form both as an element and in an iframe met in CI): the newer answer stays.
    const stale = await a.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('kaoping:draft:') && k.endsWith(':public'));
      return { key, value: localStorage.getItem(key) };
    });
    await a.getByLabel('汉阳区', { exact: true }).check();
    await a.evaluate(({ key, value }) => dispatchEvent(new StorageEvent('storage', { key, oldValue: null, newValue: value })), stale);
    await a.waitForTimeout(200);
    assert.equal(await a.getByLabel('汉阳区', { exact: true }).isChecked(), true, 'the newer answer is still shown');
    const kept = await a.evaluate((key) => JSON.parse(localStorage.getItem(key)).answers.values, stale.key);
    assert.equal(kept.district, 'hanyang', 'and it is the one kept on the device');
    await b.waitForFunction(() => document.querySelector('main input[type=radio]:checked')?.labels?.[0]?.textContent === '汉阳区');
  } finally {
    await browser.close();
  }
});

test('server 500, then 200: the page says it will retry, and the record arrives once', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    const posted = await routePosts(context, (n) => (n === 1 ? { status: 500, type: 'text/plain', body: 'down' } : null));
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('respond.html'));
    await fillSurvey(page);
    await page.getByText('服务器暂时无法接收（HTTP 500），答卷已保存在本机，稍后将自动重试。').waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe while retrying');
    // The backoff's first wait is 2 s; then it is delivered.
    await page.getByText(DELIVERED).waitFor({ timeout: 15000 });
    const checksum = await receiptChecksum(page);
    assert.deepEqual(posted.map((p) => p.checksum), [checksum, checksum], 'the retry is the same record');
    assert.ok(posted.every((p) => p.key === checksum));
    const n = await receivedCount(checksum);
    if (n !== null) assert.equal(n, 1);
    assert.deepEqual(offlineNoise(errors), []);
  } finally {
    await browser.close();
  }
});

test('server 400: the server\'s reason is shown, nothing is retried until asked, the record stays downloadable', async () => {
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    const body = JSON.stringify({ error: 'closed', message: { 'zh-CN': '本次调查已结束。', en: 'This survey has closed.' } });
    let status = 400;
    const posted = await routePosts(context, () => (status === 400 ? { status, body } : null));
    const page = await context.newPage();
    await page.goto(url('respond.html'));
    await fillSurvey(page);
    const alert = page.getByRole('alert').filter({ hasText: '服务器拒收了这份记录：本次调查已结束。' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /记录仍保存在本机，请下载保存。/);
    assert.equal(await page.getByText(QUEUED).count(), 0, 'it does not claim the server is unreachable');
    assert.deepEqual(await axeCheck(page), [], 'axe with the refusal');
    await page.waitForTimeout(3000);
    assert.equal(posted.length, 1, 'a 4xx is not retried');
    const checksum = await receiptChecksum(page);
    const [entry] = await outbox(page);
    assert.equal(entry.state, 'refused');
    assert.equal(entry.record.checksum, checksum, 'the record is kept');

    // Reopened, in English: the same reason in English, still not sent again.
    await page.goto(url('respond.html?lang=en'));
    await page.getByRole('alert').filter({ hasText: 'The server refused this record: This survey has closed.' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download receipt (JSON)' }).click()]);
    assert.equal(JSON.parse(await readFile(await download.path(), 'utf8')).checksum, checksum);
    assert.equal(posted.length, 1);

    // The server is put right; the respondent sends it again, once.
    status = 201;
    await page.getByRole('button', { name: 'Send again' }).click();
    await page.getByText('Your response has been delivered.').waitFor();
    assert.equal(posted.length, 2);
    assert.equal(await page.getByRole('button', { name: 'Send again' }).isHidden(), true);
    assert.equal((await outbox(page))[0].state, 'sent');

    // A delivered entry stays 30 days (the receipt says "delivered"), then leaves the outbox.
    await patchOutbox(page, checksum, { sent_ms: Date.now() - 29 * 86400e3 });
    await page.reload();
    await page.getByText('Your response has been delivered.').waitFor();
    assert.equal((await outbox(page)).length, 1, 'kept for 29 days');
    await patchOutbox(page, checksum, { sent_ms: Date.now() - 31 * 86400e3 });
    await page.reload();
    await page.getByRole('heading', { name: /Thank you/ }).waitFor();
    for (let i = 0; (await outbox(page)).length > 0; i++) {
      assert.ok(i < 50, 'the 31-day-old entry leaves the outbox');
      await page.waitForTimeout(200);
    }
    // The receipt remembers the delivery: later visits neither queue nor send it again.
    await page.reload();
    await page.getByText('Your response has been delivered.').waitFor();
    await page.waitForTimeout(1500);
    assert.deepEqual(await outbox(page), []);
    assert.equal(posted.length, 2, 'nothing is sent again');
  } finally {
    await browser.close();
  }
});
