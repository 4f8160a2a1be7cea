// A large CSV file on the office page: read in blocks by the office worker and its helper
// worker (www/js/blocks.js). Every row is counted, a duplicate and a broken row far into the
// file (after a block whose cut fell inside a quoted field) are rejected with their exact
// spreadsheet rows, and the manifest's SHA-256 of the file is that of its bytes (every block
// hashed, in order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { launch, url, watchErrors } from './harness.mjs';

/** CSV text into records (a quoted field may hold line breaks). */
function records(text) {
  const out = [];
  let cur = null;
  for (const line of text.split('\n')) {
    cur = cur == null ? line : `${cur}\n${line}`;
    if ((cur.split('"').length - 1) % 2 === 0) {
      if (cur !== '') out.push(cur);
      cur = null;
    }
  }
  return out;
}

async function rowsOf(table) {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent.trim())));
}

test('a large CSV file is read in blocks by two workers: every row, exact rows of rejections, the file hash', async () => {
  // `kaoping demo responses --n 400 --seed 7`, its rows repeated with new ids to 120,000 rows
  // (about 13 MB: over the 8 MB from which files are read in blocks of 4 MB).
  const demo = await readFile(new URL('../fixtures/office-demo/public.csv', import.meta.url), 'utf8');
  const [header, ...rows] = records(demo.replace(/\r\n/g, '\n'));
  assert.ok(header.startsWith('respondent_id,'), 'the id is the first column');
  const n = 120_000;
  const body = [];
  for (let i = 0; i < n; i++) {
    const r = rows[i % rows.length];
    body.push(`B${String(i).padStart(7, '0')}${r.slice(r.indexOf(','))}`);
  }
  // Spreadsheet rows: the header is row 1, data row i is row i + 2.
  body[100_000] = `B0000007${body[100_000].slice(body[100_000].indexOf(','))}`; // row 100,002
  body[90_000] = 'B0090000,broken'; // row 90,002: two fields
  // The cut after the first block (blocks.js: the part the run reads alone ends at the first LF
  // past 1 MiB, the first block at the first LF past that + 4 MiB) falls inside a quoted comment
  // with a line break: that block goes to the run as bytes, and prepared blocks are used again
  // after it.
  const FIRST = 1 << 20;
  const BLOCK = 4 << 20;
  const lengths = body.map((r) => Buffer.byteLength(r, 'utf8') + 1);
  const rowAt = (pos) => {
    let at = Buffer.byteLength(header, 'utf8') + 1;
    for (let i = 0; ; i++) {
      if (at + lengths[i] > pos) return { i, end: at + lengths[i] };
      at += lengths[i];
    }
  };
  const start = rowAt(FIRST).end;
  const quoted = rowAt(start + BLOCK).i;
  body[quoted] = `${body[quoted].slice(0, body[quoted].lastIndexOf(','))},"第一行${'。'.repeat(100)}\n第二行"`;
  const csv = Buffer.from(`${header}\n${body.join('\n')}\n`, 'utf8');
  const cut = csv.indexOf(10, start + BLOCK) + 1;
  let quotes = 0;
  for (let i = 0; i < cut; i++) if (csv[i] === 34) quotes++;
  assert.equal(quotes % 2, 1, 'the cut after the first block is inside a quoted field');
  assert.ok(csv.length > 12e6, `${csv.length} bytes`);

  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  const errors = watchErrors(page);
  try {
    await page.goto(url('office.html'));
    await page.getByText('方案有效').first().waitFor();
    await page.getByLabel('数据文件', { exact: true }).setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByRole('heading', { name: '读取 120,000 条，接受 119,998 条，拒绝 2 条' }).waitFor();
    const rejected = await rowsOf(page.getByRole('table', { name: '被拒绝的记录' }));
    assert.deepEqual(rejected.map((r) => [r[0], r[1], r[2]]), [
      ['big.csv', '90,002', 'district'],
      ['big.csv', '100,002', 'respondent_id'],
    ]);
    assert.match(rejected[1][3], /答卷编号 B0000007 重复（首次出现于 big\.csv 第 9 条）/);
    assert.match(rejected[0][3], /此行有 2 个字段/);
    // The helper worker ran, and so did the worker that reads the blocks for both.
    const workers = page.workers().map((w) => w.url());
    assert.ok(workers.some((u) => u.endsWith('/js/shard-worker.js')), workers.join(' '));
    assert.ok(workers.some((u) => u.endsWith('/js/read-worker.js')), workers.join(' '));

    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载审计清单（manifest.json）' }).click()]);
    const manifest = JSON.parse(await readFile(await dl.path(), 'utf8'));
    const input = manifest.inputs.find((f) => f.name === 'big.csv');
    assert.equal(input.sha256, createHash('sha256').update(csv).digest('hex'), 'the file hash covers every block');
    assert.equal(input.size, csv.length);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
