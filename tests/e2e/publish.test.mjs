// The public results page (公示, issue 18): the office scores the demo, downloads the page the
// engine makes, and the page is read as the public would read it: opened as a file with
// JavaScript disabled on a 320 px phone, with no request beyond itself, no axe violation, the
// same rankings as the office's results, and an A4 PDF with each language on its own pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, url, axeCheck, watchErrors, serveFiles } from './harness.mjs';

/** The files of a ZIP archive (stored or deflated), by name, read from its central directory. */
function unzip(buf) {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const skip = nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const local = buf.readUInt32LE(at + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const body = buf.subarray(start, start + size);
    files.set(name, (method === 8 ? inflateRawSync(body) : body).toString('utf8'));
    at += 46 + skip;
  }
  return files;
}

/** Rows of a table as arrays of cell texts (th and td). */
async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

test('the office publishes the public page, readable at 320 px without JavaScript, and downloads the letters', { timeout: 180_000 }, async () => {
  const browser = await launch();
  const dir = await mkdtemp(join(tmpdir(), 'kaoping-publish-'));
  try {
    const office = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, serviceWorkers: 'block' });
    const page = await office.newPage();
    const errors = watchErrors(page);
    await page.goto(url('office.html')); 
    await page.getByRole('button', { name: '生成示例数据' }).click();
    await page.locator('#results-h:focus').waitFor({ timeout: 120_000 });
    const officeRanking = {};
    for (const cat of ['中心城区', '新城区', '开发区', '市直部门']) {
      officeRanking[cat] = (await rowsOf(page.getByRole('table', { name: `${cat}排名` }))).map((r) => r.slice(0, 4));
    }

    await page.getByRole('heading', { name: '公示页面' }).waitFor();
    const button = page.getByRole('button', { name: '下载公示页面（中英文网页，可打印）' });
    const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
    assert.equal(dl.suggestedFilename(), 'kaoping-wuhan-2026-1-公示.html');
    const html = await readFile(await dl.path(), 'utf8');
    assert.deepEqual(errors, []);
    assert.doesNotMatch(html, /<script|<link|src=|https?:/i, 'self-contained, no script');
    const file = join(dir, 'public.html');
    await writeFile(file, html);

    // The public's phone: 320 px, JavaScript off.
    const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled: false });
    const pub = await phone.newPage();
    const requests = [];
    pub.on('request', (r) => requests.push(r.url()));
    const pubErrors = watchErrors(pub);
    await pub.goto(pathToFileURL(file).href);
    assert.deepEqual(requests, [pathToFileURL(file).href], 'nothing is fetched but the page');
    assert.equal(await pub.locator('html').getAttribute('lang'), 'zh-CN');
    await pub.getByRole('heading', { level: 1, name: '武汉市2026年度综合考评结果公示' }).waitFor();
    await pub.getByRole('heading', { level: 1, name: 'Wuhan 2026 annual comprehensive evaluation: public results' }).waitFor();
    assert.equal(await pub.locator('#en').getAttribute('lang'), 'en');
    // Phone first: the page itself never scrolls sideways.
    const width = await pub.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `page width ${width} at 320 px`);

    // The same rankings as the office's results (rank, unit, score, grade).
    for (const [cat, rows] of Object.entries(officeRanking)) {
      const got = await rowsOf(pub.getByRole('table', { name: `${cat}排名` }));
      assert.deepEqual(got.map((r) => [r[0], r[1], r[2], r[3].replace('一票否决', '')]), rows, cat);
    }
    // Merit units, the veto with its reason, satisfaction with intervals; nothing internal.
    const merit = await pub.locator('#zh-merit + ul li').allTextContents();
    assert.ok(merit.some((m) => m.startsWith(officeRanking['中心城区'][0][1])), 'the top central unit is a merit unit');
    const vetoes = await rowsOf(pub.getByRole('table', { name: '一票否决事项' }));
    assert.ok(vetoes.length >= 1 && vetoes.every((r) => r[2] && r[2] !== '—'), 'each veto with its reason');
    const central = await rowsOf(pub.getByRole('table', { name: '中心城区公众满意度' }));
    assert.equal(central.length, 5);
    for (const r of central) assert.match(r[2], /^\d+\.\d%\d+\.\d%–\d+\.\d%$/, `rate with its interval: ${r}`);
    const text = await pub.locator('body').innerText();
    for (const internal of ['Kendall', 'ICC', 'Cronbach', 'E03', '评审人', '权重']) {
      assert.ok(!text.includes(internal), internal);
    }

    // The language link goes to the English half.
    await pub.getByRole('link', { name: 'English version' }).click();
    assert.equal(new URL(pub.url()).hash, '#en');
    assert.deepEqual(pubErrors, []);

    // Printed: A4, the English half on its own pages.
    const pdf = await pub.pdf({ format: 'A4', preferCSSPageSize: true });
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    assert.ok(pages.length >= 2, `${pages.length} A4 page(s)`);
    await phone.close();

    // axe is itself a script, which a page with JavaScript disabled cannot run (it waits for
    // ever): here the page is served at 320 px under `script-src 'none'`, so that nothing of
    // the page's own can run, and axe is put in by the browser's devtools protocol.
    const server = await serveFiles(0, { '/public.html': { type: 'text/html; charset=utf-8', body: html,
      headers: { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'" } } });
    try {
      const axeContext = await browser.newContext({ viewport: { width: 320, height: 640 } });
      const axePage = await axeContext.newPage();
      const axeErrors = watchErrors(axePage);
      await axePage.goto(`http://127.0.0.1:${server.address().port}/public.html`);
      await axePage.getByRole('heading', { level: 1, name: '武汉市2026年度综合考评结果公示' }).waitFor();
      assert.deepEqual(await axeCheck(axePage), [], 'axe at 320 px, no script of the page');
      assert.deepEqual(axeErrors, [], 'the page needs nothing its CSP refuses');
      await axeContext.close();
    } finally {
      server.close();
    }

    // The feedback letters: one per unit in a ZIP; the vetoed unit's says what to rectify and
    // by when, quotes no reviewer, and passes axe at 320 px.
    const [zipDl] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: '下载各单位反馈函（ZIP，中英文网页，可打印）' }).click()]);
    assert.equal(zipDl.suggestedFilename(), 'kaoping-wuhan-2026-1-反馈函.zip');
    const letters = unzip(await readFile(await zipDl.path()));
    assert.equal(letters.size, 16);
    assert.ok(letters.has('01-jiangan.html'));
    const [, vetoedLetter] = [...letters].find(([, text]) => text.includes('一票否决事项“')) ?? [];
    assert.ok(vetoedLetter, 'a letter names its veto');
    assert.ok(vetoedLetter.includes(`（${vetoes[0][0]}）`), `the letter to ${vetoes[0][0]}`);
    assert.match(vetoedLetter, /须提交书面整改报告/);
    assert.match(vetoedLetter, /请于本函印发之日起 30 日内/);
    for (const text of letters.values()) {
      assert.doesNotMatch(text, /<script|src=|https?:|E0\d/);
      assert.match(text, /正向清单与反向清单[\s\S]*专家意见[\s\S]*整改要求/);
    }
    const letterServer = await serveFiles(0, { '/letter.html': { type: 'text/html; charset=utf-8', body: vetoedLetter,
      headers: { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'" } } });
    try {
      const letterContext = await browser.newContext({ viewport: { width: 320, height: 640 } });
      const letterPage = await letterContext.newPage();
      await letterPage.goto(`http://127.0.0.1:${letterServer.address().port}/letter.html`);
      await letterPage.getByRole('heading', { level: 2, name: '整改要求' }).waitFor();
      const letterWidth = await letterPage.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(letterWidth <= 320, `letter width ${letterWidth} at 320 px`);
      assert.deepEqual(await axeCheck(letterPage), [], 'axe: a letter at 320 px');
      await letterContext.close();
    } finally {
      letterServer.close();
    }
    await office.close();
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});
