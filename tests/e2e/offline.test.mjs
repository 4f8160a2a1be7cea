// After the first visit the survey works with the network gone, answers survive closing the
// tab, and a record submitted offline is delivered once the host can take it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { launch, url, axeCheck, watchErrors, RECEIVED_DIR } from './harness.mjs';
import { outbox } from './reliability-lib.mjs';

test('offline: reload without network, answer, submit, deliver when back online', async () => {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    let page = await context.newPage();
    await page.goto(url('respond.html'));
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The service worker has taken control and cached the app.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 }).catch(async () => {
      await page.reload();
    });
    await page.getByLabel('武昌区', { exact: true }).check();

    // Close the tab, go offline, open it again: the app loads from the cache with the answer.
    await page.close();
    await context.setOffline(true);
    page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url('respond.html'));
    await page.getByRole('heading', { level: 1, name: '武汉市2026年度社会公众满意度调查' }).waitFor();
    assert.ok(await page.getByLabel('武昌区', { exact: true }).isChecked(), 'the answer survived');
    await page.getByLabel('60岁及以上', { exact: true }).check();
    await page.getByRole('button', { name: '下一部分' }).click();
    for (const row of ['微循环道路', '绿道建设', '停车便利', '社区卫生服务', '养老服务', '社会治安', '环境卫生']) {
      await page.getByRole('group', { name: row, exact: true }).getByLabel('满意', { exact: true }).check();
    }
    await page.getByRole('button', { name: '下一部分' }).click();
    await page.getByRole('group', { name: /总体而言/ }).getByLabel('非常满意', { exact: true }).check();
    await page.getByLabel('医疗卫生', { exact: true }).check();
    await page.getByRole('button', { name: '提交问卷' }).click();
    await page.getByRole('heading', { name: '提交成功，感谢您的参与！' }).waitFor();
    await page.getByText('当前无法连接服务器，答卷已保存在本机，联网后将自动发送。').waitFor();
    const queued = (await outbox(page)).map((e) => e.record);
    assert.equal(queued.length, 1);
    assert.deepEqual(await axeCheck(page), []);

    // Back online: the outbox is delivered to the host and emptied.
    const before = new Set(RECEIVED_DIR ? await readdir(RECEIVED_DIR).catch(() => []) : []);
    await context.setOffline(false);
    await page.getByText('答卷已送达。').waitFor({ timeout: 15000 });
    assert.deepEqual((await outbox(page)).map((e) => e.state), ['sent']);
    if (RECEIVED_DIR) {
      const added = (await readdir(RECEIVED_DIR)).filter((f) => !before.has(f));
      const got = await Promise.all(added.map(async (f) => JSON.parse(await readFile(`${RECEIVED_DIR}/${f}`, 'utf8')).checksum));
      assert.ok(got.includes(queued[0].checksum), 'the queued record reached the host');
    }
    assert.deepEqual(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED')), []);
  } finally {
    await browser.close();
  }
});
