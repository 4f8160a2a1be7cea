// The site goes out compressed (issue 19: reviewers on a phone): the review page's WASM, its
// scripts and its HTML come gzip- or brotli-encoded when the request takes it, the same bytes
// once decoded, with `Vary: Accept-Encoding`; a request that takes neither gets them as they
// are. Run against the dev server (`cargo xtask test`'s e2e step) and through docs/deploy.md's
// nginx and Caddy snippets (its recipe steps): the dev server and Caddy send brotli when asked,
// nginx as Debian ships it gzip (its brotli module is optional).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { url, engineFile } from './harness.mjs';

/** GET `path` with `Accept-Encoding: accept` (none when null): status, headers, raw body. */
function get(path, accept) {
  return new Promise((resolve, reject) => {
    const headers = accept === null ? {} : { 'Accept-Encoding': accept };
    request(url(path), { headers }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

const decode = { gzip: gunzipSync, br: brotliDecompressSync };

// The review build's files under the names the build gave them by content (build.json).
const reviewWasm = await engineFile('pkg-review', 'wasm');
const reviewGlue = await engineFile('pkg-review', 'js');

for (const path of [reviewWasm, reviewGlue, 'js/review.js', 'review.html']) {
  test(`${path} is sent compressed when the request takes it, as it is otherwise`, async () => {
    const plain = await get(path, 'identity');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined, 'identity: not encoded');
    assert.ok(plain.body.length > 0);
    const none = await get(path, null);
    assert.equal(none.headers['content-encoding'], undefined, 'no Accept-Encoding: not encoded');
    assert.deepEqual(none.body, plain.body);

    for (const [accept, allowed] of [['gzip', ['gzip']], ['br, gzip', ['br', 'gzip']]]) {
      const res = await get(path, accept);
      assert.equal(res.status, 200);
      const enc = res.headers['content-encoding'];
      assert.ok(allowed.includes(enc), `${accept}: Content-Encoding ${enc}`);
      assert.match(res.headers.vary ?? '', /accept-encoding/i, `${accept}: Vary`);
      assert.ok(res.body.length < plain.body.length, `${accept}: ${res.body.length} < ${plain.body.length}`);
      assert.deepEqual(decode[enc](res.body), plain.body, `${accept}: decodes to the file`);
      assert.equal(res.headers['content-type'], plain.headers['content-type']);
    }
  });
}

test('the review WASM is under half its size over the wire', async () => {
  const plain = await get(reviewWasm, 'identity');
  const gz = await get(reviewWasm, 'gzip');
  assert.ok(gz.body.length * 2 < plain.body.length, `${gz.body.length} of ${plain.body.length} bytes`);
});
