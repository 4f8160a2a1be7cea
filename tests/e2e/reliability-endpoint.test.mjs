// Where records may go (docs/reliability.md): a link's ?endpoint= is used only on the page's
// own origin or when the deployment lists it in <meta name="kaoping-endpoints">; each record
// keeps the endpoint it was made for, so a survey page never sends a review record elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, axeCheck, watchErrors } from './harness.mjs';
import { fillSurvey, outbox, receiptChecksum, setOffline } from './reliability-lib.mjs';

// The same server under another origin (localhost instead of 127.0.0.1).
const foreign = url('api/responses').replace('127.0.0.1', 'localhost');

/** Every POST the context makes, by URL, answered 201 here (with CORS); none while `offline()`. */
async function recordPosts(context, offline = () => false) {
  const posts = [];
  await context.route(/\/api\//, (route) => {
    const req = route.request();
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type, idempotency-key' };
    if (req.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    if (req.method() !== 'POST') return route.fallback();
    if (offline()) return route.abort('internetdisconnected');
    posts.push({ url: req.url(), checksum: JSON.parse(req.postData()).checksum });
    return route.fulfill({ status: 201, headers: cors, contentType: 'application/json', body: '{}' });
  });
  return posts;
}

test('a link naming a foreign endpoint: refused, said on the page, records go to the page\'s own', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    const posts = await recordPosts(context);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url(`respond.html?endpoint=${encodeURIComponent(foreign)}`));
    const alert = page.getByRole('alert').filter({ hasText: '链接指定的提交地址不在本站允许的范围内，已忽略' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /localhost/);
    assert.deepEqual(await axeCheck(page), [], 'axe with the refused endpoint');
    await fillSurvey(page);
    await page.getByText('答卷已送达。').waitFor();
    const checksum = await receiptChecksum(page);
    assert.deepEqual(posts, [{ url: url('api/responses'), checksum }], 'sent to the page\'s own endpoint only');
    assert.equal(await page.getByRole('alert').filter({ hasText: '已忽略' }).count(), 1, 'still said on the receipt');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('an endpoint listed in <meta name="kaoping-endpoints"> is used', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    // The deployment lists the other origin (and widens its CSP to match; see docs/deploy.md).
    await context.route(/respond\.html/, async (route) => {
      const res = await route.fetch();
      const html = (await res.text())
        .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
        .replace('<head>', `<head>\n  <meta name="kaoping-endpoints" content="https://elsewhere.example/api ${new URL(foreign).origin}/">`);
      const headers = { ...res.headers() };
      delete headers['content-security-policy'];
      delete headers['content-length'];
      return route.fulfill({ status: 200, headers, body: html });
    });
    const posts = await recordPosts(context);
    const page = await context.newPage();
    await page.goto(url(`respond.html?endpoint=${encodeURIComponent(foreign)}`));
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.getByText('已忽略').count(), 0, 'not refused');
    await fillSurvey(page);
    await page.getByText('答卷已送达。').waitFor();
    const checksum = await receiptChecksum(page);
    assert.deepEqual(posts, [{ url: foreign, checksum }]);
    assert.equal((await outbox(page))[0].endpoint, foreign);
  } finally {
    await browser.close();
  }
});

test('a review record waits for its own endpoint; the survey page sends it there, not to its own', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    let off = false;
    const posts = await recordPosts(context, () => off);
    const page = await context.newPage();
    // A site-check sheet whose records go to api/site-checks (same origin: allowed).
    await page.goto(url('review.html?instrument=site_check&endpoint=api/site-checks'));
    await page.getByLabel('评价人编号').waitFor();
    off = true;
    await setOffline(context, true);
    await page.getByLabel('评价人编号').fill('B-0001');
    await page.getByRole('group', { name: /评价主体/ }).getByLabel(/^受益主体/).check();
    await page.getByRole('group', { name: /查核季度/ }).getByRole('radio').first().check();
    const notChecked = page.locator('[data-recuse]');
    const n = await notChecked.count();
    for (let i = 1; i < n; i += 1) await notChecked.nth(i).check();
    for (const box of await page.locator('input.score').all()) if (await box.isVisible()) await box.fill('5');
    await page.getByRole('button', { name: '提交现场查核评价表' }).click();
    await page.getByRole('heading', { name: '现场查核评价表已提交，谢谢！' }).waitFor();
    await page.getByText('当前无法连接服务器，评价记录已保存在本机，联网后将自动发送。').waitFor();
    const [queued] = await outbox(page);
    assert.equal(queued.kind, 'review');
    assert.equal(queued.endpoint, url('api/site-checks'));

    // Online again, on the survey page (whose endpoint is api/responses).
    await page.close();
    off = false;
    await setOffline(context, false);
    const survey = await context.newPage();
    await survey.goto(url('respond.html'));
    await survey.getByRole('heading', { level: 1 }).waitFor();
    for (let i = 0; i < 50 && !posts.length; i += 1) await survey.waitForTimeout(100);
    assert.deepEqual(posts, [{ url: url('api/site-checks'), checksum: queued.checksum }]);
  } finally {
    await browser.close();
  }
});

test('the custom element\'s endpoint attribute is the host page\'s own choice: used, even on another origin', async () => {
  const browser = await launch();
  const context = await browser.newContext();
  try {
    // The portal allows the other origin in its CSP (see docs/deploy.md); here: no CSP.
    await context.route(/host-example\.html/, async (route) => {
      const res = await route.fetch();
      const html = (await res.text()).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
      const headers = { ...res.headers() };
      delete headers['content-security-policy'];
      delete headers['content-length'];
      return route.fulfill({ status: 200, headers, body: html });
    });
    const posts = await recordPosts(context);
    const page = await context.newPage();
    await page.goto(url('host-example.html'));
    await page.evaluate((endpoint) => {
      const el = document.createElement('kaoping-form');
      el.id = 'cadre-form';
      el.setAttribute('instrument', 'cadre');
      el.setAttribute('endpoint', endpoint);
      document.querySelector('main').append(el);
    }, foreign);
    const form = page.locator('#cadre-form');
    await form.getByLabel('江岸区', { exact: true }).check();
    await form.getByRole('button', { name: '下一部分' }).click();
    for (const row of ['政治思想建设', '领导能力', '工作实绩', '党风廉政建设']) {
      await form.getByRole('group', { name: row, exact: true }).getByLabel('较好', { exact: true }).check();
    }
    await form.getByRole('button', { name: '下一部分' }).click();
    for (const row of ['党委（党组）书记', '行政主要负责人', '分管负责同志（一）', '分管负责同志（二）']) {
      await form.getByRole('group', { name: row, exact: true }).getByLabel('称职', { exact: true }).check();
    }
    await form.getByRole('button', { name: '提交问卷' }).click();
    await form.getByText('答卷已送达。').waitFor();
    assert.equal(await form.getByText('已忽略').count(), 0);
    assert.deepEqual(posts, [{ url: foreign, checksum: await receiptChecksum(form) }]);
  } finally {
    await browser.close();
  }
});
