// Helpers of the reliability tests (docs/reliability.md): filling the demo survey, reading the
// outbox (IndexedDB), counting what reached the dev server.
import { readdir, readFile } from 'node:fs/promises';
import { RECEIVED_DIR } from './harness.mjs';
import { fillPublic } from './demo-fill.mjs';

/** Fill the demo public survey in `root` (a page, frame locator or element locator), submit it
 * and wait for the thanks. */
export async function fillSurvey(root, { district = '武昌区', submit = true } = {}) {
  await fillPublic(root, { district, age: '60岁及以上', rating: '满意', overall: '非常满意', priority: '医疗卫生', submit });
  if (submit) await root.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
}

/** The outbox entries of the page's origin (IndexedDB `kaoping-outbox`), [] when there is none. */
export function outbox(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('kaoping-outbox');
    req.onupgradeneeded = () => req.transaction.abort();
    req.onerror = () => resolve([]);
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('records')) return resolve([]);
      const all = db.transaction('records').objectStore('records').getAll();
      all.onsuccess = () => {
        resolve(all.result);
        db.close();
      };
    };
  }));
}

/** Rewrite one outbox entry of the page's origin in place (`patch` is merged into it). */
export function patchOutbox(page, checksum, patch) {
  return page.evaluate(([key, change]) => new Promise((resolve, reject) => {
    const req = indexedDB.open('kaoping-outbox');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const store = db.transaction('records', 'readwrite').objectStore('records');
      const get = store.get(key);
      get.onsuccess = () => {
        const put = store.put({ ...get.result, ...change });
        put.onsuccess = () => { db.close(); resolve(); };
        put.onerror = () => reject(put.error);
      };
    };
  }), [checksum, patch]);
}

/** The checksum shown on the receipt. */
export async function receiptChecksum(root) {
  return (await root.locator('dd.mono').nth(1).innerText()).trim();
}

/** How many bodies the dev server stored with `checksum` (null without KAOPING_RECEIVED_DIR). */
export async function receivedCount(checksum) {
  if (!RECEIVED_DIR) return null;
  let n = 0;
  for (const f of await readdir(RECEIVED_DIR).catch(() => [])) {
    if (!f.endsWith('.json')) continue;
    const body = await readFile(`${RECEIVED_DIR}/${f}`, 'utf8').catch(() => '');
    if (body.includes(checksum)) n += 1;
  }
  return n;
}

const offline = new WeakSet();

/** `context.setOffline(value)`, known to routePosts (which then lets no POST through). */
export async function setOffline(context, value) {
  if (value) offline.add(context);
  else offline.delete(context);
  await context.setOffline(value);
}

/**
 * Record the POSTs to api/responses that reach the server (not those made while the context is
 * offline), answering each with `answer(n, request)` (n from 1): a `{status, body}` to fulfil it
 * here, or null to pass it to the dev server. Returns the list ({checksum, key}) in order.
 */
export async function routePosts(context, answer = () => null) {
  const posted = [];
  await context.route('**/api/responses', async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.fallback();
    const seen = { checksum: JSON.parse(req.postData()).checksum, key: req.headers()['idempotency-key'] };
    const a = answer(posted.length + 1, req);
    if (a) {
      posted.push(seen);
      return route.fulfill({ status: a.status, contentType: a.type ?? 'application/json', body: a.body ?? '' });
    }
    // Routed requests are seen even while offline; route.fetch() would ignore setOffline.
    if (offline.has(context)) return route.abort('internetdisconnected');
    posted.push(seen);
    return route.fallback();
  });
  return posted;
}
