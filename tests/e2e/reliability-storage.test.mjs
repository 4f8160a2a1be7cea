// Storage that tells the truth (docs/reliability.md): localStorage full, localStorage blocked,
// IndexedDB refusing the outbox, and records left in the old localStorage outbox. The
// respondent is told, in a persistent alert, what could not be kept, can still finish and
// download the record, and nothing is claimed that did not happen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';
import { fillSurvey, outbox, receiptChecksum, receivedCount, routePosts, setOffline } from './reliability-lib.mjs';

const SAVE_FAILED = '无法在本机保存您的答案（存储已满或被浏览器禁止），关闭或刷新页面会丢失。';
const NOT_KEPT = '本机无法保存这份记录（存储已满或被浏览器禁止），关闭页面即丢失';
const DELIVERED = '答卷已送达。';

async function downloaded(page, name = '下载回执（JSON）') {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  return JSON.parse(await readFile(await download.path(), 'utf8'));
}

test('localStorage full: the draft warning shows at the next answer; the record is still delivered', async () => {
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    const posted = await routePosts(context);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('respond.html'));
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.getByText(SAVE_FAILED).isVisible(), false, 'no warning while saving works');
    // Fill localStorage to its quota.
    const filled = await page.evaluate(() => {
      const chunk = 'x'.repeat(256 * 1024);
      let i = 0;
      try {
        for (; i < 1000; i += 1) localStorage.setItem(`filler-${i}`, chunk);
      } catch {
        // Then smaller and smaller, to the last few bytes.
        for (const size of [16384, 1024, 64, 1]) {
          for (let k = 0; k < 64; k += 1) {
            try {
              localStorage.setItem(`small-${size}-${k}`, 'x'.repeat(size));
            } catch {
              break;
            }
          }
        }
        return i;
      }
      return -1;
    });
    assert.ok(filled > 0, 'the quota was reached');
    await page.getByLabel('武昌区', { exact: true }).check();
    const alert = page.getByRole('alert').filter({ hasText: SAVE_FAILED });
    await alert.waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe with the storage warning');
    // The respondent finishes; the record goes to the outbox (IndexedDB) and to the server.
    await fillSurvey(page);
    await page.getByText(DELIVERED).waitFor();
    const checksum = await receiptChecksum(page);
    assert.equal((await downloaded(page)).checksum, checksum);
    assert.deepEqual(posted.map((p) => p.checksum), [checksum]);
    const n = await receivedCount(checksum);
    if (n !== null) assert.equal(n, 1);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('storage blocked (localStorage throws, no IndexedDB): the page loads, warns, delivers, downloads', async () => {
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
      Object.defineProperty(window, 'indexedDB', { get() { throw new DOMException('blocked', 'SecurityError'); } });
    });
    const posted = await routePosts(context);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('respond.html'));
    // It used to stay on 正在加载问卷… for good.
    await page.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    await page.getByRole('alert').filter({ hasText: SAVE_FAILED }).waitFor();
    assert.deepEqual(await axeCheck(page), [], 'axe with storage blocked');

    // Offline first: the record is only in the page's memory, and the page says so.
    await setOffline(context, true);
    await fillSurvey(page);
    const warn = page.getByRole('alert').filter({ hasText: NOT_KEPT });
    await warn.waitFor();
    assert.equal(await page.getByText('答卷已保存在本机').count(), 0, 'it does not claim the record is kept');
    const checksum = await receiptChecksum(page);
    assert.equal((await downloaded(page)).checksum, checksum, 'the record can be downloaded');
    assert.deepEqual(await axeCheck(page), [], 'axe on the receipt, record only in memory');

    // Back online while the page is open: delivered from memory, once.
    await setOffline(context, false);
    await page.getByText(DELIVERED).waitFor({ timeout: 15000 });
    assert.deepEqual(posted.map((p) => p.checksum), [checksum]);
    const n = await receivedCount(checksum);
    if (n !== null) assert.equal(n, 1);
    assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
  } finally {
    await browser.close();
  }
});

test('the outbox refuses the record (IndexedDB quota): said on the receipt, downloadable, sent while open', async () => {
  const browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    await context.addInitScript(() => {
      for (const m of ['add', 'put']) {
        IDBObjectStore.prototype[m] = function refuse() {
          throw new DOMException('quota', 'QuotaExceededError');
        };
      }
    });
    const posted = await routePosts(context, (n) => (n === 1 ? { status: 503, type: 'text/plain', body: 'busy' } : null));
    const page = await context.newPage();
    await page.goto(url('respond.html'));
    await fillSurvey(page);
    await page.getByRole('alert').filter({ hasText: NOT_KEPT }).waitFor();
    assert.equal(await page.getByText('服务器暂时无法接收').count(), 0, 'not "kept on this device"');
    const checksum = await receiptChecksum(page);
    assert.equal((await downloaded(page)).checksum, checksum);
    assert.deepEqual(await outbox(page), [], 'nothing reached IndexedDB');
    // The retry after the 503 is sent from the page's memory.
    await page.getByText(DELIVERED).waitFor({ timeout: 15000 });
    assert.deepEqual(posted.map((p) => p.checksum), [checksum, checksum]);
  } finally {
    await browser.close();
  }
});

test('records waiting in the old localStorage outbox, and its receipt, are moved, shown and delivered once', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    // A record made by the earlier version, queued offline: take a real one from a first visit.
    const posted = await routePosts(context, () => ({ status: 500, body: '' }));
    const page = await context.newPage();
    await page.goto(url('respond.html'));
    await fillSurvey(page);
    const [first] = await outbox(page);
    const record = first.record;
    await context.unroute('**/api/responses');
    await page.evaluate(async (rec) => {
      // The earlier version's state: the record in 'kaoping:outbox', the draft {done, record}
      // (no answers, no endpoint: it made the page fail to load), no IndexedDB outbox.
      const key = Object.keys(localStorage).find((k) => k.startsWith('kaoping:draft:'));
      localStorage.clear();
      localStorage.setItem('kaoping:outbox', JSON.stringify([rec]));
      localStorage.setItem(key, JSON.stringify({ done: true, record: rec }));
      await new Promise((resolve) => {
        const req = indexedDB.deleteDatabase('kaoping-outbox');
        req.onsuccess = req.onerror = req.onblocked = resolve;
      });
    }, record);
    await page.close();
    posted.length = 0;
    const again = await routePosts(context);
    const next = await context.newPage();
    await next.goto(url('respond.html'));
    await next.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
    await next.getByText(DELIVERED).waitFor();
    assert.equal(await receiptChecksum(next), record.checksum);
    await next.waitForFunction(() => localStorage.getItem('kaoping:outbox') === null);
    await next.waitForTimeout(500);
    const entries = await outbox(next);
    assert.deepEqual(entries.map((e) => [e.checksum, e.kind, e.state]), [[record.checksum, 'survey', 'sent']]);
    assert.ok(entries[0].endpoint.endsWith('/api/responses'), 'claimed by the survey page for its endpoint');
    assert.deepEqual(again.map((p) => p.checksum), [record.checksum]);
  } finally {
    await browser.close();
  }
});
